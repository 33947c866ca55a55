/**
 * A loopback fake of ElevenLabs' text-to-speech API, speaking its wire format:
 *   POST /v1/text-to-speech/{voice_id}          -> audio/mpeg bytes (whole body)
 *   POST /v1/text-to-speech/{voice_id}/stream   -> audio/mpeg bytes, chunked, with small delays
 * with the `request-id`, `history-item-id` and `character-cost` headers, and ElevenLabs' error
 * bodies (`{"detail": {"status", "message"}}`, 422 validation lists) with their status codes.
 *
 *   const fake = await startFakeElevenLabs({ bytesPerCharacter: 100, chunkSize: 1024 });
 *   const client = new ElevenLabsClient({ apiKey: 'test-key', baseUrl: fake.url });
 *   const audio = await client.textToSpeech.stream('voice-id', { text, modelId: 'eleven_multilingual_v2' });
 *   fake.failNext({ status: 429 });          // next request: ElevenLabs' 429 body
 *   fake.breakNext({ afterBytes: 2048 });    // next request: 200, then the connection drops
 *   fake.hangNext();                         // next request: never answered
 *   await fake.close();
 *
 * The audio is deterministic (same text -> same bytes), `bytesPerCharacter` bytes per character
 * of text (code points). Listens on 127.0.0.1 only.
 */
import type * as http from 'node:http';
import { startHttpFake } from './http-server';

export interface FakeElevenLabsOptions {
  /** Audio bytes produced per character of text (default 100). */
  readonly bytesPerCharacter?: number;
  /** Size of each streamed chunk in bytes (default 1024). */
  readonly chunkSize?: number;
  /** Milliseconds before the first audio byte (default 15). */
  readonly firstByteDelayMs?: number;
  /** Milliseconds between streamed chunks (default 3). */
  readonly chunkDelayMs?: number;
  /** When set, requests whose `xi-api-key` differs get ElevenLabs' 401. */
  readonly apiKey?: string;
}

export interface RecordedElevenLabsRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: http.IncomingHttpHeaders;
  /** Parsed JSON body (snake_case, as on the wire). */
  readonly json: Record<string, unknown> | undefined;
}

export interface FakeElevenLabsFailure {
  readonly status: number;
  /** Response body; defaults to ElevenLabs' body for that status. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface FakeElevenLabs {
  readonly url: string;
  readonly requests: RecordedElevenLabsRequest[];
  failNext(failure: FakeElevenLabsFailure): void;
  /** The next request gets a 200 and `afterBytes` bytes of audio, then the connection is destroyed. */
  breakNext(options: { afterBytes: number }): void;
  hangNext(): void;
  /** The exact bytes the fake produces for a text (what a successful call returns). */
  audioFor(text: string): Buffer;
  close(): Promise<void>;
}

/** Credits per character ElevenLabs reports in `character-cost`, by model. */
export function elevenLabsCreditsPerCharacter(model: string): number {
  return /flash|turbo/.test(model) ? 0.5 : 1;
}

const ERROR_BODIES: Record<number, unknown> = {
  400: { detail: { status: 'invalid_request', message: 'Invalid request.' } },
  401: { detail: { status: 'invalid_api_key', message: 'Invalid API key' } },
  404: { detail: { status: 'voice_not_found', message: 'A voice with the voice_id was not found.' } },
  422: { detail: [{ type: 'missing', loc: ['body', 'text'], msg: 'Field required', input: {} }] },
  429: {
    detail: {
      status: 'too_many_concurrent_requests',
      message: 'Too many concurrent requests. Your current subscription is associated with a maximum of 2 concurrent requests.',
    },
  },
  500: { detail: { status: 'internal_server_error', message: 'An internal server error occurred.' } },
};

