/**
 * Exact tokens and dollars for the same scenarios in all four modes (SDK 0.x / 1.x, aimeter's
 * span / the SDK's native span), and the proof that the metric samples are identical whichever
 * produced the span (timing values aside: their counts are compared).
 *
 * Rates (prices/prices.yaml, per million tokens):
 *   claude-sonnet-4-6: input 3.00, cache write 3.75, cache read 0.30, output 15.00
 *   claude-haiku-4-5:  input 1.00, cache write 1.25, cache read 0.10, output 5.00
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeAnthropic, type FakeAnthropic } from '../../examples/fake-provider/anthropic';
import { find, sum, type Exposition, type Sample } from '../helpers/exposition';
import { HAIKU, isPatched, makeClient, MODES, outcome, SCENARIO_RUNS, setupHarness, SONNET, timingFree, type Harness, type Mode } from './harness';

const M = 1e-6;
const SONNET_IN = 3 * M;
const SONNET_OUT = 15 * M;
const SONNET_CACHE_WRITE = 3.75 * M;
const SONNET_CACHE_READ = 0.3 * M;
const HAIKU_IN = 1 * M;
const HAIKU_OUT = 5 * M;

/** Hand-computed per call (see SCENARIOS in examples/fake-provider/anthropic.ts). */
const COST = {
  text: 25 * SONNET_IN + 12 * SONNET_OUT, // 0.000255
  cached: 40 * SONNET_IN + 3000 * SONNET_CACHE_READ + 1200 * SONNET_CACHE_WRITE + 20 * SONNET_OUT, // 0.00582
  thinking: 50 * SONNET_IN + 300 * SONNET_OUT, // 0.00465 (thinking tokens are output, billed at the output rate)
  toolUse: 380 * HAIKU_IN + 45 * HAIKU_OUT, // 0.000605
  inputOnly: 25 * SONNET_IN, // 0.000075: a stream cut short before message_delta, or failing mid-way
};

interface ModeResult {
  exposition: Exposition;
  spans: number;
  scopes: string[];
}

const results = new Map<Mode, ModeResult>();
let fake: FakeAnthropic;
let h: Harness;

/** The scenarios whose metrics are compared, each once per mode. */
const RUN = ['plain', 'cached', 'stream', 'helper', 'stream_break', 'rate_limit', 'overloaded', 'server_error', 'timeout', 'abort', 'stream_error'] as const;

before(async () => {
  fake = await startFakeAnthropic({ chunkDelayMs: 2 });
  // One tracer provider and processor for all modes (the SDKs' native spans use the global
  // provider); each mode's metrics are the difference of the scrapes taken around it.
  h = setupHarness();
  for (const mode of MODES) {
    const sdk = mode.startsWith('v0') ? h.v0 : h.v1;
    assert.ok(isPatched(sdk), `${mode}: aimeter installed`);
    h.telemetry.exporter.reset();
    const before = h.telemetry.scrape();
    const client = makeClient(sdk, mode, fake.url);
    for (const name of RUN) await outcome(() => SCENARIO_RUNS[name]!(client));
    await settle(() => h.telemetry.exporter.getFinishedSpans().length >= RUN.length);
    await new Promise((r) => setTimeout(r, 20));
    const spans = h.telemetry.exporter.getFinishedSpans();
    results.set(mode, {
      exposition: difference(h.telemetry.scrape(), before),
      spans: spans.length,
      scopes: [...new Set(spans.map((s) => s.instrumentationScope.name))],
    });
  }
});

after(async () => {
  await fake.close();
  await h.telemetry.shutdown();
});

/** `after - before` per sample (all aimeter samples are cumulative); unchanged samples are dropped. */
function difference(afterScrape: Exposition, beforeScrape: Exposition): Exposition {
  const key = (s: Sample) => s.name + JSON.stringify(Object.entries(s.labels).sort());
  const previous = new Map(beforeScrape.samples.map((s) => [key(s), s.value]));
  const samples = afterScrape.samples
    .map((s) => ({ ...s, value: s.value - (previous.get(key(s)) ?? 0) }))
    .filter((s) => s.value !== 0);
  return { samples, types: afterScrape.types };
}

const OK_SONNET = { gen_ai_request_model: SONNET, gen_ai_response_model: SONNET, error_type: '' };

