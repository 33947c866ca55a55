/**
 * Target 3 -- scrape: how long /metrics takes with many histogram series, and how long the
 * event loop is blocked meanwhile.
 *
 * The same N histogram series (7 labels, 14 bounds + +Inf, values spread over the buckets) are
 * held by three stores:
 *   - aimeter's GenAiMetrics, served by aimeter's real endpoint (startMetricsServer +
 *     createExposition, which appends the Node process metrics);
 *   - the OTel SDK MeterProvider read by `@opentelemetry/exporter-prometheus` (its
 *     PrometheusSerializer; served by the exporter's own request handler);
 *   - prom-client (a Registry; served by `await registry.metrics()`).
 * For each: the in-process render time (median of several), then HTTP scrapes from a separate
 * client process, with the longest event-loop gap of the server process during the scrapes.
 *
 * Usage: node --expose-gc dist/bench/scrape.js [--quick]
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { Histogram as PromHistogram, Registry } from 'prom-client';
import { DURATION_BUCKETS, METRICS } from '../src/metrics/catalog';
import { GenAiMetrics } from '../src/metrics/genai-metrics';
import { labelKey } from '../src/metrics/series-store';
import { createExposition } from '../src/server/exposition';
import { startMetricsServer } from '../src/server/metrics-server';
import { LoopGapMonitor, median, runChild, runPart, wallMs } from './lib/stats';
import type { ScrapeClientResult } from './scrape-client';

export interface ScrapeFigures {
  /** Median in-process render/serialize time. */
  readonly renderMs: number;
  /** Median and worst HTTP scrape time seen by the client. */
  readonly httpMedianMs: number;
  readonly httpMaxMs: number;
  /** Longest event-loop gap in the server process during the scrapes. */
  readonly maxLoopGapMs: number;
  readonly bytes: number;
  readonly scrapes: number;
}

export interface ScrapeSize {
  readonly series: number;
  readonly aimeter: ScrapeFigures;
  readonly otel: ScrapeFigures;
  readonly promClient: ScrapeFigures;
}

export type ScrapeResult = ScrapeSize[];

const CLIENT = path.join(__dirname, 'scrape-client.js');

/** Label values of series i, in the catalog's order for gen_ai.client.operation.duration. */
function labelValues(i: number): string[] {
  return ['chat', 'openai', `gpt-4o-mini-ft-${i}`, `gpt-4o-mini-ft-${i}-2024-07-18`, `support-agent-${i % 10}`, '', ''];
}

/** Sample values that land in several buckets. */
const VALUES = [0.015, 0.05, 0.3, 1.1, 2.9, 7.5];

type Store = 'aimeter' | 'otel' | 'prom-client';

/**
 * One store filled with `series` histogram series; returns how to render it in process and an
 * HTTP request handler serving it.
 */
function buildStore(store: Store, series: number, onRequest: () => void) {
  const forEachSeries = (record: (values: string[], value: number) => void): void => {
    for (let i = 0; i < series; i++) {
      const values = labelValues(i);
      for (const v of VALUES) record(values, v);
    }
  };
  const definition = METRICS.operationDuration;

  if (store === 'aimeter') {
    const metrics = new GenAiMetrics({ maxSeriesPerMetric: series, version: 'bench' });
    forEachSeries((values, v) => metrics.observe('operationDuration', labelKey(values), values, v));
    const exposition = createExposition(metrics);
    return {
      render: async (): Promise<number | void> => void metrics.render(),
      // aimeter's real endpoint: startMetricsServer with createExposition (+ process metrics).
      serve: async () => {
        const server = startMetricsServer({
          host: '127.0.0.1',
          port: 0,
          render: Object.assign(() => (onRequest(), exposition()), {
            chunks: () => (onRequest(), exposition.chunks()),
          }),
        });
        const address = await server.ready;
        if (!address) throw new Error('aimeter metrics server did not start');
        return { url: `http://127.0.0.1:${address.port}/metrics`, close: () => server.close() };
      },
    };
  }

  if (store === 'otel') {
    const exporter = new PrometheusExporter({ preventServerStart: true });
    // The SDK holds 2,000 series per metric by default; lift that so it serializes all of them.
    const meterProvider = new MeterProvider({
      readers: [exporter],
      views: [{ instrumentName: definition.name, aggregationCardinalityLimit: series + 1 }],
    });
    const histogram = meterProvider.getMeter('bench').createHistogram(definition.name, {
      unit: 's',
      description: definition.description,
      advice: { explicitBucketBoundaries: [...DURATION_BUCKETS] },
    });
    forEachSeries((values, v) => histogram.record(v, pick(definition.labels, values)));
    const serializer = new PrometheusSerializer();
    return {
      // The serializer alone, as the anchor figure quotes it (collect() is timed separately).
      render: async () => {
        const { resourceMetrics } = await exporter.collect();
        return wallMs(() => serializer.serialize(resourceMetrics));
      },
      serve: () => listen(http.createServer((req, res) => (onRequest(), exporter.getMetricsRequestHandler(req, res)))),
    };
  }

  const registry = new Registry();
  const labelNames = definition.labels.map((l) => l.replace(/\./g, '_'));
  const histogram = new PromHistogram({
    name: 'gen_ai_client_operation_duration_seconds',
    help: definition.description,
    labelNames,
    buckets: [...DURATION_BUCKETS],
    registers: [registry],
  });
  forEachSeries((values, v) => histogram.observe(pick(labelNames, values), v));
  return {
    render: async () => void (await registry.metrics()),
    serve: () =>
      listen(
        http.createServer((_req, res) => {
          onRequest();
          void registry.metrics().then((text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text));
        }),
      ),
  };
}

