/**
 * The processor remembers each label set's series (src/processor/label-set.ts). This proves the
 * remembered path changes nothing observable: past the series cap EVERY record of a label set
 * without a series (new, or remembered but its family full) still folds into the
 * otel_metric_overflow="true" series and is counted in aimeter_series_overflow_total; repeated
 * records of a remembered label set add up in its own series; and once an OTLP mirror is
 * attached, records reach it even for label sets remembered before.
 */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { trace } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { OtelMirror } from '../../src/metrics/otel-mirror';
import { PriceBook } from '../../src/prices/price-book';
import { setupTelemetry, type TestTelemetry } from '../helpers/telemetry';
import { find, sum } from '../helpers/exposition';

const MODELS = ['model-0', 'model-1', 'model-2', 'model-3', 'model-4'];
const PRICES = PriceBook.fromEntries(
  MODELS.map((model) => ({ provider: 'openai', model, input_per_mtok: 1, output_per_mtok: 2, source: 'test', date: '2026-11-21' })),
);

let t: TestTelemetry | undefined;
afterEach(async () => {
  await t?.shutdown();
  t = undefined;
});

/** One chat call of `model`: 10 input and 1 output tokens. */
function call(model: string): void {
  trace.getTracer('test').startSpan(`chat ${model}`, { attributes: {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': model,
    'gen_ai.usage.input_tokens': 10,
    'gen_ai.usage.output_tokens': 1,
  } }).end();
}

const DURATION = 'gen_ai_client_operation_duration_seconds';
const overflowed = { otel_metric_overflow: 'true' };

describe('remembered label sets', () => {
  test('past the series cap every record without a series is folded and counted; remembered series add up', () => {
    t = setupTelemetry({ prices: PRICES, maxSeriesPerMetric: 2 });
    for (const model of MODELS) call(model);
    for (const model of ['model-0', 'model-0', 'model-1', 'model-1', 'model-4', 'model-4']) call(model);
    const m = t.scrape();

    // Duration (one series per label set): model-0 and model-1 have series, 3 calls each;
    // model-2, model-3 (once) and model-4 (3 times) fold: 5 records.
    assert.equal(find(m, `${DURATION}_count`).length, 3, '2 series + the overflow series');
    assert.equal(sum(m, `${DURATION}_count`, { gen_ai_request_model: 'model-0' }), 3);
    assert.equal(sum(m, `${DURATION}_count`, { gen_ai_request_model: 'model-1' }), 3);
    assert.equal(sum(m, `${DURATION}_count`, overflowed), 5);
    assert.equal(sum(m, 'aimeter_series_overflow_total', { aimeter_metric: DURATION }), 5);

    // Tokens (input and output series per label set): model-0's two fill the family, so even
    // model-1, whose label set is remembered, folds on every call: 8 calls x 2 records.
    assert.equal(find(m, 'aimeter_tokens_total').length, 3);
    assert.equal(sum(m, 'aimeter_tokens_total', { gen_ai_request_model: 'model-0', gen_ai_token_type: 'input' }), 30);
    assert.equal(sum(m, 'aimeter_tokens_total', { gen_ai_request_model: 'model-0', gen_ai_token_type: 'output' }), 3);
    assert.equal(sum(m, 'aimeter_tokens_total', overflowed), 8 * 11);
    assert.equal(sum(m, 'aimeter_series_overflow_total', { aimeter_metric: 'aimeter_tokens_total' }), 16);
    assert.equal(sum(m, 'gen_ai_client_token_usage_count', overflowed), 16);
    assert.equal(sum(m, 'aimeter_series_overflow_total', { aimeter_metric: 'gen_ai_client_token_usage' }), 16);

    assert.equal(sum(m, `${DURATION}_count`), 11, 'nothing is lost');
    assert.equal(sum(m, 'aimeter_tokens_total'), 11 * 11, 'nothing is lost');
  });

  test('records made after an OTLP mirror is attached reach it, for a label set remembered before', async () => {
    t = setupTelemetry({ prices: PRICES });
    call('model-0');
    call('model-0'); // remembered, its series resolved
    const reader = new ManualReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    t.processor.metrics.attachMirror(new OtelMirror(meterProvider.getMeter('test')));
    for (let i = 0; i < 3; i++) call('model-0');

    const m = t.scrape();
    assert.equal(sum(m, `${DURATION}_count`, { gen_ai_request_model: 'model-0' }), 5, 'Prometheus: same series, all 5 calls');
    assert.equal(sum(m, 'aimeter_tokens_total', { gen_ai_request_model: 'model-0', gen_ai_token_type: 'input' }), 50);

    const { resourceMetrics, errors } = await reader.collect();
    assert.deepEqual(errors, []);
    const metrics = new Map(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((metric) => [metric.descriptor.name, metric]));
    const labels = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'model-0' };

    const duration = metrics.get('gen_ai.client.operation.duration')!.dataPoints as DataPoint<Histogram>[];
    assert.equal(duration.length, 1);
    assert.deepEqual(duration[0]!.attributes, labels);
    assert.equal(duration[0]!.value.count, 3, 'the mirror sees the 3 calls made after it was attached');

    const tokens = metrics.get('aimeter.tokens')!.dataPoints as DataPoint<number>[];
    const byType = Object.fromEntries(tokens.map((p) => [p.attributes['gen_ai.token.type'], p.value]));
    assert.deepEqual(byType, { input: 30, output: 3 });
    assert.deepEqual(tokens.find((p) => p.attributes['gen_ai.token.type'] === 'input')!.attributes, { ...labels, 'gen_ai.token.type': 'input' });
    await meterProvider.shutdown();
  });
});

/** A metric reader collected by hand. */
class ManualReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}
