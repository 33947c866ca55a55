/**
 * OTEL_METRICS_EXPORTER=otlp pushes the same derived metrics (names, units, attributes) to an
 * OTLP receiver, for apps that cannot be scraped; OTEL_TRACES_EXPORTER=otlp sends the spans;
 * a sampler that drops GenAI spans leaves the metrics exact.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { REPO_ROOT, freePort, scrape, startChildApp } from '../helpers/child-app';
import { parseExposition, sum } from '../helpers/exposition';
import { metricsByName as byName, otlpReceiver, type Received, waitFor } from '../helpers/otlp-receiver';

const APP = path.join(REPO_ROOT, 'dist', 'test', 'apps', 'span-app.js');

const metricsByName = (received: Received): Map<string, any> => byName(received.metrics);

test('OTLP: derived metrics and spans are pushed with the same names, units and attributes', async () => {
  const receiver = await otlpReceiver();
  const app = await startChildApp(['--require', 'aimeter/register', APP], {
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_METRIC_EXPORT_INTERVAL: '200',
    OTEL_BSP_SCHEDULE_DELAY: '100',
    OTEL_SERVICE_NAME: 'otlp-test-app',
  });
  try {
    await waitFor(() => metricsByName(receiver.received).has('aimeter.cost.usd') && receiver.received.traces.length > 0, 'OTLP metrics and traces');
    const metrics = metricsByName(receiver.received);
    const tokens = metrics.get('gen_ai.client.token.usage');
    assert.equal(tokens.unit, '{token}');
    const input = tokens.histogram.dataPoints.find((p: any) => p.attributes.some((a: any) => a.key === 'gen_ai.token.type' && a.value.stringValue === 'input'));
    assert.equal(Number(input.sum), 1000);
    assert.deepEqual(input.explicitBounds.slice(0, 3), [1, 4, 16]);
    const attrs = Object.fromEntries(input.attributes.map((a: any) => [a.key, a.value.stringValue]));
    assert.deepEqual(attrs, { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.token.type': 'input' });
    assert.equal(metrics.get('gen_ai.client.operation.duration').unit, 's');
    const cost = metrics.get('aimeter.cost.usd');
    assert.ok(Math.abs(cost.sum.dataPoints[0].asDouble - (1000 * 0.15 + 200 * 0.6) / 1e6) < 1e-9);
    assert.equal(cost.sum.isMonotonic, true);
    const resource = receiver.received.metrics[0].resourceMetrics[0].resource.attributes;
    assert.ok(resource.some((a: any) => a.key === 'service.name' && a.value.stringValue === 'otlp-test-app'));
    const span = receiver.received.traces[0].resourceSpans[0].scopeSpans[0].spans[0];
    assert.equal(span.name, 'chat gpt-4o-mini');
  } finally {
    await app.stop();
    await receiver.close();
  }
  // Prometheus was not asked for: no /metrics endpoint on the default port is opened by this app.
});

test('a sampler that drops every trace still leaves the metrics exact (GenAI spans are recorded, not exported)', async () => {
  const receiver = await otlpReceiver();
  const port = await freePort();
  const app = await startChildApp(['--require', 'aimeter/register', APP], {
    OTEL_TRACES_SAMPLER: 'always_off',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_BSP_SCHEDULE_DELAY: '50',
    OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
    OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
  });
  try {
    const m = parseExposition((await scrape(port)).body);
    assert.equal(sum(m, 'aimeter_tokens_total', { gen_ai_token_type: 'input' }), 1000);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(receiver.received.traces.length, 0, 'no span exported');
  } finally {
    await app.stop();
    await receiver.close();
  }
});
