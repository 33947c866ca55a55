/**
 * The loopback WebSocket server under the live-speech fakes (Deepgram live, ElevenLabs
 * stream-input): upgrades on any path the fake accepts, handshakes refused with an HTTP status
 * as the real services do, and a queue of plans for the next connections (refuse, close with a
 * code, drop) that tests push.
 */
import * as http from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { listenOnLoopback } from './http-server';

export type SocketPlan = { reject: number } | { closeCode: number; reason: string } | { drop: true };

export interface Upgrade {
  readonly req: http.IncomingMessage;
  readonly url: URL;
  /** The plan pushed for this connection, if any (a `reject` plan is the fake's to honour). */
  readonly plan: SocketPlan | undefined;
  /** Ends the handshake with an HTTP error response carrying a JSON body. */
  refuse(status: number, body: unknown, headers?: Record<string, string>): void;
  /** Completes the handshake. */
  accept(serve: (ws: WebSocket) => void): void;
}

export interface WebSocketFakeServer {
  readonly url: string;
  /** The next handshake is refused with that HTTP status. */
  rejectNext(status: number): void;
  /** The next session is closed with that code at its first message of the fake's kind. */
  closeNextAfterFirst(code: number, reason?: string): void;
  /** The next session's TCP connection is cut at its first message of the fake's kind. */
  dropNextAfterFirst(): void;
  close(): Promise<void>;
}

/**
 * Carries out a session's close or drop plan, which the fake calls at the session's first message
 * of its kind (audio, text); true when the session has been ended.
 */
export function endByPlan(ws: WebSocket, plan: SocketPlan | undefined): boolean {
  if (plan && 'closeCode' in plan) {
    ws.close(plan.closeCode, plan.reason);
    return true;
  }
  if (plan && 'drop' in plan) {
    ws.terminate();
    return true;
  }
  return false;
}

/**
 * What a session sends later: each `fn` runs `delayMs` after the previous one ran, so replies
 * leave in the order of the messages they answer, and not at all once the socket is closed.
 */
export function inOrderAfter(ws: WebSocket, delayMs: number): (fn: () => void) => void {
  let pending = Promise.resolve();
  return (fn) => {
    pending = pending.then(() => new Promise<void>((resolve) => setTimeout(() => (ws.readyState === ws.OPEN && fn(), resolve()), delayMs)));
  };
}

export async function startWebSocketServer(onUpgrade: (upgrade: Upgrade) => void): Promise<WebSocketFakeServer> {
  const plans: SocketPlan[] = [];
  const server = http.createServer((_req, res) => void res.writeHead(426, { 'content-type': 'text/plain' }).end('upgrade required'));
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    onUpgrade({
      req,
      url: new URL(req.url ?? '/', 'http://127.0.0.1'),
      plan: plans.shift(),
      refuse(status, body, headers = {}) {
        const text = JSON.stringify(body);
        const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
        socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Error'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n${extra}\r\n${text}`);
      },
      accept: (serve) => wss.handleUpgrade(req, socket, head, serve),
    });
  });
  const loopback = await listenOnLoopback(server);
  return {
    url: `ws://127.0.0.1:${loopback.port}`,
    rejectNext: (status) => void plans.push({ reject: status }),
    closeNextAfterFirst: (code, reason = '') => void plans.push({ closeCode: code, reason }),
    dropNextAfterFirst: () => void plans.push({ drop: true }),
    close: () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      return loopback.close();
    },
  };
}
