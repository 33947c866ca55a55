/**
 * The span processor reads ANY library's spans: hand-made spans (as OpenLLMetry, the Vercel AI
 * SDK or a home-grown tracer would end them) carrying hostile values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { GenAiMetrics } from '../../src/metrics/genai-metrics';
import { labelKey } from '../../src/metrics/series-store';
import { GenAiMetricsProcessor } from '../../src/processor/genai-metrics-processor';
import type { ReadableSpanLike } from '../../src/processor/span-like';
import { PriceBook } from '../../src/prices/price-book';
import { setWarningSink } from '../../src/internal/log';

const PRICES = PriceBook.fromEntries([
  { provider: 'openai', model: 'gpt-test', input_per_mtok: 2, output_per_mtok: 8, cache_read_per_mtok: 0.5, source: 'test', date: '2026-11-21' },
]);

let ids = 0;
function span(attributes: Attributes, options: { error?: boolean; scope?: string } = {}): ReadableSpanLike {
  const spanId = (++ids).toString(16).padStart(16, '0');
  return {
    name: 'foreign',
    attributes,
    duration: [0, 250_000_000],
    status: { code: options.error ? SpanStatusCode.ERROR : SpanStatusCode.UNSET },
    spanContext: () => ({ traceId: '0'.repeat(31) + '1', spanId, traceFlags: 1 }),
    instrumentationScope: { name: options.scope ?? 'some-other-library' },
  };
}

function processor() {
  const metrics = new GenAiMetrics();
  const p = new GenAiMetricsProcessor({ metrics, prices: PRICES });
  const feed = (s: ReadableSpanLike) => {
    p.onStart(s);
    p.onEnd(s);
  };
  return { metrics, feed, lines: (family: string) => metrics.render().split('\n').filter((l) => l.startsWith(`${family}{`)) };
}

const chat = (extra: Attributes): Attributes => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-test',
  ...extra,
});
const L = 'gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-test"';

test('1e308, Infinity and NaN token counts never reach a counter; rejections are counted per field and reason', () => {
  const { feed, lines, metrics } = processor();
  feed(span(chat({ 'gen_ai.usage.input_tokens': 1e308, 'gen_ai.usage.output_tokens': 4 })));
  feed(span(chat({ 'gen_ai.usage.input_tokens': 1e308, 'gen_ai.usage.output_tokens': Infinity })));
  feed(span(chat({ 'gen_ai.usage.input_tokens': NaN, 'gen_ai.usage.output_tokens': -1 })));
  assert.deepEqual(lines('aimeter_tokens_total'), [`aimeter_tokens_total{${L},gen_ai_token_type="output"} 4`]);
  assert.doesNotMatch(metrics.render(), / \+Inf$|NaN/m);
  const rejected = lines('aimeter_provider_data_rejected_total');
  for (const expected of [
    'aimeter_field="gen_ai.usage.input_tokens",aimeter_reason="absurd"',
    'aimeter_field="gen_ai.usage.output_tokens",aimeter_reason="non_finite"',
    'aimeter_field="gen_ai.usage.input_tokens",aimeter_reason="non_finite"',
    'aimeter_field="gen_ai.usage.output_tokens",aimeter_reason="negative"',
  ]) {
    assert.ok(rejected.some((l) => l.includes(expected)), `${expected} in\n${rejected.join('\n')}`);
  }
});

test('cache reads above the input and reasoning above the output are cut to their totals, and billed so', () => {
  const { feed, lines } = processor();
  feed(
    span(
      chat({
        'gen_ai.usage.input_tokens': 10,
        'gen_ai.usage.cache_read.input_tokens': 10_000,
        'gen_ai.usage.output_tokens': 5,
        'gen_ai.usage.reasoning.output_tokens': 50,
      }),
    ),
  );
  assert.deepEqual(lines('aimeter_tokens_total'), [
    `aimeter_tokens_total{${L},gen_ai_token_type="input"} 10`,
    `aimeter_tokens_total{${L},gen_ai_token_type="output"} 5`,
    `aimeter_tokens_total{${L},gen_ai_token_type="cache_read"} 10`,
    `aimeter_tokens_total{${L},gen_ai_token_type="reasoning"} 5`,
  ]);
  // 10 cached at 0.5/M + 5 reasoning at the output rate 8/M.
  const cost = Number(lines('aimeter_cost_usd_total')[0]!.split(' ').pop());
  assert.ok(Math.abs(cost - (10 * 0.5 + 5 * 8) / 1e6) < 1e-15, String(cost));
});

test('error.type from a foreign span: quotes, braces, newlines and long text become _OTHER; documented values pass', () => {
  const { feed, lines } = processor();
  feed(span(chat({ 'error.type': 'bad"}\n{x="y' }), { error: true }));
  feed(span(chat({ 'error.type': 'E'.repeat(500) }), { error: true }));
  feed(span(chat({ 'error.type': 'rate_limit' }), { error: true }));
  feed(span(chat({ 'error.type': '529' }), { error: true }));
  feed(span(chat({ 'error.type': 'cancelled' }), { error: true }));
  feed(span(chat({ 'error.type': 42 }), { error: true }));
  const types = lines('gen_ai_client_operation_duration_seconds_count').map((l) => /error_type="([^"]*)"/.exec(l)?.[1]);
  assert.deepEqual(types.sort(), ['529', '_OTHER', 'cancelled', 'rate_limit']);
  const other = lines('gen_ai_client_operation_duration_seconds_count').find((l) => l.includes('_OTHER'))!;
  assert.match(other, / 3$/);
});

test('label values containing the key separator never share a series', () => {
  assert.notEqual(labelKey(['a\u0001b', 'c']), labelKey(['a', 'b\u0001c']));
  assert.notEqual(labelKey(['a\u0002', '\u0001b']), labelKey(['a', '\u0002\u0001b']));
  const { feed, lines } = processor();
  feed(span({ ...chat({ 'gen_ai.usage.input_tokens': 1 }), 'gen_ai.request.model': 'a\u0001b', 'gen_ai.response.model': 'c' }));
  feed(span({ ...chat({ 'gen_ai.usage.input_tokens': 2 }), 'gen_ai.request.model': 'a', 'gen_ai.response.model': 'b\u0001c' }));
  const input = lines('aimeter_tokens_total').filter((l) => l.includes('"input"'));
  assert.equal(input.length, 2, input.join('\n'));
  assert.deepEqual(input.map((l) => l.split(' ').pop()).sort(), ['1', '2']);
});

test('the 128 code-point label cut never splits an emoji', () => {
  const { feed, metrics } = processor();
  const model = `${'a'.repeat(127)}😀😀😀`;
  feed(span({ ...chat({}), 'gen_ai.request.model': model }));
  const text = metrics.render();
  const value = /gen_ai_request_model="([^"]*)"/.exec(text)![1]!;
  assert.equal(value, `${'a'.repeat(127)}😀`);
  assert.equal([...value].length, 128);
  assert.ok(Buffer.from(text, 'utf8').toString('utf8') === text, 'the exposition is valid UTF-8 (no lone surrogate)');
});

test('the no-price warning: provider strings clipped and escaped, at most 10 a minute', () => {
  const warnings: string[] = [];
  setWarningSink((m) => warnings.push(m));
  try {
    const { feed } = processor();
    for (let i = 0; i < 5000; i++) {
      feed(span({ ...chat({ 'gen_ai.usage.input_tokens': 1 }), 'gen_ai.request.model': `m${i}\n\u001b]0;owned\u0007aimeter: fake line ${'z'.repeat(2000)}` }));
    }
  } finally {
    setWarningSink((m) => process.stderr.write(`${m}\n`));
  }
  const unpriced = warnings.filter((w) => w.includes('no price for'));
  assert.ok(unpriced.length >= 1 && unpriced.length <= 10, String(unpriced.length));
  for (const w of unpriced) {
    assert.ok(w.length < 600, `${w.length} characters`);
    assert.doesNotMatch(w, /[\u0000-\u0009\u000b-\u001f]/);
    assert.ok(!w.includes('\naimeter: fake line'), w);
  }
});
