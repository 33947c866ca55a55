/**
 * The OTLP route equals the scrape route: an app under the preload both serves /metrics and
 * pushes OTLP (OTEL_METRICS_EXPORTER=otlp,prometheus) to an in-process receiver. The Prometheus
 * names a Collector would give the pushed metrics (the OTel-to-Prometheus rules of
 * src/metrics/prometheus-names.ts) must be exactly the families on /metrics, with the same
 * types: GenAI families, self-metrics, build info, process and runtime metrics alike.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { DataPointType } from '@opentelemetry/sdk-metrics';
import { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
import type { InstrumentKind } from '../../src/metrics/catalog';
import { PromClientMetricProducer } from '../../src/metrics/prom-client-bridge';
import { prometheusName } from '../../src/metrics/prometheus-names';
import { REPO_ROOT, freePort, scrape, startChildApp } from '../helpers/child-app';
import { parseExposition } from '../helpers/exposition';
import { metricsByName, otlpReceiver, waitFor } from '../helpers/otlp-receiver';

const APP = path.join(REPO_ROOT, 'dist', 'test', 'apps', 'span-app.js');

/** Family -> type of the families with at least one sample on /metrics. */
function scrapedFamilies(text: string): Map<string, string> {
  const { samples, types } = parseExposition(text);
  const out = new Map<string, string>();
  for (const s of samples) {
    const histogram = /^(.*)_(bucket|sum|count)$/.exec(s.name);
    const family = histogram && types.get(histogram[1]!) === 'histogram' ? histogram[1]! : s.name;
    out.set(family, types.get(family) ?? 'untyped');
  }
  return out;
}

/** Prometheus name -> type the Collector's Prometheus exporter would give each pushed metric with data. */
function pushedFamilies(metrics: Map<string, any>): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of metrics.values()) {
    const kind: InstrumentKind | undefined = m.histogram?.dataPoints?.length
      ? 'histogram'
      : m.sum?.dataPoints?.length
        ? m.sum.isMonotonic
          ? 'counter'
          : 'gauge'
        : m.gauge?.dataPoints?.length
          ? 'gauge'
          : undefined;
    if (kind !== undefined) out.set(prometheusName({ name: m.name, unit: m.unit ?? '', kind }), kind);
  }
  return out;
}

const sorted = (m: Map<string, string>) => [...m].map(([name, type]) => `${name} ${type}`).sort();

/**
 * Pushed but not on /metrics, as docs/metrics.md ("OTLP push") says: the HTTP instrumentation's
 * own semconv metrics go to the OTel MeterProvider only (aimeter's /metrics serves its store).
 */
const OTLP_ONLY = new Map([
  ['http_client_request_duration_seconds', 'histogram'],
  ['http_server_request_duration_seconds', 'histogram'],
]);
const withoutOtlpOnly = (m: Map<string, string>) => new Map([...m].filter(([name, type]) => OTLP_ONLY.get(name) !== type));