for (const mode of MODES) {
  describe(`${mode}: exact tokens and dollars`, () => {
    test('exactly one span per call, made by the expected producer', () => {
      const r = results.get(mode)!;
      assert.equal(r.spans, RUN.length);
      assert.deepEqual(r.scopes, [mode.endsWith('own') ? 'aimeter/instrumentation-anthropic' : 'com.anthropic.sdk.typescript']);
    });

    test('tokens: input includes cache read and write; thinking is reasoning', () => {
      const x = results.get(mode)!.exposition;
      const sonnet = { gen_ai_request_model: SONNET, gen_ai_response_model: SONNET };
      // plain 25 + cached (40 + 3000 + 1200) + stream/thinking 50 + stream_break 25 + stream_error 25
      assert.equal(sum(x, 'aimeter_tokens_total', { ...sonnet, gen_ai_token_type: 'input' }), 25 + 4240 + 50 + 25 + 25);
      // plain 12 + cached 20 + thinking 300; streams cut short have no final output count
      assert.equal(sum(x, 'aimeter_tokens_total', { ...sonnet, gen_ai_token_type: 'output' }), 12 + 20 + 300);
      assert.equal(sum(x, 'aimeter_tokens_total', { ...sonnet, gen_ai_token_type: 'cache_read' }), 3000);
      assert.equal(sum(x, 'aimeter_tokens_total', { ...sonnet, gen_ai_token_type: 'cache_creation' }), 1200);
      assert.equal(sum(x, 'aimeter_tokens_total', { ...sonnet, gen_ai_token_type: 'reasoning' }), 220);
      const haiku = { gen_ai_request_model: HAIKU, gen_ai_response_model: HAIKU };
      assert.equal(sum(x, 'aimeter_tokens_total', { ...haiku, gen_ai_token_type: 'input' }), 380);
      assert.equal(sum(x, 'aimeter_tokens_total', { ...haiku, gen_ai_token_type: 'output' }), 45);
      // The semconv histogram: one observation per call with usage, input 4240 in the 4096 < x <= 16384 bucket.
      const inputHist = { ...sonnet, gen_ai_token_type: 'input' };
      assert.equal(sum(x, 'gen_ai_client_token_usage_count', inputHist), 5);
      assert.equal(sum(x, 'gen_ai_client_token_usage_bucket', { ...inputHist, le: '4096' }), 4);
      assert.equal(sum(x, 'gen_ai_client_token_usage_bucket', { ...inputHist, le: '16384' }), 5);
    });

    test('dollars: cache reads and writes at their own rates, no double counting', () => {
      const x = results.get(mode)!.exposition;
      const sonnet = sum(x, 'aimeter_cost_usd_total', { gen_ai_request_model: SONNET, gen_ai_response_model: SONNET });
      assert.ok(Math.abs(sonnet - (COST.text + COST.cached + COST.thinking + COST.inputOnly + COST.inputOnly)) < 1e-9, `sonnet $${sonnet}`);
      const haiku = sum(x, 'aimeter_cost_usd_total', { gen_ai_request_model: HAIKU });
      assert.ok(Math.abs(haiku - COST.toolUse) < 1e-9, `haiku $${haiku}`);
      const savings = sum(x, 'aimeter_cache_savings_usd_total', { gen_ai_request_model: SONNET });
      assert.ok(Math.abs(savings - 3000 * (SONNET_IN - SONNET_CACHE_READ)) < 1e-9, `savings $${savings}`);
      assert.equal(sum(x, 'aimeter_unpriced_operations_total'), 0);
    });

    test('call counts, error types and streaming histograms', () => {
      const x = results.get(mode)!.exposition;
      assert.equal(sum(x, 'gen_ai_client_operation_duration_seconds_count', OK_SONNET), 4);
      assert.equal(sum(x, 'gen_ai_client_operation_duration_seconds_count', { gen_ai_request_model: HAIKU, error_type: '' }), 1);
      const errors: Record<string, number> = {};
      for (const s of find(x, 'gen_ai_client_operation_duration_seconds_count')) {
        if (s.labels.error_type) errors[s.labels.error_type] = (errors[s.labels.error_type] ?? 0) + s.value;
      }
      // 529 twice: the overloaded response, and the overloaded error event in the middle of a stream.
      assert.deepEqual(errors, { rate_limit: 1, '529': 2, '500': 1, timeout: 1, cancelled: 1 });
      // Streams: stream (thinking), stream_break, helper (tool use), stream_error: each has a first chunk.
      assert.equal(sum(x, 'gen_ai_client_operation_time_to_first_chunk_seconds_count'), 4);
      // Time per output chunk needs >= 2 chunks: stream_error fails after its first delta.
      assert.equal(sum(x, 'gen_ai_client_operation_time_per_output_chunk_seconds_count'), 3);
    });
  });
}

test('the metric samples are identical for 0.x and 1.x, native spans or aimeter spans', () => {
  const reference = timingFree(results.get('v0-own')!.exposition);
  assert.ok(reference.length > 30, `a meaningful set of samples (${reference.length})`);
  for (const mode of MODES) {
    assert.deepEqual(comparable(timingFree(results.get(mode)!.exposition)), comparable(reference), `${mode} vs v0-own`);
  }
});

/** Dollars are sums of floats added in the same order: compare them to 1e-12. */
/**
 * The call families, compared across modes. Request roll-ups (aimeter_request_*) are left out: they
 * follow the trace's shape, and with native spans the SDK's own fetch carries trace context to the
 * in-process fake server, whose SERVER span then roots the trace (a real provider is in another
 * process). The roll-ups are checked with exact values in test/outcomes.
 */
function comparable(samples: Sample[]): Array<Omit<Sample, 'value'> & { value: string }> {
  return samples.filter((s) => !s.name.startsWith('aimeter_request_')).map((s) => ({ ...s, value: s.value.toFixed(12) }));
}

async function settle(condition: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition() && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
}

