/**
 * A loopback fake of ElevenLabs' WebSocket text-to-speech (`/v1/text-to-speech/{voice_id}/
 * stream-input?model_id=...&output_format=...`), speaking its wire format: JSON text messages in
 * (`{"text":" ", "voice_settings":..., "xi_api_key":...}` opens, `{"text":"Hello. "}` adds text,
 * `{"text":""}` ends the input); JSON out: `{"audio":"<base64>", "isFinal":null,
 * "normalizedAlignment":..., "alignment":...}` for each text message (`bytesPerCharacter` bytes
 * per character, in base64 chunks of `chunkSize` bytes), then `{"isFinal":true}` and a normal
 * close (1000) once the input has ended.
 *
 *   const fake = await startFakeElevenLabsSocket({ bytesPerCharacter: 100 });
 *   const socket = new WebSocket(`${fake.url}/v1/text-to-speech/voice/stream-input?model_id=eleven_flash_v2_5`);
 *   fake.rejectNext(401);            // the next handshake is refused with that HTTP status
 *   fake.closeAfterText(1008, 'x');  // the next session is closed with that code after its first text
 *   fake.dropAfterText();            // the next session's TCP connection is cut after its first text
 *
 * With `apiKey`, a session whose `xi-api-key` header and first message's `xi_api_key` are both
 * wrong is closed with 1008 (policy violation). Listens on 127.0.0.1 only.
 */
import * as http from 'node:http';
import type { RawData, WebSocket } from 'ws';
import { endByPlan, inOrderAfter, startWebSocketServer, type SocketPlan } from './websocket-server';

export interface FakeElevenLabsSocketOptions {
  /** Bytes of audio per character of text (default 50). */
  readonly bytesPerCharacter?: number;
  /** Bytes of audio per message (default 1024). */
  readonly chunkSize?: number;
  /** Milliseconds before the audio of a text message is sent (default 5). */
  readonly delayMs?: number;
  readonly apiKey?: string;
}

export interface FakeElevenLabsSocketSession {
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Every message received, parsed. */
  readonly received: unknown[];
  /** Bytes of audio sent (before base64). */
  audioBytes: number;
}

export interface FakeElevenLabsSocket {
  /** ws://127.0.0.1:port (append the API path). */
  readonly url: string;
  readonly sessions: FakeElevenLabsSocketSession[];
  rejectNext(status: number): void;
  closeAfterText(code: number, reason?: string): void;
  dropAfterText(): void;
  close(): Promise<void>;
}

/** The audio bytes the fake sends: a deterministic pattern. */
export function fakeAudio(bytes: number, offset = 0): Buffer {
  const out = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) out[i] = (offset + i) % 251;
  return out;
}

export async function startFakeElevenLabsSocket(options: FakeElevenLabsSocketOptions = {}): Promise<FakeElevenLabsSocket> {
  const sessions: FakeElevenLabsSocketSession[] = [];
  const perCharacter = options.bytesPerCharacter ?? 50;
  const chunkSize = options.chunkSize ?? 1024;
  const delay = options.delayMs ?? 5;
  const server = await startWebSocketServer(({ req, url, plan, refuse, accept }) => {
    const elRefuse = (status: number) => refuse(status, { detail: { status: 'rejected', message: `rejected with ${status}` } });
    if (plan && 'reject' in plan) return elRefuse(plan.reject);
    if (!/^\/v1\/text-to-speech\/[^/]+\/(multi-)?stream-input$/.test(url.pathname)) return elRefuse(404);
    accept((ws) => serve(ws, req, url, plan));
  });

  function serve(ws: WebSocket, req: http.IncomingMessage, url: URL, plan: SocketPlan | undefined): void {
    const session: FakeElevenLabsSocketSession = { path: url.pathname, query: Object.fromEntries(url.searchParams.entries()), received: [], audioBytes: 0 };
    sessions.push(session);
    let authorised = options.apiKey === undefined || req.headers['xi-api-key'] === options.apiKey;
    let texts = 0;
    const later = inOrderAfter(ws, delay);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return void ws.close(1003, 'binary messages are not accepted');
      let message: { text?: unknown; xi_api_key?: unknown; flush?: unknown };
      try {
        message = JSON.parse(data.toString()) as typeof message;
      } catch {
        return void ws.close(1007, 'invalid JSON');
      }
      session.received.push(message);
      if (session.received.length === 1 && typeof message.xi_api_key === 'string') authorised ||= message.xi_api_key === options.apiKey;
      if (!authorised) return void ws.close(1008, 'invalid_api_key');
      if (typeof message.text !== 'string') return;
      if (message.text === '') {
        later(() => {
          ws.send(JSON.stringify({ isFinal: true }));
          ws.close(1000);
        });
        return;
      }
      if (message.text === ' ' && session.received.length === 1) return;
      texts++;
      if (texts === 1 && endByPlan(ws, plan)) return;
      const characters = [...message.text].length;
      later(() => {
        let left = characters * perCharacter;
        while (left > 0) {
          const size = Math.min(chunkSize, left);
          const audio = fakeAudio(size, session.audioBytes);
          session.audioBytes += size;
          left -= size;
          ws.send(
            JSON.stringify({
              audio: audio.toString('base64'),
              isFinal: null,
              normalizedAlignment: { charStartTimesMs: [0], charsDurationsMs: [50], chars: [' '] },
              alignment: { charStartTimesMs: [0], charsDurationsMs: [50], chars: [' '] },
            }),
          );
        }
      });
    });
  }

  return {
    url: server.url,
    sessions,
    rejectNext: server.rejectNext,
    closeAfterText: server.closeNextAfterFirst,
    dropAfterText: server.dropNextAfterFirst,
    close: () => server.close(),
  };
}
