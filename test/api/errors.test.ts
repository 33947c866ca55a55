/**
 * What the caller gets is untouched: return values (same object), thrown errors (same object),
 * sync and async functions, special promise-like objects; and aimeter's own failures (no
 * tracer, broken extractors) never reach the caller.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { context, trace, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { activeCall, traceAgent, traceLlm, traceSpeechToText, traceTextToSpeech, traceTool } from '../../src/api';
import { internalErrorCounts } from '../../src/internal/errors';
import { setWarningSink } from '../../src/internal/log';
import { setupTelemetry } from '../helpers/telemetry';
import { sum } from '../helpers/exposition';
import { sleep, spanNamed } from './util';

setWarningSink(() => {}); // the swallowed-error warnings are expected here

class RateLimitError extends Error {
  readonly status = 429;
  override name = 'RateLimitError';
}

const gpt = { provider: 'openai', model: 'gpt-4o-mini' } as const;

// Every wrapper, so that each behaviour is checked for all of them.
const wrappers: Array<[string, <T>(fn: () => T) => T, string]> = [
  ['traceLlm', (fn) => traceLlm(gpt, fn), 'chat gpt-4o-mini'],
  ['traceSpeechToText', (fn) => traceSpeechToText({ provider: 'openai', model: 'whisper-1' }, fn), 'speech_to_text whisper-1'],
  ['traceTextToSpeech', (fn) => traceTextToSpeech({ provider: 'openai', model: 'tts-1' }, fn), 'text_to_speech tts-1'],
  ['traceAgent', (fn) => traceAgent({ name: 'a' }, fn), 'invoke_agent a'],
  ['traceTool', (fn) => traceTool({ name: 'calc' }, fn), 'execute_tool calc'],
];

for (const [label, wrap, spanName] of wrappers) {
  test(`${label}: differential on values and errors, sync and async`, async () => {
    const value = { answer: 42 };
    const asyncError = new RateLimitError('slow down');
    const syncError = new TypeError('bad input');
    const scenarios: Record<string, () => unknown> = {
      syncValue: () => value,
      asyncValue: async () => {
        await sleep(1);
        return value;
      },
      syncThrow: (): never => {
        throw syncError;
      },
      asyncThrow: async (): Promise<never> => {
        await sleep(1);
        throw asyncError;
      },
      throwString: (): never => {
        throw 'plain string';
      },
    };
    const outcome = async (fn: () => unknown): Promise<{ value?: unknown; error?: unknown; sync: boolean }> => {
      let result: unknown;
      try {
        result = fn();
      } catch (error) {
        return { error, sync: true };
      }
      const sync = !(result instanceof Promise);
      try {
        return { value: await result, sync };
      } catch (error) {
        return { error, sync };
      }
    };

    const t = setupTelemetry();
    try {
      for (const [name, scenario] of Object.entries(scenarios)) {
        const plain = await outcome(scenario);
        const traced = await outcome(() => wrap(scenario));
        assert.equal(traced.sync, plain.sync, `${name}: same sync/async shape`);
        assert.equal(traced.value, plain.value, `${name}: same value object`);
        assert.equal(traced.error, plain.error, `${name}: same error object`);
      }
      const spans = t.exporter.getFinishedSpans();
      assert.equal(spans.length, 5);
      assert.ok(spans.every((s) => s.name === spanName));
      assert.deepEqual(
        spans.map((s) => s.attributes['error.type']),
        [undefined, undefined, 'TypeError', 'rate_limit', '_OTHER'],
      );
      const m = t.scrape();
      assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { error_type: '' }), 2);
      assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { error_type: 'rate_limit' }), 1);
      assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { error_type: 'TypeError' }), 1);
      assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { error_type: '_OTHER' }), 1);
    } finally {
      await t.shutdown();
    }
  });
}

test('the function runs inside the span: context, activeCall, and restored afterwards', async () => {
  const t = setupTelemetry();
  try {
    const outside = trace.getActiveSpan();
    await traceLlm(gpt, async (call) => {
      await sleep(1);
      assert.equal(trace.getActiveSpan(), call.span, 'active span after an await');
      assert.equal(activeCall()?.span, call.span);
      activeCall()?.setUsage({ inputTokens: 5 });
    });
    assert.equal(trace.getActiveSpan(), outside);
    assert.equal(activeCall(), undefined);
    assert.equal(spanNamed(t.exporter, 'chat gpt-4o-mini').attributes['gen_ai.usage.input_tokens'], 5);
  } finally {
    await t.shutdown();
  }
});

/** A promise-like SDK object with extra methods (like OpenAI's APIPromise). */
class ApiPromise<T> implements PromiseLike<T> {
  private readonly inner: Promise<T>;
  constructor(value: T) {
    this.inner = sleep(2).then(() => value);
  }
  then<A = T, B = never>(ok?: ((v: T) => A | PromiseLike<A>) | null, fail?: ((e: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.inner.then(ok, fail);
  }
  async withResponse(): Promise<{ data: T; status: number }> {
    return { data: await this.inner, status: 200 };
  }
}

test('a promise-like SDK object is returned as the very same object; the span ends when it settles', async () => {
  const t = setupTelemetry();
  try {
    const apiPromise = new ApiPromise({ id: 'x', usage: { prompt_tokens: 7, completion_tokens: 2 } });
    const returned = traceLlm(
      { ...gpt, usageFromResult: (r: { usage: { prompt_tokens: number; completion_tokens: number } }) => ({ inputTokens: r.usage.prompt_tokens, outputTokens: r.usage.completion_tokens }) },
      () => apiPromise,
    );
    assert.equal(returned, apiPromise);
    assert.deepEqual(await returned.withResponse(), { data: { id: 'x', usage: { prompt_tokens: 7, completion_tokens: 2 } }, status: 200 });
    await sleep(1);
    const span = spanNamed(t.exporter, 'chat gpt-4o-mini');
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 7);
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], 2);
  } finally {
    await t.shutdown();
  }
});