/** {name: value} for the values that are set. */
function pick(names: readonly string[], values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  names.forEach((name, j) => {
    if (values[j]) out[name] = values[j]!;
  });
  return out;
}

async function listen(server: http.Server): Promise<{ url: string; close: () => void }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`, close: () => server.close() };
}

/** Scrapes `url` `count` times from a client process; the loop monitor watches this process. */
async function scrapeOverHttp(url: string, count: number, monitor: LoopGapMonitor, firstRequest: { at: number }) {
  // One scrape first, not counted (compiles the code paths), then a clean heap, as a long-running
  // app would have between scrapes: the garbage of the in-process renders above is not the app's.
  await runChild<ScrapeClientResult>(CLIENT, [url, '1']);
  (globalThis as { gc?: () => void }).gc?.();
  firstRequest.at = Infinity;
  const client = await runChild<ScrapeClientResult>(CLIENT, [url, String(count)]);
  return {
    httpMedianMs: median(client.timesMs),
    httpMaxMs: Math.max(...client.timesMs),
    maxLoopGapMs: monitor.maxGapSince(firstRequest.at),
    bytes: client.bytes,
    scrapes: client.timesMs.length,
  };
}

/** In a child process: one store, one size. */
async function measureStore(store: Store, series: number, quick: boolean): Promise<ScrapeFigures> {
  const firstRequest = { at: Infinity };
  const built = buildStore(store, series, () => {
    if (firstRequest.at === Infinity) firstRequest.at = performance.now();
  });
  const big = series > 1000;
  const rounds = quick ? 3 : big ? 5 : 20;
  const renders: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    const serializeMs = await built.render();
    renders.push(serializeMs ?? performance.now() - t);
  }
  // The slow serializers get fewer scrapes, to keep the whole bench within a few minutes.
  const scrapes = quick ? 3 : !big || store === 'aimeter' ? 10 : store === 'otel' ? 3 : 5;
  const monitor = new LoopGapMonitor().start();
  const server = await built.serve();
  const http = await scrapeOverHttp(server.url, scrapes, monitor, firstRequest);
  server.close();
  monitor.stop();
  return { renderMs: median(renders), ...http };
}

async function main(): Promise<ScrapeResult | ScrapeFigures> {
  const quick = process.argv.includes('--quick');
  const [store, seriesText] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  if (store) return measureStore(store as Store, Number(seriesText), quick);
  // Each store and size in a process of its own: one store's garbage must not slow another's scrape.
  const out: ScrapeSize[] = [];
  for (const series of [50, 5000]) {
    const figures = async (s: Store) =>
      runChild<ScrapeFigures>(__filename, [s, String(series), ...(quick ? ['--quick'] : [])], { execArgv: ['--expose-gc'] });
    out.push({ series, aimeter: await figures('aimeter'), otel: await figures('otel'), promClient: await figures('prom-client') });
  }
  return out;
}

if (require.main === module) runPart(main);
