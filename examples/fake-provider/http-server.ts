/**
 * The loopback server under every fake provider: listens on 127.0.0.1 (an ephemeral port unless
 * told), keeps every connection it accepts so that close() ends them all at once (keep-alive
 * clients, requests a fake left hanging, upgraded WebSockets), and, for the HTTP fakes, hands
 * each request to the fake with its whole body read.
 */
import * as http from 'node:http';
import * as http2 from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';

export interface LoopbackServer {
  /** http://127.0.0.1:port */
  readonly url: string;
  readonly port: number;
  /** Destroys every open connection, then stops listening. */
  close(): Promise<void>;
}

export interface HttpFakeOptions {
  /** The port to listen on (default: an ephemeral one). */
  readonly port?: number;
  /** How long an idle keep-alive connection stays open (HTTP/1.1 only; Node's default otherwise). */
  readonly keepAliveTimeoutMs?: number;
}

type Http1Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void;
type AnyHandler = (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse, body: Buffer) => void;

/**
 * Listens on the loopback interface; close() ends every connection still open (an HTTP/2 one
 * whether or not a session is on it yet, an upgraded one too).
 */
export async function listenOnLoopback(server: http.Server | http2.Http2Server, port = 0): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${address}`,
    port: address,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * An HTTP/1.1 fake; with `http2: true`, HTTP/2 without TLS (prior knowledge), whose compatibility
 * API has what a fake uses (url, headers, writeHead/write/end).
 */
export function startHttpFake(handle: Http1Handler, options?: HttpFakeOptions): Promise<LoopbackServer>;
export function startHttpFake(handle: AnyHandler, options: HttpFakeOptions & { readonly http2: boolean }): Promise<LoopbackServer>;
export function startHttpFake(handle: Http1Handler | AnyHandler, options: HttpFakeOptions & { readonly http2?: boolean } = {}): Promise<LoopbackServer> {
  const withBody = (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    // The server made below is HTTP/1.1 unless the caller's overload allowed both.
    req.on('end', () => (handle as AnyHandler)(req, res, Buffer.concat(chunks)));
  };
  const server = options.http2 ? http2.createServer(withBody) : http.createServer(withBody);
  if (options.keepAliveTimeoutMs !== undefined && server instanceof http.Server) server.keepAliveTimeout = options.keepAliveTimeoutMs;
  return listenOnLoopback(server, options.port);
}
