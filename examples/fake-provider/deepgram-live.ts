/**
 * A loopback fake of Deepgram's live transcription API (`GET /v1/listen` upgraded to a
 * WebSocket), speaking its wire format: binary audio in; JSON `Results` (one per audio message,
 * `start` / `duration` in seconds of the audio received, `channel.alternatives[0].transcript`,
 * `metadata.request_id` and `model_info`), `UtteranceEnd` after each final result, and on
 * `{"type":"CloseStream"}` a `Metadata` message with the stream's `duration` before a normal close
 * (1000). `{"type":"Finalize"}` is answered with a `from_finalize` result; `KeepAlive` is accepted.
 *
 *   const fake = await startFakeDeepgramLive({ words: ['hello', 'world'] });
 *   const socket = await new DeepgramClient({ apiKey: 'k', baseUrl: fake.url }).listen.v1.connect({ model: 'nova-3', encoding: 'linear16', sample_rate: 16000 });
 *   fake.rejectNext(401);            // the next handshake is refused with that HTTP status
 *   fake.closeAfterAudio(1011);      // the next session is closed with that code after its first audio
 *   fake.dropAfterAudio();           // the next session's TCP connection is cut after its first audio
 *   await fake.close();
 *
 * Seconds of audio: from the `encoding` (linear16, linear32, mulaw, alaw), `sample_rate` and
 * `channels` in the query string, as Deepgram counts them; other encodings count
 * `secondsPerMessage` per audio message. Listens on 127.0.0.1 only.
 */
import * as http from 'node:http';
import type { RawData, WebSocket } from 'ws';
import { endByPlan, inOrderAfter, startWebSocketServer, type SocketPlan } from './websocket-server';
import { deepgramModelInfo } from './deepgram';

export interface FakeDeepgramLiveOptions {
  /** The transcript of each successive audio message (cycled); '' is a result without speech. Default: 'hello', 'world'. */
  readonly words?: readonly string[];
  /** When set, a handshake whose `Authorization` is not `Token <apiKey>` is refused with 401. */
  readonly apiKey?: string;
  /** Milliseconds between an audio message and its result (default 5). */
  readonly delayMs?: number;
  /** Seconds per audio message for encodings whose size says nothing (default 0.25). */
  readonly secondsPerMessage?: number;
  /** When false, CloseStream closes without a Metadata message (default true). */
  readonly metadata?: boolean;
}

export interface FakeDeepgramLiveSession {
  readonly query: Readonly<Record<string, string>>;
  readonly headers: http.IncomingHttpHeaders;
  /** Every message received: the size of a binary one, the parsed JSON of a text one. */
  readonly received: Array<{ bytes: number } | { json: unknown }>;
  /** Seconds of audio received (what Metadata reports). */
  seconds: number;
}

export interface FakeDeepgramLive {
  /** Base URL to give the SDK (`baseUrl`): ws://127.0.0.1:port. */
  readonly url: string;
  /** Every session, in order of connection. */
  readonly sessions: FakeDeepgramLiveSession[];
  rejectNext(status: number): void;
  closeAfterAudio(code: number, reason?: string): void;
  dropAfterAudio(): void;
  close(): Promise<void>;
}

const BYTES_PER_SAMPLE: Record<string, number> = { linear16: 2, linear32: 4, mulaw: 1, alaw: 1 };

