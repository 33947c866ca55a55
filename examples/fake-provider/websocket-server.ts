/**
 * The loopback WebSocket server under the live-speech fakes (Deepgram live, ElevenLabs
 * stream-input): upgrades on any path the fake accepts, handshakes refused with an HTTP status
 * as the real services do, and a queue of plans for the next connections (refuse, close with a
 * code, drop) that tests push.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

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
  readonly plans: SocketPlan[];
  close(): Promise<void>;
}

export async function startWebSocketServer(onUpgrade: (upgrade: Upgrade) => void): Promise<WebSocketFakeServer> {
  const plans: SocketPlan[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((_req, res) => void res.writeHead(426, { 'content-type': 'text/plain' }).end('upgrade required'));
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    plans,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        for (const socket of sockets) socket.destroy();
        wss.close();
        server.close(() => resolve());
      }),
  };
}
