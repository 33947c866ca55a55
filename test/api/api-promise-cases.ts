/**
 * The manual API around an SDK call that returns an APIPromise: `traceLlm(opts, () =>
 * client.chat.completions.create(...))` must hand back the SDK's own APIPromise with
 * `.asResponse()` (raw body unread) and `.withResponse()` working, for plain and streaming calls,
 * OpenAI and Anthropic, and still end its span with the call. Run with the manual API alone
 * (api-promise.test.ts) and with every instrumentation on, as the preload runs it
 * (api-promise-preload.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { traceLlm } from '../../src/api';

export interface CaseContext {
  readonly openai: () => any;
  readonly anthropic: () => any;
  /** Finished spans of the manual API (scope `aimeter`). */
  readonly manualSpans: () => ReadableSpan[];
  readonly reset: () => void;
}

const messages = [{ role: 'user' as const, content: 'hello there world' }];
const ask = { model: 'claude-sonnet-4-5', max_tokens: 64, messages };

const openaiUsage = (r: any) => (r?.usage ? { inputTokens: r.usage.prompt_tokens, outputTokens: r.usage.completion_tokens } : undefined);
const anthropicUsage = (r: any) => (r?.usage ? { inputTokens: r.usage.input_tokens, outputTokens: r.usage.output_tokens } : undefined);

async function oneSpan(ctx: CaseContext): Promise<ReadableSpan> {
  const deadline = Date.now() + 2000;
  while (ctx.manualSpans().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  const spans = ctx.manualSpans();
  assert.equal(spans.length, 1, 'one manual-API span, ended');
  return spans[0]!;
}

export function apiPromiseCases(ctx: CaseContext): void {
  const traceOpenAI = <T>(fn: () => T) => traceLlm({ provider: 'openai', model: 'gpt-4o-mini', usageFromResult: openaiUsage }, fn);
  const traceAnthropic = <T>(fn: () => T) => traceLlm({ provider: 'anthropic', model: 'claude-sonnet-4-5', usageFromResult: anthropicUsage }, fn);

  test('openai: .asResponse() of a traced call gives the unread raw body', async () => {
    ctx.reset();
    const client = ctx.openai();
    const response = await traceOpenAI(() => client.chat.completions.create({ model: 'gpt-4o-mini', messages })).asResponse();
    assert.equal(response.bodyUsed, false);
    const body = await response.json();
    assert.equal(body.choices[0].message.content, 'Fake reply to: hello there world');
    const span = await oneSpan(ctx);
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 6, 'usage read from a clone of the body');
  });

  test('openai: .withResponse() of a traced call', async () => {
    ctx.reset();
    const client = ctx.openai();
    const { data, response } = await traceOpenAI(() => client.chat.completions.create({ model: 'gpt-4o-mini', messages })).withResponse();
    assert.equal(data.choices[0].message.content, 'Fake reply to: hello there world');
    assert.equal(response.status, 200);
    const span = await oneSpan(ctx);
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], 6);
  });

  test('openai: streaming .asResponse() gives the raw event stream; .withResponse() the Stream, observed', async () => {
    ctx.reset();
    const client = ctx.openai();
    const raw = await traceOpenAI(() => client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true })).asResponse();
    const text = await raw.text();
    assert.match(text, /data: \[DONE\]/);
    assert.doesNotMatch(text, /"usage"/, 'nothing the caller did not ask for');
    assert.equal((await oneSpan(ctx)).status.code, 0);

    ctx.reset();
    const { data: stream, response } = await traceOpenAI(() =>
      client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }),
    ).withResponse();
    assert.equal(response.status, 200);
    let content = '';
    for await (const chunk of stream) content += chunk.choices[0]?.delta?.content ?? '';
    assert.equal(content, 'Fake reply to: hello there world');
    const span = await oneSpan(ctx);
    assert.equal(span.attributes['gen_ai.request.stream'], true);
    assert.equal(typeof span.attributes['gen_ai.response.time_to_first_chunk'], 'number', 'the stream was observed');
  });

  test('anthropic: .asResponse() and .withResponse() of a traced call', async () => {
    ctx.reset();
    const client = ctx.anthropic();
    const response = await traceAnthropic(() => client.messages.create(ask)).asResponse();
    assert.equal(response.bodyUsed, false);
    const body = await response.json();
    assert.equal(body.type, 'message');
    assert.equal((await oneSpan(ctx)).attributes['gen_ai.usage.input_tokens'], 25, 'usage read from a clone of the body');

    ctx.reset();
    const { data, response: r2 } = await traceAnthropic(() => client.messages.create(ask)).withResponse();
    assert.equal(data.content[0].text, 'Hello! How can I help you today?');
    assert.equal(r2.status, 200);
    assert.equal((await oneSpan(ctx)).attributes['gen_ai.usage.output_tokens'], 12);
  });

  test('anthropic: streaming .asResponse() and .withResponse()', async () => {
    ctx.reset();
    const client = ctx.anthropic();
    const raw = await traceAnthropic(() => client.messages.create({ ...ask, stream: true })).asResponse();
    assert.match(await raw.text(), /event: message_stop/);
    await oneSpan(ctx);

    ctx.reset();
    const { data: stream } = await traceAnthropic(() => client.messages.create({ ...ask, stream: true })).withResponse();
    let deltas = 0;
    for await (const event of stream) if (event.type === 'content_block_delta') deltas++;
    assert.ok(deltas > 0);
    const span = await oneSpan(ctx);
    // The manual API counts every value of a returned stream (here each event) as a chunk.
    assert.ok(Number(span.attributes['aimeter.response.chunks']) >= deltas, 'the stream was observed');
  });

  test('a plain await of a traced APIPromise still gives the parsed value', async () => {
    ctx.reset();
    const completion = await traceOpenAI(() => ctx.openai().chat.completions.create({ model: 'gpt-4o-mini', messages }));
    assert.equal(completion.choices[0].message.content, 'Fake reply to: hello there world');
    assert.equal((await oneSpan(ctx)).attributes['gen_ai.usage.input_tokens'], 6);
  });
}
