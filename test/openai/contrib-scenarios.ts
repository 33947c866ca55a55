/**
 * The same OpenAI calls, run under four set-ups (aimeter's instrumentation alone, the contrib
 * `@opentelemetry/instrumentation-openai` alone, and both, in either registration order), must give
 * the same token, dollar and duration-count metrics: one count per call, whoever made the spans.
 * Each set-up runs in its own process (a require hook patches a module once, at first load).
 */
import assert from 'node:assert/strict';
import type { Exposition } from '../helpers/exposition';
import { startHarness, waitForSpans, type HarnessOptions } from './harness';

export interface CallMetrics {
  durationCount: number;
  inputTokens: number;
  outputTokens: number;
  tokenHistogramCount: number;
  costUsd: number;
}

// gpt-4o-mini $0.15 / $0.60 per 1M; text-embedding-3-small $0.02 per 1M (prices/prices.yaml).
const chatCost = (input: number, output: number) => input * 0.15e-6 + output * 0.6e-6;

/** Expected per (operation, request model, response model), hand-computed from the fake's rules. */
export const EXPECTED: Record<string, CallMetrics> = {
  // chat plain (8 in / 8 out) + chat stream with include_usage (6 / 6) + responses plain (5 / 5) + responses stream (4 / 4)
  'chat|gpt-4o-mini|gpt-4o-mini-2024-07-18': {
    durationCount: 4,
    inputTokens: 8 + 6 + 5 + 4,
    outputTokens: 8 + 6 + 5 + 4,
    tokenHistogramCount: 8,
    costUsd: chatCost(23, 23),
  },
  'embeddings|text-embedding-3-small|text-embedding-3-small': {
    durationCount: 1,
    inputTokens: 3,
    outputTokens: 0,
    tokenHistogramCount: 1,
    costUsd: 3 * 0.02e-6,
  },
};

function collectMetrics(m: Exposition): Record<string, CallMetrics> {
  const out: Record<string, CallMetrics> = {};
  const key = (l: Record<string, string>) => `${l.gen_ai_operation_name}|${l.gen_ai_request_model}|${l.gen_ai_response_model}`;
  const entry = (l: Record<string, string>) =>
    (out[key(l)] ??= { durationCount: 0, inputTokens: 0, outputTokens: 0, tokenHistogramCount: 0, costUsd: 0 });
  for (const s of m.samples) {
    const l = s.labels as Record<string, string>;
    if (!l.gen_ai_operation_name || l.gen_ai_request_model?.startsWith('fail-')) continue;
    assert.equal(l.gen_ai_provider_name, 'openai', `${s.name} provider`);
    if (s.name === 'gen_ai_client_operation_duration_seconds_count') entry(l).durationCount += s.value;
    if (s.name === 'aimeter_tokens_total' && l.gen_ai_token_type === 'input') entry(l).inputTokens += s.value;
    if (s.name === 'aimeter_tokens_total' && l.gen_ai_token_type === 'output') entry(l).outputTokens += s.value;
    if (s.name === 'gen_ai_client_token_usage_count') entry(l).tokenHistogramCount += s.value;
    if (s.name === 'aimeter_cost_usd_total') entry(l).costUsd += s.value;
  }
  return out;
}

export async function runScenarios(instrumentations: HarnessOptions['instrumentations']): Promise<void> {
  const h = await startHarness({ instrumentations });
  try {
    const client = h.client();
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello to the world' }] });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Count to three' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const _ of stream);
    await client.embeddings.create({ model: 'text-embedding-3-small', input: 'one two three' });
    await client.responses.create({ model: 'gpt-4o-mini', input: 'Hello there' });
    const rs = await client.responses.create({ model: 'gpt-4o-mini', input: 'Hello', stream: true });
    for await (const _ of rs);
    await assert.rejects(client.chat.completions.create({ model: 'fail-429', messages: [{ role: 'user', content: 'x' }] }));

    const spansPerCall = instrumentations!.length;
    const spans = await waitForSpans(h, 6 * spansPerCall);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(h.genAiSpans().length, 6 * spansPerCall, 'each instrumentation made one span per call');
    if (spansPerCall === 2) {
      // The second span of each call is nested in the first (merged by the processor, counted once).
      const ids = new Set(spans.map((s) => s.spanContext().spanId));
      const nested = spans.filter((s) => s.parentSpanContext?.spanId !== undefined && ids.has(s.parentSpanContext.spanId));
      assert.equal(nested.length, 6);
      const outerScope = spans.find((s) => !nested.includes(s))!.instrumentationScope.name;
      const expectedOuter = instrumentations![1] === 'ours' ? 'aimeter/instrumentation-openai' : '@opentelemetry/instrumentation-openai';
      assert.equal(outerScope, expectedOuter, 'the instrumentation registered last wraps the other');
    }

    const m = h.telemetry.scrape();
    const actual = collectMetrics(m);
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(EXPECTED).sort());
    for (const [k, expected] of Object.entries(EXPECTED)) {
      const a = actual[k]!;
      assert.equal(a.durationCount, expected.durationCount, `${k} duration count`);
      assert.equal(a.inputTokens, expected.inputTokens, `${k} input tokens`);
      assert.equal(a.outputTokens, expected.outputTokens, `${k} output tokens`);
      assert.equal(a.tokenHistogramCount, expected.tokenHistogramCount, `${k} token histogram count`);
      assert.ok(Math.abs(a.costUsd - expected.costUsd) < 1e-9, `${k} cost ${a.costUsd} != ${expected.costUsd}`);
    }
    // The failed call: one duration observation, whatever instrumentation named its error.
    const failed = m.samples.filter((s) => s.name === 'gen_ai_client_operation_duration_seconds_count' && s.labels.gen_ai_request_model === 'fail-429');
    assert.equal(failed.reduce((t, s) => t + s.value, 0), 1);
    assert.ok(failed.every((s) => s.labels.error_type !== ''));
  } finally {
    await h.close();
  }
}
