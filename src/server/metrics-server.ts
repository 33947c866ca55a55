/**
 * The HTTP endpoint Prometheus scrapes: GET /metrics (text exposition 0.0.4, or OpenMetrics with
 * exemplars when the Accept header asks for it: openmetrics.ts) and GET /healthz.
 * It never keeps the process alive (the server is unref'd) and never takes the app down: a busy
 * port or any start-up failure prints one warning and the application runs on.
 *
 * Plain node:http, loaded only when the server starts: two fixed routes need no framework, and
 * a preload must not load `http` (or a framework the app also uses) before the instrumentations'
 * hooks are in place (issue 16). Its requests make no trace spans (src/http/own-servers.ts).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { markOwnServer } from '../http/own-servers';
import { warn } from '../internal/log';
import { recordInternalError } from '../internal/errors';
import { portInUseMessage } from '../processes/port-conflict';
import type { ExpositionFormat } from '../metrics/openmetrics';
import { negotiateFormat } from './openmetrics';


export interface MetricsServerOptions {
  readonly host: string;
  readonly port: number;
  /**
   * Produces the full exposition text. When it also has `chunks()` (createExposition's result
   * does), the response is written piece by piece instead, so that a scrape of thousands of
   * series neither builds one giant string nor blocks the event loop for its whole length.
   */
  readonly render: ((format?: ExpositionFormat) => Promise<string>) & {
    readonly chunks?: (format?: ExpositionFormat) => AsyncIterable<string>;
    /**
     * The formats `render` writes when passed them (createExposition's: both). Without it, only
     * text 0.0.4 is served: a renderer that ignores the format must not be labelled OpenMetrics.
     */
    readonly formats?: readonly ExpositionFormat[];
  };
  /**
   * POST /api/kpi/events (src/quality/kpi-events.ts), served beside /metrics when given: start()
   * passes it when AIMETER_EVENTS_TOKEN is set.
   */
  readonly kpiEvents?: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface MetricsServer {
  /** Resolves with the bound address once listening, or undefined if the server could not start. */
  readonly ready: Promise<AddressInfo | undefined>;
  close(): Promise<void>;
}

export function startMetricsServer(options: MetricsServerOptions): MetricsServer {
  let server: Server | undefined;
  const ready = new Promise<AddressInfo | undefined>((resolve) => {
    try {
      const { createServer } = require('node:http') as typeof import('node:http');
      server = createServer((req, res) => handle(req, res, options.render, options.kpiEvents));
      markOwnServer(server);
      server.listen(options.port, options.host);
      // Neither the listening socket nor a scraper's connection (keep-alive, or half-open and
      // never finished) may keep a finished application alive.
      server.unref();
      server.on('connection', (socket) => socket.unref());
      server.once('listening', () => resolve(server!.address() as AddressInfo));
      server.once('error', (error: NodeJS.ErrnoException) => {
        warn(
          error.code === 'EADDRINUSE'
            ? portInUseMessage(options.host, options.port)
            : `aimeter: cannot serve /metrics on ${options.host}:${options.port} (${error.code ?? error.message}); ` +
                'the application runs on without the metrics endpoint. Set OTEL_EXPORTER_PROMETHEUS_PORT to a free port.',
        );
        resolve(undefined);
      });
    } catch (error) {
      warn(`aimeter: cannot start the metrics endpoint (${String(error)}); the application runs on without it.`);
      resolve(undefined);
    }
  });

  return {
    ready,
    close: () =>
      new Promise<void>((resolve) => {
        if (!server?.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

/** Kept in step with KPI_EVENTS_PATH (src/quality/kpi-events.ts), not imported: the server loads no quality code unless asked. */
const KPI_EVENTS_PATH = '/api/kpi/events';

function handle(
  req: IncomingMessage,
  res: ServerResponse,
  render: MetricsServerOptions['render'],
  kpiEvents: MetricsServerOptions['kpiEvents'],
): void {
  const path = (req.url ?? '/').split('?', 1)[0];
  if (kpiEvents && path === KPI_EVENTS_PATH) return kpiEvents(req, res);
  if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { allow: 'GET, HEAD' });
  if (path === '/healthz') return reply(res, 200, 'text/plain; charset=utf-8', 'ok\n');
  if (path !== '/metrics') return reply(res, 404, 'text/plain; charset=utf-8', 'not found: aimeter serves /metrics and /healthz\n');
  const { format, contentType } = negotiateFormat(req.headers.accept, render.formats ?? ['text']);
  // The answer depends on Accept: caches between Prometheus and the app must key on it.
  res.setHeader('Vary', 'Accept');
  if (render.chunks) {
    void writeChunks(res, render.chunks(format), contentType);
    return;
  }
  render(format).then(
    (text) => reply(res, 200, contentType, text),
    (error: unknown) => {
      recordInternalError('metrics-endpoint', error);
      reply(res, 500, 'text/plain; charset=utf-8', 'aimeter: failed to render metrics\n');
    },
  );
}

function reply(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** Streams the exposition, respecting back-pressure; stops if the scraper goes away. */
async function writeChunks(res: ServerResponse, chunks: AsyncIterable<string>, contentType: string): Promise<void> {
  let started = false;
  try {
    for await (const chunk of chunks) {
      if (res.destroyed) return;
      if (!started) {
        res.statusCode = 200;
        res.setHeader('Content-Type', contentType);
        started = true;
      }
      if (!res.write(chunk)) await drainedOrClosed(res);
    }
    if (!started) res.setHeader('Content-Type', contentType);
    res.end();
  } catch (error) {
    recordInternalError('metrics-endpoint', error);
    if (started) {
      res.destroy();
    } else {
      res.statusCode = 500;
      res.setHeader('Content-Type', 'text/plain');
      res.end('aimeter: failed to render metrics\n');
    }
  }
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve();
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
