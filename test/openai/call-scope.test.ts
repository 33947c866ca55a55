/**
 * Where the OpenAI SDK runs, seen from a custom `fetch` of the real client talking to the fake
 * server: a call made with no active context does not run inside the LLM span's context (no
 * active span in fetch: aimeter does not switch on AsyncLocalStorage by itself), and its metrics
 * are still exact; a call made under an active parent span runs inside the LLM span's context
 * (fetch sees the chat span, which is a child of the parent).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { context, ROOT_CONTEXT, trace, type Span } from '@opentelemetry/api';
import { sum } from '../helpers/exposition';
import { startHarness, waitForSpans, type Harness } from './harness';

let h: Harness;
/** trace.getActiveSpan() at each fetch the SDK made. */
let seen: Array<Span | undefined>;
let client: any;

before(async () => {
  h = await startHarness();
  client = h.client({
    fetch: (url: string | URL | Request, init?: RequestInit) => {
      seen.push(trace.getActiveSpan());
      return fetch(url, init);
    },
  });
});
after(async () => {
  await h.close();
});

const labels = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o-mini', gen_ai_response_model: 'gpt-4o-mini-2024-07-18' };
// prompt = 3 + words('Hello there') = 5; reply 'Fake reply to: Hello there' = 5 words.
const request = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello there' }] };

describe('OpenAI call scope', () => {
  test('a call with no active context: no active span in fetch, the span is a root, metrics exact', async () => {
    h.reset();
    seen = [];
    assert.equal(context.active(), ROOT_CONTEXT, 'precondition: nothing is active');
    const before = h.telemetry.scrape();
    const result = await client.chat.completions.create(request);
    assert.equal(result.usage.prompt_tokens, 5);
    assert.equal(result.usage.completion_tokens, 5);

    assert.equal(seen.length, 1, 'one HTTP request');
    assert.equal(seen[0], undefined, 'the SDK did not run inside the span context');
    const spans = await waitForSpans(h, 1);
    assert.equal(spans.length, 1);
    assert.equal(spans[0]!.name, 'chat gpt-4o-mini');
    assert.equal(spans[0]!.parentSpanContext, undefined);

    const m = h.telemetry.scrape();
    const delta = (name: string, where: Record<string, string> = {}) => sum(m, name, { ...labels, ...where }) - sum(before, name, { ...labels, ...where });
    assert.equal(delta('gen_ai_client_operation_duration_seconds_count', { error_type: '' }), 1);
    assert.equal(delta('aimeter_tokens_total', { gen_ai_token_type: 'input' }), 5);
    assert.equal(delta('aimeter_tokens_total', { gen_ai_token_type: 'output' }), 5);
    assert.equal(delta('gen_ai_client_token_usage_count', { gen_ai_token_type: 'input' }), 1);
  });

  test('a call under an active parent span: fetch sees the chat span, a child of the parent', async () => {
    h.reset();
    seen = [];
    const before = h.telemetry.scrape();
    const parent = trace.getTracer('test').startSpan('handle request');
    const result = await context.with(trace.setSpan(context.active(), parent), () => client.chat.completions.create(request));
    parent.end();
    assert.equal(result.choices[0].message.content, 'Fake reply to: Hello there');

    const [chat] = await waitForSpans(h, 1);
    assert.equal(chat!.name, 'chat gpt-4o-mini');
    assert.equal(chat!.parentSpanContext?.spanId, parent.spanContext().spanId);
    assert.equal(seen.length, 1);
    assert.ok(seen[0], 'a span is active in fetch');
    assert.equal(seen[0]!.spanContext().spanId, chat!.spanContext().spanId, 'the active span in fetch is the chat span');

    const m = h.telemetry.scrape();
    assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', labels) - sum(before, 'gen_ai_client_operation_duration_seconds_count', labels), 1);
    assert.equal(sum(m, 'aimeter_tokens_total', { ...labels, gen_ai_token_type: 'input' }) - sum(before, 'aimeter_tokens_total', { ...labels, gen_ai_token_type: 'input' }), 5);
  });
});