/** Deterministic MPEG-audio-looking bytes: 418-byte frames starting with an MP3 frame header. */
export function fakeMp3(text: string, bytesPerCharacter: number): Buffer {
  const size = [...text].length * bytesPerCharacter;
  const out = Buffer.alloc(size);
  let seed = 2166136261;
  for (const ch of text) seed = Math.imul(seed ^ ch.codePointAt(0)!, 16777619) >>> 0;
  for (let i = 0; i < size; i++) {
    if (i % 418 === 0) {
      // MPEG-1 Layer III, 128 kbit/s, 44.1 kHz frame header.
      out.set([0xff, 0xfb, 0x90, 0x64].slice(0, Math.min(4, size - i)), i);
      i += Math.min(4, size - i) - 1;
      continue;
    }
    seed = Math.imul(seed ^ (seed >>> 15), 2246822507) >>> 0;
    out[i] = seed & 0xff;
  }
  return out;
}

type Scripted = FakeElevenLabsFailure | { breakAfter: number } | 'hang';

export async function startFakeElevenLabs(options: FakeElevenLabsOptions = {}): Promise<FakeElevenLabs> {
  const requests: RecordedElevenLabsRequest[] = [];
  const script: Scripted[] = [];
  const bytesPerCharacter = options.bytesPerCharacter ?? 100;
  const chunkSize = options.chunkSize ?? 1024;
  let counter = 0;

  const server = await startHttpFake((req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    requests.push({ method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams.entries()), headers: req.headers, json });
    counter++;
    const requestId = `req_${String(counter).padStart(20, '0')}`;
    const sendJson = (status: number, body: unknown, headers: Readonly<Record<string, string>> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': requestId, ...headers });
      res.end(JSON.stringify(body));
    };
    const next = script.shift();
    if (next === 'hang') return;
    const match = /^\/v1\/text-to-speech\/([^/]+)(\/stream)?$/.exec(url.pathname);
    setTimeout(() => {
      if (next && 'status' in next) {
        sendJson(next.status, next.body ?? ERROR_BODIES[next.status] ?? { detail: { status: 'error', message: 'error' } }, next.headers);
        return;
      }
      if (options.apiKey !== undefined && req.headers['xi-api-key'] !== options.apiKey) {
        sendJson(401, ERROR_BODIES[401]);
        return;
      }
      if (req.method !== 'POST' || !match) {
        sendJson(404, { detail: 'Not Found' });
        return;
      }
      if (typeof json?.text !== 'string') {
        sendJson(422, ERROR_BODIES[422]);
        return;
      }
      const text = json.text;
      const model = typeof json.model_id === 'string' ? json.model_id : 'eleven_multilingual_v2';
      const audio = fakeMp3(text, bytesPerCharacter);
      const headers: Record<string, string> = {
        'content-type': 'audio/mpeg',
        'request-id': requestId,
        'history-item-id': `hist_${counter}`,
        'character-cost': String([...text].length * elevenLabsCreditsPerCharacter(model)),
      };
      const streaming = match[2] === '/stream';
      const breakAfter = next && 'breakAfter' in next ? next.breakAfter : undefined;
      if (!streaming && breakAfter === undefined) {
        res.writeHead(200, { ...headers, 'content-length': String(audio.length) });
        res.end(audio);
        return;
      }
      res.writeHead(200, headers); // chunked transfer encoding
      let offset = 0;
      const limit = breakAfter ?? audio.length;
      const pump = () => {
        if (res.destroyed) return;
        if (offset >= limit) {
          if (breakAfter !== undefined) res.socket?.destroy();
          else res.end();
          return;
        }
        const end = Math.min(offset + chunkSize, limit);
        res.write(audio.subarray(offset, end));
        offset = end;
        setTimeout(pump, options.chunkDelayMs ?? 3);
      };
      pump();
    }, options.firstByteDelayMs ?? 15);
  });
  return {
    url: server.url,
    requests,
    failNext: (failure) => void script.push(failure),
    breakNext: ({ afterBytes }) => void script.push({ breakAfter: afterBytes }),
    hangNext: () => void script.push('hang'),
    audioFor: (text) => fakeMp3(text, bytesPerCharacter),
    close: () => server.close(),
  };
}