test('usageFromResult on an async result; a throwing extractor is swallowed and counted', async () => {
  const t = setupTelemetry();
  try {
    const before = internalErrorCounts().get('manual-api') ?? 0;
    const reply = { usage: { in: 3, out: 4 } };
    assert.equal(
      await traceLlm({ ...gpt, usageFromResult: (r: typeof reply) => ({ inputTokens: r.usage.in, outputTokens: r.usage.out }) }, async () => reply),
      reply,
    );
    const broken = { nothing: true };
    assert.equal(
      await traceLlm({ ...gpt, model: 'gpt-4o', usageFromResult: (r: typeof reply) => ({ inputTokens: r.usage.in }) }, async () => broken),
      broken,
    );
    assert.equal(internalErrorCounts().get('manual-api'), before + 1);
    assert.equal(sum(t.scrape(), 'aimeter_internal_errors_total', { aimeter_component: 'manual-api' }), before + 1);
    assert.equal(spanNamed(t.exporter, 'chat gpt-4o-mini').attributes['gen_ai.usage.output_tokens'], 4);
    const brokenSpan = spanNamed(t.exporter, 'chat gpt-4o');
    assert.equal(brokenSpan.attributes['gen_ai.usage.input_tokens'], undefined);
    assert.equal(brokenSpan.attributes['error.type'], undefined, 'an aimeter failure is not the call failing');
  } finally {
    await t.shutdown();
  }
});

test('if span creation fails, the function still runs once and its result is returned', async () => {
  const exploding: Tracer = {
    startSpan() {
      throw new Error('tracer is broken');
    },
    startActiveSpan() {
      throw new Error('tracer is broken');
    },
  } as unknown as Tracer;
  const provider: TracerProvider = { getTracer: () => exploding };
  trace.disable();
  trace.setGlobalTracerProvider(provider);
  try {
    const before = internalErrorCounts().get('manual-api') ?? 0;
    let runs = 0;
    const value = {};
    assert.equal(
      traceLlm(gpt, (call) => {
        runs++;
        call.setUsage({ inputTokens: 1 }); // the no-op handle
        call.chunk();
        assert.equal(call.span, undefined);
        return value;
      }),
      value,
    );
    assert.equal(await traceAgent({ name: 'x' }, async () => 'agent'), 'agent');
    const error = new Error('user error');
    assert.throws(
      () =>
        traceTool({ name: 't' }, () => {
          runs++;
          throw error;
        }),
      (e) => e === error,
    );
    assert.equal(runs, 2);
    assert.equal(internalErrorCounts().get('manual-api'), before + 3);
  } finally {
    trace.disable();
    context.disable();
  }
});