test('every family on /metrics is pushed over OTLP under the same Prometheus name and type, and nothing else is', async () => {
  const receiver = await otlpReceiver();
  const port = await freePort();
  const app = await startChildApp(['--require', 'aimeter/register', APP], {
    OTEL_METRICS_EXPORTER: 'otlp,prometheus',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${receiver.url}/v1/metrics`,
    OTEL_METRIC_EXPORT_INTERVAL: '200',
    OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
    OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
  });
  try {
    // Compare a scrape with the next push after it; retried, since a runtime family (a GC
    // kind, an active-handle type) may appear between the two.
    let scraped = new Map<string, string>();
    let pushed = new Map<string, string>();
    for (let attempt = 0; attempt < 5; attempt++) {
      scraped = scrapedFamilies((await scrape(port)).body);
      const seen = receiver.received.metrics.length;
      await waitFor(() => receiver.received.metrics.length > seen, 'an OTLP push after the scrape');
      pushed = withoutOtlpOnly(pushedFamilies(metricsByName(receiver.received.metrics.slice(-1))));
      if (sorted(scraped).join() === sorted(pushed).join()) break;
    }
    assert.ok(scraped.has('aimeter_build_info') && scraped.has('process_cpu_seconds_total') && scraped.has('gen_ai_client_token_usage'));
    assert.deepEqual(sorted(pushed), sorted(scraped));

    // The self-metrics carry the values and labels of the scrape.
    const last = metricsByName(receiver.received.metrics.slice(-1));
    const attrs = (p: any) => Object.fromEntries((p.attributes ?? []).map((a: any) => [a.key, a.value.stringValue]));
    const build = last.get('aimeter.build.info').gauge.dataPoints;
    assert.equal(build.length, 1);
    assert.equal(build[0].asDouble ?? Number(build[0].asInt), 1);
    assert.match(attrs(build[0]).version, /^\d+\.\d+\.\d+/);
    const limit = last.get('aimeter.series.limit').gauge.dataPoints[0];
    assert.equal(limit.asDouble ?? Number(limit.asInt), 2000);
    const active = last.get('aimeter.series.active').gauge.dataPoints.find((p: any) => attrs(p)['aimeter.metric'] === 'gen_ai_client_token_usage');
    assert.equal(active.asDouble ?? Number(active.asInt), 2, 'input and output token series');
    const errors = last.get('aimeter.internal.errors').sum;
    assert.equal(errors.isMonotonic, true);
    assert.ok(errors.dataPoints.some((p: any) => Object.keys(attrs(p)).length === 0 && (p.asDouble ?? Number(p.asInt)) === 0));
    // The Collector's job and instance labels come from these resource attributes.
    const resource = receiver.received.metrics.at(-1).resourceMetrics[0].resource.attributes.map((a: any) => a.key);
    assert.ok(resource.includes('service.name') && resource.includes('service.instance.id'), String(resource));
    const gc = last.get('nodejs_gc_duration_seconds');
    if (gc) assert.deepEqual(gc.histogram.dataPoints[0].explicitBounds, [0.001, 0.01, 0.1, 1, 2, 5]);
  } finally {
    await app.stop();
    await receiver.close();
  }
});

test('the prom-client bridge: counters without _total (the Collector appends it), histograms as per-bucket counts, summaries left out', async () => {
  const registry = new Registry();
  new Counter({ name: 'jobs_total', help: 'Jobs.', labelNames: ['queue'], registers: [registry] }).inc({ queue: 'a' }, 3);
  new Gauge({ name: 'depth', help: 'Depth.', registers: [registry] }).set(7);
  const wait = new Histogram({ name: 'wait_seconds', help: 'Wait.', labelNames: ['queue'], buckets: [0.1, 1], registers: [registry] });
  for (const v of [0.05, 0.5, 0.7, 3]) wait.observe({ queue: 'a' }, v);
  wait.observe({ queue: 'b' }, 0.01);
  new Summary({ name: 'latency', help: 'Latency.', registers: [registry] }).observe(1);
  const { resourceMetrics, errors } = await new PromClientMetricProducer([registry]).collect();
  assert.deepEqual(errors, []);
  const metrics = new Map(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));
  assert.deepEqual([...metrics.keys()].sort(), ['depth', 'jobs', 'wait_seconds']);
  const jobs = metrics.get('jobs')!;
  assert.ok(jobs.dataPointType === DataPointType.SUM && jobs.isMonotonic);
  assert.deepEqual(jobs.dataPoints.map((p) => [p.attributes, p.value]), [[{ queue: 'a' }, 3]]);
  assert.equal(prometheusName({ name: 'jobs', unit: jobs.descriptor.unit, kind: 'counter' }), 'jobs_total');
  const wait_ = metrics.get('wait_seconds')!;
  assert.equal(wait_.dataPointType, DataPointType.HISTOGRAM);
  const byQueue = new Map(wait_.dataPoints.map((p) => [p.attributes.queue, p.value as { buckets: { boundaries: number[]; counts: number[] }; sum: number; count: number }]));
  assert.deepEqual(byQueue.get('a'), { buckets: { boundaries: [0.1, 1], counts: [1, 2, 1] }, sum: 4.25, count: 4 });
  assert.deepEqual(byQueue.get('b'), { buckets: { boundaries: [0.1, 1], counts: [1, 0, 0] }, sum: 0.01, count: 1 });
});
