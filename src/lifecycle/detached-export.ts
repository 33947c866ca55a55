/**
 * OTLP exports that never keep the application alive.
 *
 * An app whose work is done must exit even when the collector is down or black-holed. Two
 * things in the OTLP HTTP exporters hold Node's event loop: the socket of a request in flight
 * (up to OTEL_EXPORTER_OTLP_TIMEOUT, 10 s by default) and the timers of the retry back-off
 * (1 to 5 s each, scheduled until that timeout). With a short push interval a new export starts
 * before the last one gave up, so the app never exits. Here both are detached from the loop:
 * sockets are unref'd (through the exporters' public agent option) and the retry timers are
 * unref'd (the retrying transport is found by shape; a version with another shape keeps its
 * timers and is still bounded by shutdown()). The final flush at exit holds the loop itself,
 * for at most AIMETER_SHUTDOWN_TIMEOUT (see shutdown.ts).
 */
import type * as http from 'node:http';
import type { Socket } from 'node:net';

type AgentFactory = (protocol: string) => http.Agent;

/** The `httpAgentOptions` for an OTLP HTTP exporter: keep-alive sockets that do not hold the loop. */
export function detachedAgentFactory(): AgentFactory {
  return (protocol) => {
    // Loaded here: the exporters are themselves loaded only when configured.
    const { Agent } = (protocol === 'https:' ? require('node:https') : require('node:http')) as typeof import('node:http');
    const agent = new Agent({ keepAlive: true });
    const create = agent.createConnection.bind(agent) as (...args: unknown[]) => Socket | undefined;
    (agent as unknown as { createConnection: (...args: unknown[]) => Socket | undefined }).createConnection = (...args) => {
      const socket = create(...args);
      socket?.unref();
      return socket;
    };
    return agent;
  };
}

interface RetryingTransportShape {
  _transport: { send(data: Uint8Array, timeoutMillis: number): Promise<unknown> };
  retry(data: Uint8Array, timeoutMillis: number, inMillis: number): Promise<unknown>;
}

/**
 * Makes the exporter's retry back-off timers not hold the event loop. Returns whether the
 * exporter had the expected shape (OTLPExporterBase -> delegate -> RetryingTransport).
 */
export function detachRetryTimers(exporter: object): boolean {
  const transport = (exporter as { _delegate?: { _transport?: Partial<RetryingTransportShape> } })._delegate?._transport;
  if (!transport || typeof transport.retry !== 'function' || typeof transport._transport?.send !== 'function') return false;
  const inner = transport._transport;
  transport.retry = (data, timeoutMillis, inMillis) =>
    new Promise((resolve, reject) => {
      setTimeout(() => void inner.send(data, timeoutMillis).then(resolve, reject), inMillis).unref();
    });
  return true;
}
