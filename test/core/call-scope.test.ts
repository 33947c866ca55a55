/**
 * callInSpan (src/tracing/call-scope.ts), processor side: a call made outside any context does not
 * enter its span's context, so a model span started synchronously inside it (another
 * instrumentation of the same SDK method) is a root span; the processor still attributes it to
 * the call through syncParentSpanId() and counts the pair once. The control (the same two spans
 * started one after the other) counts two calls, and `enter` makes the inner span a real child.
 */
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT_CONTEXT, trace, type Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { callInSpan } from '../../src/tracing/call-scope';
import { PriceBook } from '../../src/prices/price-book';
import { setupTelemetry, type TestTelemetry } from '../helpers/telemetry';
import { sum } from '../helpers/exposition';

const PRICES = PriceBook.fromEntries([
  { provider: 'openai', model: 'gpt-test', input_per_mtok: 2, output_per_mtok: 8, source: 'test', date: '2026-11-21' },
]);

const CHAT: Attributes = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-test',
  'gen_ai.usage.input_tokens': 100,
  'gen_ai.usage.output_tokens': 20,
};
const LABELS = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-test' };

let t: TestTelemetry;
beforeEach(() => {
  t = setupTelemetry({ prices: PRICES });
});
afterEach(async () => {
  await t.shutdown();
});

const tracer = () => trace.getTracer('test');

/** Starts and ends a chat span under the active context (what a nested instrumentation does). */
function innerCall(): void {
  tracer().startSpan('chat gpt-test', { attributes: CHAT }).end();
}

function finished(name = 'chat gpt-test'): ReadableSpan[] {
  return t.exporter.getFinishedSpans().filter((s) => s.name === name);
}

function assertCountedOnce(): void {
  const m = t.scrape();
  assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', LABELS), 1);
  assert.equal(sum(m, 'aimeter_tokens_total', { ...LABELS, gen_ai_token_type: 'input' }), 100);
  assert.equal(sum(m, 'aimeter_tokens_total', { ...LABELS, gen_ai_token_type: 'output' }), 20);
  assert.equal(sum(m, 'gen_ai_client_token_usage_count', { ...LABELS, gen_ai_token_type: 'input' }), 1);
  assert.ok(Math.abs(sum(m, 'aimeter_cost_usd_total', LABELS) - (100 * 2 + 20 * 8) / 1e6) < 1e-12);
}

describe('callInSpan outside any context', () => {
  test('a model span started synchronously inside the call is a root span, yet counted once with the call', () => {
    const outer = tracer().startSpan('chat gpt-test', { attributes: CHAT }, ROOT_CONTEXT);
    const returned = callInSpan(outer, ROOT_CONTEXT, (x: number) => {
      assert.equal(trace.getActiveSpan(), undefined, 'the call does not enter the span context');
      innerCall();
      return x * 2;
    }, undefined, [21]);
    outer.end();
    assert.equal(returned, 42);

    const spans = finished();
    assert.equal(spans.length, 2);
    const inner = spans.find((s) => s.spanContext().spanId !== outer.spanContext().spanId)!;
    assert.equal(inner.parentSpanContext, undefined, 'the inner span is a root span in the trace');
    assertCountedOnce();
  });

  test('control: the same two spans, the second not started inside the call, are two calls', () => {
    const outer = tracer().startSpan('chat gpt-test', { attributes: CHAT }, ROOT_CONTEXT);
    callInSpan(outer, ROOT_CONTEXT, () => undefined, undefined, []);
    innerCall();
    outer.end();
    const m = t.scrape();
    assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', LABELS), 2);
    assert.equal(sum(m, 'aimeter_tokens_total', { ...LABELS, gen_ai_token_type: 'input' }), 200);
    assert.equal(sum(m, 'aimeter_tokens_total', { ...LABELS, gen_ai_token_type: 'output' }), 40);
  });

  test('the synchronous parent is forgotten when the call throws', () => {
    const outer = tracer().startSpan('chat gpt-test', { attributes: CHAT }, ROOT_CONTEXT);
    assert.throws(() => callInSpan(outer, ROOT_CONTEXT, () => { throw new Error('sdk failed'); }, undefined, []), /sdk failed/);
    innerCall(); // after the call: a call of its own
    outer.end();
    assert.equal(sum(t.scrape(), 'gen_ai_client_operation_duration_seconds_count', LABELS), 2);
  });

  test('with `enter` the span context is entered: the inner span is its child, counted once', () => {
    const outer = tracer().startSpan('chat gpt-test', { attributes: CHAT }, ROOT_CONTEXT);
    callInSpan(outer, ROOT_CONTEXT, () => {
      assert.equal(trace.getActiveSpan(), outer);
      innerCall();
    }, undefined, [], true);
    outer.end();
    const inner = finished().find((s) => s.spanContext().spanId !== outer.spanContext().spanId)!;
    assert.equal(inner.parentSpanContext?.spanId, outer.spanContext().spanId);
    assertCountedOnce();
  });
});
