/**
 * A loopback fake of Deepgram's pre-recorded transcription API (`POST /v1/listen`), speaking
 * its wire format: JSON response with `metadata.duration`, `metadata.model_info`,
 * `results.channels[].alternatives[].transcript`; Deepgram's error bodies
 * (`{err_code, err_msg, request_id}`) with their status codes.
 *
 *   const fake = await startFakeDeepgram({ duration: 12.5, transcript: 'hello world' });
 *   const client = new DeepgramClient({ apiKey: 'test-key', baseUrl: fake.url });
 *   await client.listen.v1.media.transcribeFile(audio, { model: 'nova-3' });
 *   fake.failNext({ status: 429 });      // the next request gets Deepgram's 429 body
 *   fake.hangNext();                     // the next request never gets an answer (timeouts)
 *   await fake.close();
 *
 * Used by the tests (test/speech/) and usable from examples; it listens on 127.0.0.1 only.
 */
import type * as http from 'node:http';
import { startHttpFake } from './http-server';

export interface FakeDeepgramOptions {
  /** Seconds of audio reported in `metadata.duration` (default 12.5). */
  readonly duration?: number;
  /** Transcript of every channel (default 'hello from the fake deepgram server'). */
  readonly transcript?: string;
  /** Number of channels in `results.channels` (default 1). */
  readonly channels?: number;
  /** Milliseconds the server "processes" before answering (default 5). */
  readonly delayMs?: number;
  /** When set, requests whose `Authorization` is not `Token <apiKey>` get a 401. */
  readonly apiKey?: string;
}

export interface RecordedDeepgramRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface FakeDeepgramFailure {
  readonly status: number;
  /** Response body; defaults to Deepgram's body for that status. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface FakeDeepgram {
  /** Base URL to give the SDK (`baseUrl`). */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: RecordedDeepgramRequest[];
  /** The next request is answered with this error instead of a transcription. */
  failNext(failure: FakeDeepgramFailure): void;
  /** The next request is never answered (the connection is closed by close()). */
  hangNext(): void;
  close(): Promise<void>;
}

/** The model_info Deepgram reports for a requested model name. */
export function deepgramModelInfo(model: string): { id: string; name: string; version: string; arch: string } {
  const arch = model.replace(/^(general|phonecall|meeting|medical|finance|voicemail|video)-/, '').split('-').slice(0, 2).join('-');
  return { id: 'c0d1a3f0-5e1b-4d2a-9a5e-3b7c2f1e0a11', name: `general-${arch}`, version: '2025-06-12.0', arch };
}

/** The JSON body Deepgram returns for a pre-recorded transcription. */
export function deepgramTranscription(options: { requestId: string; duration: number; transcript: string; channels: number; model: string }) {
  const info = deepgramModelInfo(options.model);
  const words = options.transcript.split(/\s+/).filter(Boolean);
  const step = words.length > 0 ? options.duration / words.length : 0;
  const channel = {
    alternatives: [
      {
        transcript: options.transcript,
        confidence: 0.9921875,
        words: words.map((word, i) => ({
          word: word.toLowerCase().replace(/[^\p{L}\p{N}']/gu, ''),
          start: round(i * step),
          end: round((i + 1) * step),
          confidence: 0.99,
        })),
      },
    ],
  };
  return {
    metadata: {
      transaction_key: 'deprecated',
      request_id: options.requestId,
      sha256: 'a3f1c2e4b5d6978812345678901234567890abcdefabcdefabcdefabcdefabcd',
      created: '2026-11-21T10:00:00.000Z',
      duration: options.duration,
      channels: options.channels,
      models: [info.id],
      model_info: { [info.id]: { name: info.name, version: info.version, arch: info.arch } },
    },
    results: { channels: Array.from({ length: options.channels }, () => channel) },
  };
}

const ERROR_BODIES: Record<number, { err_code: string; err_msg: string }> = {
  400: { err_code: 'Bad Request', err_msg: 'Bad Request: failed to process audio: corrupt or unsupported data' },
  401: { err_code: 'INVALID_AUTH', err_msg: 'Invalid credentials.' },
  402: { err_code: 'ASR_PAYMENT_REQUIRED', err_msg: 'Project does not have enough credits for an ASR request.' },
  429: { err_code: 'TOO_MANY_REQUESTS', err_msg: 'Too many requests. Please try again later' },
  500: { err_code: 'INTERNAL_SERVER_ERROR', err_msg: 'An internal server error occurred.' },
  503: { err_code: 'SERVICE_UNAVAILABLE', err_msg: 'Service temporarily unavailable.' },
};

export async function startFakeDeepgram(options: FakeDeepgramOptions = {}): Promise<FakeDeepgram> {
  const requests: RecordedDeepgramRequest[] = [];
  const script: Array<FakeDeepgramFailure | 'hang'> = [];
  let counter = 0;

  const server = await startHttpFake((req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams.entries());
    requests.push({ method: req.method ?? '', path: url.pathname, query, headers: req.headers, body });
    counter++;
    const requestId = `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'dg-request-id': requestId, ...headers });
      res.end(text);
    };
    const next = script.shift();
    if (next === 'hang') return;
    setTimeout(() => {
      if (next) {
        send(next.status, next.body ?? { ...(ERROR_BODIES[next.status] ?? { err_code: 'ERROR', err_msg: 'error' }), request_id: requestId }, { ...next.headers });
        return;
      }
      if (options.apiKey !== undefined && req.headers.authorization !== `Token ${options.apiKey}`) {
        send(401, { ...ERROR_BODIES[401], request_id: requestId });
        return;
      }
      if (req.method !== 'POST' || url.pathname !== '/v1/listen') {
        send(404, { err_code: 'NOT_FOUND', err_msg: `No route for ${req.method} ${url.pathname}`, request_id: requestId });
        return;
      }
      if (query.callback) {
        send(200, { request_id: requestId });
        return;
      }
      send(
        200,
        deepgramTranscription({
          requestId,
          duration: options.duration ?? 12.5,
          transcript: options.transcript ?? 'hello from the fake deepgram server',
          channels: options.channels ?? 1,
          model: query.model ?? 'base',
        }),
      );
    }, options.delayMs ?? 5);
  });
  return {
    url: server.url,
    requests,
    failNext: (failure) => void script.push(failure),
    hangNext: () => void script.push('hang'),
    close: () => server.close(),
  };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
