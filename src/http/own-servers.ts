/**
 * aimeter's own HTTP servers (/metrics, /healthz): their requests are aimeter's business, not
 * the application's, and must not become trace roots. instrumentation-http asks
 * `isOwnServerRequest` of every incoming request (its ignoreIncomingRequestHook).
 */
import type { IncomingMessage, Server } from 'node:http';

const OWN = new WeakSet<object>();

export function markOwnServer(server: Server): void {
  OWN.add(server);
}

export function isOwnServerRequest(request: IncomingMessage): boolean {
  // A socket accepted by a net.Server carries it as `socket.server` (set by node:net).
  const server = (request.socket as { server?: object } | null)?.server;
  return server !== undefined && OWN.has(server);
}
