/**
 * Chat completions, Responses API and embeddings: exact tokens, dollars, histogram buckets,
 * streaming timings, include_usage opt-in, content capture, span shape.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind } from '@opentelemetry/api';
import { find, sum } from '../helpers/exposition';
import { setRuntimeSettings } from '../../src/config/runtime';
import { startHarness, waitForSpans, type Harness } from './harness';

// gpt-4o-mini, prices/prices.yaml: $0.15 / $0.075 (cached) / $0.60 per 1M tokens.
const IN = 0.15e-6;
const CACHED = 0.075e-6;
const OUT = 0.6e-6;
const EMBED_SMALL = 0.02e-6;

let h: Harness;
before(async () => {
  h = await startHarness({ fake: { latencyMs: 100, chunkDelayMs: 5 } });
});
after(async () => {
  await h.close();
});

const labels = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o-mini', gen_ai_response_model: 'gpt-4o-mini-2024-07-18' };

describe('chat completions', () => {
  test('cached prompt + reasoning tokens: exact tokens and dollars, span shape, buckets', async () => {
    h.reset();
    const before = h.telemetry.scrape();
    const costBefore = sum(before, 'aimeter_cost_usd_total', labels);
    const result = await h.client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are a terse assistant' },
        { role: 'user', content: 'Summarise the plot of Hamlet in one line' },
      ],
      prompt_cache_key: 'hamlet',
      reasoning_effort: 'low',
      temperature: 0.2,
      top_p: 0.9,
      max_completion_tokens: 100,
      seed: 7,
      stop: ['END'],
    });
    // prompt = (3+5) + (3+8) = 19, cached = floor(19/2) = 9; output = 11 words + 16 reasoning = 27.
    assert.equal(result.usage.prompt_tokens, 19);
    assert.equal(result.usage.completion_tokens, 27);
    const [span] = await waitForSpans(h, 1);
    assert.equal(span!.name, 'chat gpt-4o-mini');
    assert.equal(span!.kind, SpanKind.CLIENT);
    const a = span!.attributes;
    assert.equal(a['gen_ai.operation.name'], 'chat');
    assert.equal(a['gen_ai.provider.name'], 'openai');
    assert.equal(a['gen_ai.request.model'], 'gpt-4o-mini');
    assert.equal(a['gen_ai.response.model'], 'gpt-4o-mini-2024-07-18');
    assert.equal(a['gen_ai.response.id'], result.id);
    assert.deepEqual(a['gen_ai.response.finish_reasons'], ['stop']);
    assert.equal(a['gen_ai.request.stream'], false);
    assert.equal(a['gen_ai.request.temperature'], 0.2);
    assert.equal(a['gen_ai.request.top_p'], 0.9);
    assert.equal(a['gen_ai.request.max_tokens'], 100);
    assert.equal(a['gen_ai.request.seed'], 7);
    assert.deepEqual(a['gen_ai.request.stop_sequences'], ['END']);
    assert.equal(a['server.address'], '127.0.0.1');
    assert.equal(a['server.port'], h.fake.port);
    assert.equal(a['gen_ai.usage.input_tokens'], 19);
    assert.equal(a['gen_ai.usage.output_tokens'], 27);
    assert.equal(a['gen_ai.usage.cache_read.input_tokens'], 9);
    assert.equal(a['gen_ai.usage.reasoning.output_tokens'], 16);
    assert.equal(a['gen_ai.response.time_to_first_chunk'], undefined, 'no TTFT on a non-streaming call');
    // Content is off by default.
    for (const key of ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.system_instructions', 'gen_ai.tool.definitions']) {
      assert.equal(a[key], undefined, key);
    }

    const m = h.telemetry.scrape();
    const cost = (19 - 9) * IN + 9 * CACHED + 27 * OUT;
    assert.ok(Math.abs(sum(m, 'aimeter_cost_usd_total', labels) - costBefore - cost) < 1e-9, `cost ${sum(m, 'aimeter_cost_usd_total', labels)}`);
    assert.ok(Math.abs(sum(m, 'aimeter_cache_savings_usd_total', labels) - 9 * (IN - CACHED)) < 1e-12);
    assert.equal(sum(m, 'aimeter_tokens_total', { ...labels, gen_ai_token_type: 'input' }), 19);
    assert.equal(sum(m, 'aimeter_tokens_total', { ...labels, gen_ai_token_type: 'output' }), 27);
    assert.equal(sum(m, 'aimeter_tokens_total', { ...labels, gen_ai_token_type: 'cache_read' }), 9);
    assert.equal(sum(m, 'aimeter_tokens_total', { ...labels, gen_ai_token_type: 'reasoning' }), 16);
    // Token histogram: 19 input tokens -> bucket le=64 (not le=16); 27 output -> le=64.
    assert.equal(sum(m, 'gen_ai_client_token_usage_bucket', { ...labels, gen_ai_token_type: 'input', le: '16' }), 0);
    assert.equal(sum(m, 'gen_ai_client_token_usage_bucket', { ...labels, gen_ai_token_type: 'input', le: '64' }), 1);
    assert.equal(sum(m, 'gen_ai_client_token_usage_sum', { ...labels, gen_ai_token_type: 'input' }), 19);
    assert.equal(sum(m, 'gen_ai_client_token_usage_count', { ...labels, gen_ai_token_type: 'output' }), 1);
    // Duration: the fake waits 100 ms before answering.
    assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { ...labels, error_type: '' }), 1);
    assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_bucket', { ...labels, error_type: '', le: '0.08' }), 0);
    assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_bucket', { ...labels, error_type: '', le: '2.56' }), 1);
  });

  test('streaming with caller include_usage: tokens, TTFT < duration, chunk count, time per chunk', async () => {
    h.reset();
    const stream = await h.client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Count to three' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let chunks = 0;
    for await (const _ of stream) chunks++;
    assert.equal(chunks, 2 + 6 + 1); // role, 6 words ("Fake reply to: Count to three"), finish, usage
    const [span] = await waitForSpans(h, 1);
    const a = span!.attributes;
    assert.equal(a['gen_ai.request.stream'], true);
    assert.equal(a['gen_ai.usage.input_tokens'], 6);
    assert.equal(a['gen_ai.usage.output_tokens'], 6);
    assert.equal(a['aimeter.response.chunks'], 8, 'the usage-only chunk is not an output chunk');
    const ttft = a['gen_ai.response.time_to_first_chunk'] as number;
    const duration = span!.duration[0] + span!.duration[1] / 1e9;
    assert.ok(ttft >= 0.1, `TTFT ${ttft} includes the 100 ms latency`);
    assert.ok(ttft < duration, `TTFT ${ttft} < duration ${duration}`);
    assert.ok(duration - ttft >= 0.005 * 7, 'chunks are 5 ms apart');
    const m = h.telemetry.scrape();
    assert.equal(sum(m, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', labels), 1);
    assert.ok(Math.abs(sum(m, 'gen_ai_client_operation_time_to_first_chunk_seconds_sum', labels) - ttft) < 1e-9);
    assert.equal(sum(m, 'gen_ai_client_operation_time_per_output_chunk_seconds_count', labels), 1);
  });

  test('streaming without include_usage and without the opt-in: no tokens recorded, request untouched', async () => {
    h.reset();
    const tokensBefore = sum(h.telemetry.scrape(), 'aimeter_tokens_total', labels);
    const stream = await h.client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    for await (const _ of stream);
    const [span] = await waitForSpans(h, 1);
    assert.equal(span!.attributes['gen_ai.usage.input_tokens'], undefined);
    assert.equal(span!.attributes['gen_ai.usage.output_tokens'], undefined);
    assert.equal(h.fake.requests.at(-1)!.body.stream_options, undefined);
    assert.equal(sum(h.telemetry.scrape(), 'aimeter_tokens_total', labels), tokensBefore);
  });

  test('opt-in include_usage: tokens recorded, usage chunk and usage fields hidden from the caller', async () => {
    h.reset();
    setRuntimeSettings({ openaiStreamUsage: true });
    try {
      const stream = await h.client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], stream: true });
      const chunks: any[] = [];
      for await (const c of stream) chunks.push(c);
      assert.equal(chunks.length, 1 + 4 + 1);
      assert.ok(chunks.every((c) => c.choices.length > 0 && !('usage' in c)));
      assert.deepEqual(h.fake.requests.at(-1)!.body.stream_options, { include_usage: true });
      const [span] = await waitForSpans(h, 1);
      assert.equal(span!.attributes['gen_ai.usage.input_tokens'], 4);
      assert.equal(span!.attributes['gen_ai.usage.output_tokens'], 4);
      // An explicit include_usage: false is respected.
      h.reset();
      const s2 = await h.client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: false } });
      for await (const _ of s2);
      assert.deepEqual(h.fake.requests.at(-1)!.body.stream_options, { include_usage: false });
      const [span2] = await waitForSpans(h, 1);
      assert.equal(span2!.attributes['gen_ai.usage.input_tokens'], undefined);
    } finally {
      setRuntimeSettings({ openaiStreamUsage: false });
    }
  });

  test('content capture on: messages, system instructions, tool definitions, tool calls (plain and streamed)', async () => {
    setRuntimeSettings({ captureMessageContent: true });
    try {
      h.reset();
      const tools = [{ type: 'function' as const, function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
      const messages = [
        { role: 'system' as const, content: 'Be brief' },
        { role: 'user' as const, content: 'Weather in Paris?' },
      ];
      await h.client().chat.completions.create({ model: 'gpt-4o-mini', messages, tools });
      const stream = await h.client().chat.completions.create({ model: 'gpt-4o-mini', messages, tools, stream: true });
      for await (const _ of stream);
      const spans = await waitForSpans(h, 2);
      for (const span of spans) {
        const a = span.attributes;
        assert.deepEqual(JSON.parse(a['gen_ai.system_instructions'] as string), [{ type: 'text', content: 'Be brief' }]);
        assert.deepEqual(JSON.parse(a['gen_ai.input.messages'] as string), [{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }]);
        assert.deepEqual(JSON.parse(a['gen_ai.tool.definitions'] as string), [
          { type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
        ]);
        assert.deepEqual(JSON.parse(a['gen_ai.output.messages'] as string), [
          { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_fake_1', name: 'get_weather', arguments: { city: 'fake' } }], finish_reason: 'tool_calls' },
        ]);
      }
      // A follow-up with the tool result: text reply, tool response part in the input.
      h.reset();
      await h.client().chat.completions.create({
        model: 'gpt-4o-mini',
        tools,
        messages: [
          ...messages,
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_fake_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
          { role: 'tool', tool_call_id: 'call_fake_1', content: 'Sunny' },
        ],
      });
      const [span] = await waitForSpans(h, 1);
      const input = JSON.parse(span!.attributes['gen_ai.input.messages'] as string);
      assert.deepEqual(input.slice(1), [
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_fake_1', name: 'get_weather', arguments: { city: 'Paris' } }] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_fake_1', response: 'Sunny' }] },
      ]);
      assert.deepEqual(JSON.parse(span!.attributes['gen_ai.output.messages'] as string), [
        { role: 'assistant', parts: [{ type: 'text', content: 'Fake reply to: Sunny' }], finish_reason: 'stop' },
      ]);
    } finally {
      setRuntimeSettings({ captureMessageContent: false });
    }
    // And off again.
    h.reset();
    await h.client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'secret prompt' }] });
    const [span] = await waitForSpans(h, 1);
    assert.ok(!JSON.stringify(span!.attributes).includes('secret prompt'));
  });

  test('errors: duration histogram labelled with error.type, no tokens, no cost', async () => {
    h.reset();
    await assert.rejects(h.client().chat.completions.create({ model: 'fail-429', messages: [{ role: 'user', content: 'x' }] }));
    await waitForSpans(h, 1);
    const m = h.telemetry.scrape();
    const where = { gen_ai_request_model: 'fail-429', error_type: 'rate_limit' };
    assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', where), 1);
    assert.equal(find(m, 'aimeter_tokens_total', { gen_ai_request_model: 'fail-429' }).length, 0);
  });
});

describe('responses API', () => {
  const rLabels = { ...labels };
  test('plain: exact tokens (cached + reasoning), dollars, finish reason', async () => {
    h.reset();
    const costBefore = sum(h.telemetry.scrape(), 'aimeter_cost_usd_total', rLabels);
    const res = await h.client().responses.create({
      model: 'gpt-4o-mini',
      instructions: 'Answer in one word',
      input: 'What colour is the sky',
      prompt_cache_key: 'sky',
      reasoning: { effort: 'low' },
      max_output_tokens: 50,
    });
    // input = 4 + (3 + 5) = 12, cached 6; output = 8 words + 16 reasoning = 24.
    assert.equal(res.usage.input_tokens, 12);
    const [span] = await waitForSpans(h, 1);
    const a = span!.attributes;
    assert.equal(span!.name, 'chat gpt-4o-mini');
    assert.equal(a['gen_ai.usage.input_tokens'], 12);
    assert.equal(a['gen_ai.usage.output_tokens'], 24);
    assert.equal(a['gen_ai.usage.cache_read.input_tokens'], 6);
    assert.equal(a['gen_ai.usage.reasoning.output_tokens'], 16);
    assert.equal(a['gen_ai.request.max_tokens'], 50);
    assert.deepEqual(a['gen_ai.response.finish_reasons'], ['stop']);
    assert.equal(a['gen_ai.response.id'], res.id);
    const cost = 6 * IN + 6 * CACHED + 24 * OUT;
    assert.ok(Math.abs(sum(h.telemetry.scrape(), 'aimeter_cost_usd_total', rLabels) - costBefore - cost) < 1e-9);
  });

  test('a Responses API conversation: its id on the span, the call\'s dollars counted for the conversation', async () => {
    h.reset();
    const before = sum(h.telemetry.scrape(), 'aimeter_conversations_cost_usd_total', {});
    const costBefore = sum(h.telemetry.scrape(), 'aimeter_cost_usd_total', rLabels);
    await h.client().responses.create({ model: 'gpt-4o-mini', input: 'Where is my order', conversation: 'conv_order_1' });
    const [span] = await waitForSpans(h, 1);
    assert.equal(span!.attributes['gen_ai.conversation.id'], 'conv_order_1');
    const callCost = sum(h.telemetry.scrape(), 'aimeter_cost_usd_total', rLabels) - costBefore;
    assert.ok(callCost > 0, 'the call is priced');
    const conversationCost = sum(h.telemetry.scrape(), 'aimeter_conversations_cost_usd_total', {}) - before;
    assert.ok(Math.abs(conversationCost - callCost) < 1e-12, `conversation dollars ${conversationCost} = the call's ${callCost}`);
  });

  test('streamed: usage from response.completed, TTFT from the first delta, one span', async () => {
    h.reset();
    const stream = await h.client().responses.create({ model: 'gpt-4o-mini', input: 'Say hi', stream: true });
    const types: string[] = [];
    for await (const e of stream) types.push(e.type);
    assert.equal(types[0], 'response.created');
    assert.equal(types.at(-1), 'response.completed');
    const spans = await waitForSpans(h, 1);
    assert.equal(spans.length, 1);
    const a = spans[0]!.attributes;
    assert.equal(a['gen_ai.usage.input_tokens'], 5);
    assert.equal(a['gen_ai.usage.output_tokens'], 5);
    assert.equal(a['aimeter.response.chunks'], 5, 'one output_text.delta per word');
    const ttft = a['gen_ai.response.time_to_first_chunk'] as number;
    assert.ok(ttft > 0 && ttft < spans[0]!.duration[0] + spans[0]!.duration[1] / 1e9);
  });

  test('function call output: finish reason tool_calls, content when enabled', async () => {
    setRuntimeSettings({ captureMessageContent: true });
    try {
      h.reset();
      await h.client().responses.create({
        model: 'gpt-4o-mini',
        input: 'Weather?',
        tools: [{ type: 'function', name: 'get_weather', strict: false, parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
      });
      const [span] = await waitForSpans(h, 1);
      assert.deepEqual(span!.attributes['gen_ai.response.finish_reasons'], ['tool_calls']);
      assert.deepEqual(JSON.parse(span!.attributes['gen_ai.output.messages'] as string), [
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_fake_1', name: 'get_weather', arguments: { city: 'fake' } }], finish_reason: 'tool_calls' },
      ]);
    } finally {
      setRuntimeSettings({ captureMessageContent: false });
    }
  });
});

describe('embeddings', () => {
  test('input tokens and dollars; span name and dimension count', async () => {
    h.reset();
    await h.client().embeddings.create({ model: 'text-embedding-3-small', input: ['the quick brown fox', 'jumps over'], dimensions: 4 });
    const [span] = await waitForSpans(h, 1);
    assert.equal(span!.name, 'embeddings text-embedding-3-small');
    assert.equal(span!.attributes['gen_ai.operation.name'], 'embeddings');
    assert.equal(span!.attributes['gen_ai.usage.input_tokens'], 6);
    assert.equal(span!.attributes['gen_ai.usage.output_tokens'], undefined);
    assert.equal(span!.attributes['gen_ai.embeddings.dimension.count'], 4);
    const m = h.telemetry.scrape();
    const where = { gen_ai_operation_name: 'embeddings', gen_ai_request_model: 'text-embedding-3-small' };
    assert.ok(Math.abs(sum(m, 'aimeter_cost_usd_total', where) - 6 * EMBED_SMALL) < 1e-12);
    assert.equal(sum(m, 'aimeter_tokens_total', { ...where, gen_ai_token_type: 'input' }), 6);
  });
});
