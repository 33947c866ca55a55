/**
 * The HTTP endpoint Prometheus scrapes: GET /metrics (text exposition 0.0.4, or OpenMetrics with
 * exemplars when the Accept header asks for it: openmetrics.ts) and GET /healthz.
 * It never keeps the process alive (the server is unref'd) and never takes the app down: a busy
 * port or any start-up failure prints one warning and the application runs on.
 */
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { warn } from '../internal/log';
import { recordInternalError } from '../internal/errors';
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
}

export interface MetricsServer {
  /** Resolves with the bound address once listening, or undefined if the server could not start. */
  readonly ready: Promise<AddressInfo | undefined>;
  close(): Promise<void>;
}

export function startMetricsServer(options: MetricsServerOptions): MetricsServer {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', (req, res) => {
    const { format, contentType } = negotiateFormat(req.headers.accept, options.render.formats ?? ['text']);
    // The answer depends on Accept: caches between Prometheus and the app must key on it.
    res.setHeader('Vary', 'Accept');
    if (options.render.chunks) {
      void writeChunks(res, options.render.chunks(format), contentType);
      return;
    }
    options.render(format).then(
      (text) => res.type(contentType).send(text),
      (error: unknown) => {
        recordInternalError('metrics-endpoint', error);
        res.status(500).type('text/plain').send('aimeter: failed to render metrics\n');
      },
    );
  });
  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok\n');
  });

  let server: Server | undefined;
  const ready = new Promise<AddressInfo | undefined>((resolve) => {
    try {
      server = app.listen(options.port, options.host);
      server.unref();
      server.once('listening', () => resolve(server!.address() as AddressInfo));
      server.once('error', (error: NodeJS.ErrnoException) => {
        warn(
          `aimeter: cannot serve /metrics on ${options.host}:${options.port} (${error.code ?? error.message}); ` +
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