export async function startFakeDeepgramLive(options: FakeDeepgramLiveOptions = {}): Promise<FakeDeepgramLive> {
  const sessions: FakeDeepgramLiveSession[] = [];
  const words = options.words ?? ['hello', 'world'];
  const delay = options.delayMs ?? 5;
  let counter = 0;
  const server = await startWebSocketServer(({ req, url, plan, refuse, accept }) => {
    const dgRefuse = (status: number, body: unknown) => refuse(status, body, { 'dg-error': String(status) });
    if (plan && 'reject' in plan) return dgRefuse(plan.reject, { err_code: 'REJECTED', err_msg: `rejected with ${plan.reject}` });
    if (url.pathname !== '/v1/listen') return dgRefuse(404, { err_code: 'NOT_FOUND', err_msg: url.pathname });
    if (options.apiKey !== undefined && req.headers.authorization !== `Token ${options.apiKey}`) {
      return dgRefuse(401, { err_code: 'INVALID_AUTH', err_msg: 'Invalid credentials.' });
    }
    accept((ws) => serve(ws, req, Object.fromEntries(url.searchParams.entries()), plan));
  });

  function serve(ws: WebSocket, req: http.IncomingMessage, query: Record<string, string>, plan: SocketPlan | undefined): void {
    counter++;
    const requestId = `00000000-0000-4000-9000-${String(counter).padStart(12, '0')}`;
    const session: FakeDeepgramLiveSession = { query, headers: req.headers, received: [], seconds: 0 };
    sessions.push(session);
    const info = deepgramModelInfo(query.model ?? 'base');
    const perSample = BYTES_PER_SAMPLE[query.encoding ?? ''];
    const bytesPerSecond = perSample && query.sample_rate ? perSample * Number(query.sample_rate) * Number(query.channels ?? 1) : undefined;
    let audioMessages = 0;
    // Results leave in order, each `delay` ms after its audio.
    const later = inOrderAfter(ws, delay);
    const result = (start: number, duration: number, transcript: string, fromFinalize: boolean) => ({
      type: 'Results',
      channel_index: [0, 1],
      duration: round(duration),
      start: round(start),
      is_final: true,
      speech_final: transcript !== '',
      channel: {
        alternatives: [
          {
            transcript,
            confidence: transcript ? 0.98 : 0,
            words: transcript ? [{ word: transcript, start: round(start), end: round(start + duration), confidence: 0.98, punctuated_word: transcript }] : [],
          },
        ],
      },
      metadata: { request_id: requestId, model_info: { name: info.name, version: info.version, arch: info.arch }, model_uuid: info.id },
      from_finalize: fromFinalize,
    });

    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        const bytes = Buffer.isBuffer(data) ? data.length : Array.isArray(data) ? Buffer.concat(data).length : data.byteLength;
        session.received.push({ bytes });
        const start = session.seconds;
        const duration = bytesPerSecond ? bytes / bytesPerSecond : (options.secondsPerMessage ?? 0.25);
        session.seconds += duration;
        const transcript = words.length > 0 ? words[audioMessages % words.length]! : '';
        audioMessages++;
        if (audioMessages === 1 && endByPlan(ws, plan)) return;
        later(() => {
          ws.send(JSON.stringify(result(start, duration, transcript, false)));
          if (transcript) ws.send(JSON.stringify({ type: 'UtteranceEnd', channel: [0, 1], last_word_end: round(start + duration) }));
        });
        return;
      }
      let message: { type?: unknown };
      try {
        message = JSON.parse(data.toString()) as { type?: unknown };
      } catch {
        return void ws.close(1008, 'DATA-0000');
      }
      session.received.push({ json: message });
      if (message.type === 'Finalize') later(() => ws.send(JSON.stringify(result(session.seconds, 0, '', true))));
      if (message.type === 'CloseStream') {
        later(() => {
          if (options.metadata !== false) {
            ws.send(
              JSON.stringify({
                type: 'Metadata',
                transaction_key: 'deprecated',
                request_id: requestId,
                sha256: '5dcd7d0e2d6c2f1f7c4f63b7f0bfb5d9a7e5b1d2e3f4a5b6c7d8e9f0a1b2c3d4',
                created: '2026-12-02T10:00:00.000Z',
                duration: round(session.seconds),
                channels: Number(query.channels ?? 1),
                models: [info.id],
                model_info: { [info.id]: { name: info.name, version: info.version, arch: info.arch } },
              }),
            );
          }
          ws.close(1000);
        });
      }
    });
  }

  return {
    url: server.url,
    sessions,
    rejectNext: server.rejectNext,
    closeAfterAudio: server.closeNextAfterFirst,
    dropAfterAudio: server.dropNextAfterFirst,
    close: () => server.close(),
  };
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
