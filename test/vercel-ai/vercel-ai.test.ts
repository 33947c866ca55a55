/**
 * The Vercel AI SDK (`ai` 6 with `@ai-sdk/openai` 3, both real) against the loopback OpenAI fake
 * (Responses API by default, chat completions with `openai.chat`): its own spans read exactly
 * (one model call per doGenerate / doStream / doEmbed, one execute_tool per ai.toolCall, the
 * wrapper a workflow whose usage is never counted again), telemetry turned on by aimeter where
 * the caller left it unset and left off where the caller said so, content off the spans by
 * default, a provider SDK span under the AI SDK's counted once, and a differential run.
 *
 * Fake-provider token rules (examples/fake-provider/openai.ts): a user message is 3 + its words,
 * a tool definition 8; the reply "Fake reply to: <last text>" is its word count; a tool call 10.
 * gpt-4o-mini answers as gpt-4o-mini-2024-07-18, priced as gpt-4o-mini ($0.15 / $0.60 per M);
 * text-embedding-3-small $0.02 per M.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as AiSdk from 'ai';
import type * as AiSdkOpenAI from '@ai-sdk/openai';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startFakeOpenAI, type FakeOpenAI } from '../../examples/fake-provider/openai';
import { VercelAiInstrumentation } from '../../instrumentations/vercel-ai';
import { OpenAIInstrumentation } from '../../instrumentations/openai';
import { setRuntimeSettings } from '../../src/config/runtime';
import { sum } from '../helpers/exposition';
import { setupTelemetry, type TestTelemetry } from '../helpers/telemetry';

const instrumentation = new VercelAiInstrumentation();
const openaiInstrumentation = new OpenAIInstrumentation();
let telemetry: TestTelemetry;
let fake: FakeOpenAI;
let ai: typeof AiSdk;
let createOpenAI: typeof AiSdkOpenAI.createOpenAI;
let OpenAI: typeof import('openai').default;

before(async () => {
  telemetry = setupTelemetry({ instrumentations: [instrumentation, openaiInstrumentation] });
  // Required once the hooks are in place (as under the preload).
  ai = require('ai') as typeof AiSdk;
  createOpenAI = (require('@ai-sdk/openai') as typeof AiSdkOpenAI).createOpenAI;
  OpenAI = (require('openai') as typeof import('openai')).default;
  // fetch keeps connections alive: a gap between calls on a loaded machine can outlast Node's 5 s
  // server keep-alive, and a reused connection the server is closing resets (ECONNRESET).
  fake = await startFakeOpenAI({ keepAliveTimeoutMs: 60_000 });
});

after(async () => {
  await fake.close();
  await telemetry.shutdown();
});

const provider = (server: FakeOpenAI = fake) => createOpenAI({ apiKey: 'test', baseURL: server.url });

const CHAT = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o-mini', gen_ai_response_model: 'gpt-4o-mini-2024-07-18' };
const WORKFLOW = { gen_ai_operation_name: 'invoke_workflow', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o-mini' };
const DURATION = 'gen_ai_client_operation_duration_seconds_count';
const cost = (input: number, output: number) => (input * 0.15 + output * 0.6) / 1e6;

/** Runs `run`, waits for `spans` spans to end, and returns them with the change of every metric sum. */
async function measured(spans: number, run: () => Promise<unknown>) {
  telemetry.exporter.reset();
  const before = telemetry.scrape();
  await run();
  for (let i = 0; i < 200 && telemetry.exporter.getFinishedSpans().length < spans; i++) await new Promise((r) => setTimeout(r, 2));
  const ended = telemetry.exporter.getFinishedSpans();
  assert.deepEqual(ended.length, spans, `spans: ${ended.map((s) => s.name).join(', ')}`);
  const after = telemetry.scrape();
  const delta = (name: string, labels: Record<string, string> = {}) => sum(after, name, labels) - sum(before, name, labels);
  return { spans: ended, delta };
}

const named = (spans: readonly ReadableSpan[], name: string) => spans.filter((s) => s.name === name);

test('generateText with no telemetry option: aimeter turns it on; one chat call exactly, the wrapper a workflow counted once', async () => {
  let text = '';
  const { spans, delta } = await measured(2, async () => {
    text = (await ai.generateText({ model: provider()('gpt-4o-mini'), prompt: 'Say hello', maxRetries: 0 })).text;
  });
  assert.equal(text, 'Fake reply to: Say hello');
  assert.deepEqual(spans.map((s) => s.name).sort(), ['ai.generateText', 'ai.generateText.doGenerate']);
  assert.equal(delta(DURATION, CHAT), 1);
  assert.equal(delta(DURATION, WORKFLOW), 1);
  assert.equal(delta(DURATION), 2, 'nothing else');
  // 3 + 2 words in, 5 words out; the workflow reports the same usage and is not counted again.
  assert.equal(delta('gen_ai_client_token_usage_sum', { ...CHAT, gen_ai_token_type: 'input' }), 5);
  assert.equal(delta('gen_ai_client_token_usage_sum', { ...CHAT, gen_ai_token_type: 'output' }), 5);
  assert.equal(delta('aimeter_tokens_total', { gen_ai_token_type: 'input' }), 5);
  assert.equal(delta('aimeter_tokens_total', { gen_ai_token_type: 'output' }), 5);
  assert.ok(Math.abs(delta('aimeter_cost_usd_total') - cost(5, 5)) < 1e-15, `cost ${delta('aimeter_cost_usd_total')}`);
  assert.equal(delta('aimeter_finish_reasons_total', { ...CHAT, gen_ai_response_finish_reason: 'stop' }), 1);
  assert.equal(delta('aimeter_unpriced_operations_total'), 0);
});

test('the chat completions API (openai.chat) and an explicit isEnabled: true: the same, exactly once', async () => {
  const { delta } = await measured(2, () =>
    ai.generateText({ model: provider().chat('gpt-4o-mini'), prompt: 'Say hello', maxRetries: 0, experimental_telemetry: { isEnabled: true } }),
  );
  assert.equal(delta(DURATION, CHAT), 1);
  assert.equal(delta('aimeter_tokens_total', { ...CHAT, gen_ai_token_type: 'input' }), 5);
  assert.equal(delta('aimeter_tokens_total', { ...CHAT, gen_ai_token_type: 'output' }), 5);
  assert.equal(delta('aimeter_tokens_total'), 10);
});

test('streamText: the same chunks; time to first chunk is the SDK\'s ai.response.msToFirstChunk', async () => {
  const chunks: string[] = [];
  const { spans, delta } = await measured(2, async () => {
    const result = ai.streamText({ model: provider()('gpt-4o-mini'), prompt: 'Say hello there', maxRetries: 0 });
    for await (const chunk of result.textStream) chunks.push(chunk);
    await result.usage;
  });
  assert.deepEqual(chunks, ['Fake', ' reply', ' to:', ' Say', ' hello', ' there']);
  const [doStream] = named(spans, 'ai.streamText.doStream');
  const ms = doStream!.attributes['ai.response.msToFirstChunk'] as number;
  assert.ok(ms > 0, `msToFirstChunk ${ms}`);
  assert.equal(delta('gen_ai_client_operation_time_to_first_chunk_seconds_count', CHAT), 1);
  assert.equal(delta('gen_ai_client_operation_time_to_first_chunk_seconds_sum', CHAT), ms / 1000);
  assert.equal(delta(DURATION, CHAT), 1);
  assert.equal(delta(DURATION, WORKFLOW), 1, 'the streamText run');
  assert.equal(delta('aimeter_tokens_total', { ...CHAT, gen_ai_token_type: 'input' }), 6);
  assert.equal(delta('aimeter_tokens_total', { ...CHAT, gen_ai_token_type: 'output' }), 6);
  assert.equal(delta('aimeter_tokens_total'), 12);
});

const weather = () =>
  ai.tool({
    description: 'The weather in a city',
    inputSchema: ai.jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false }),
    execute: async ({ city }: { city: string }) => ({ city, celsius: 20 }),
  });

test('a tool round: two model calls and one execute_tool with the tool name; both steps\' tokens exactly once', async () => {
  let text = '';
  const { spans, delta } = await measured(4, async () => {
    text = (await ai.generateText({ model: provider()('gpt-4o-mini'), prompt: 'Weather?', tools: { weather: weather() }, stopWhen: ai.stepCountIs(3), maxRetries: 0 }))
      .text;
  });
  assert.equal(text, 'Fake reply to: {"city":"fake","celsius":20}');
  assert.deepEqual(spans.map((s) => s.name).sort(), ['ai.generateText', 'ai.generateText.doGenerate', 'ai.generateText.doGenerate', 'ai.toolCall']);
  assert.equal(delta(DURATION, CHAT), 2);
  assert.equal(delta(DURATION, { gen_ai_operation_name: 'execute_tool', gen_ai_tool_name: 'weather' }), 1);
  assert.equal(delta(DURATION), 4, 'two model calls, the tool, the run');
  // Step 1: 3 + 1 words + 8 for the tool in, a tool call (10) out. Step 2: the user message (4),
  // the call (3 + 1 word of arguments), its output (3 + 1) and the tool (8) in; 4 words out.
  assert.equal(delta('aimeter_tokens_total', { ...CHAT, gen_ai_token_type: 'input' }), 12 + 20);
  assert.equal(delta('aimeter_tokens_total', { ...CHAT, gen_ai_token_type: 'output' }), 10 + 4);
  assert.equal(delta('aimeter_tokens_total'), 46);
  assert.ok(Math.abs(delta('aimeter_cost_usd_total') - cost(32, 14)) < 1e-15);
  assert.equal(delta('aimeter_finish_reasons_total', { gen_ai_response_finish_reason: 'tool_calls' }), 1);
  assert.equal(delta('aimeter_finish_reasons_total', { gen_ai_response_finish_reason: 'stop' }), 1);
});

test('an agent (ToolLoopAgent) gets telemetry too: its steps and tool counted like generateText\'s', async () => {
  const agent = new ai.ToolLoopAgent({ model: provider()('gpt-4o-mini'), tools: { weather: weather() }, maxRetries: 0 });
  const { delta } = await measured(4, () => agent.generate({ prompt: 'Weather?' }));
  assert.equal(delta(DURATION, CHAT), 2);
  assert.equal(delta(DURATION, { gen_ai_operation_name: 'execute_tool', gen_ai_tool_name: 'weather' }), 1);
  assert.equal(delta('aimeter_tokens_total'), 46);
});

test('embed and embedMany: embeddings calls with their tokens and dollars', async () => {
  const EMBED = { gen_ai_operation_name: 'embeddings', gen_ai_provider_name: 'openai', gen_ai_request_model: 'text-embedding-3-small' };
  const { delta } = await measured(4, async () => {
    const one = await ai.embed({ model: provider().embedding('text-embedding-3-small'), value: 'one two three', maxRetries: 0 });
    assert.equal(one.embedding.length, 8);
    const many = await ai.embedMany({ model: provider().embedding('text-embedding-3-small'), values: ['a b', 'c d e'], maxRetries: 0 });
    assert.equal(many.embeddings.length, 2);
  });
  assert.equal(delta(DURATION, EMBED), 2);
  assert.equal(delta(DURATION, { gen_ai_operation_name: 'invoke_workflow' }), 2);
  assert.equal(delta('aimeter_tokens_total', { ...EMBED, gen_ai_token_type: 'input' }), 3 + 5);
  assert.equal(delta('aimeter_tokens_total'), 8);
  assert.ok(Math.abs(delta('aimeter_cost_usd_total') - (8 * 0.02) / 1e6) < 1e-15);
});

test('isEnabled: false is the caller\'s choice: no span, nothing counted', async () => {
  const { delta } = await measured(0, () =>
    ai.generateText({ model: provider()('gpt-4o-mini'), prompt: 'Say hello', maxRetries: 0, experimental_telemetry: { isEnabled: false } }),
  );
  assert.equal(delta(DURATION), 0);
});

test('errors: the caller gets the SDK\'s error; the model call and the run are counted failed, with the error\'s name', async () => {
  let caught: unknown;
  const { delta } = await measured(2, () =>
    ai.generateText({ model: provider()('fail-500'), prompt: 'x', maxRetries: 0 }).catch((e: unknown) => (caught = e)),
  );
  assert.equal((caught as { statusCode?: number }).statusCode, 500);
  assert.equal(delta(DURATION, { gen_ai_operation_name: 'chat', gen_ai_request_model: 'fail-500', error_type: 'AI_APICallError' }), 1);
  assert.equal(delta(DURATION, { gen_ai_operation_name: 'invoke_workflow', gen_ai_request_model: 'fail-500', error_type: 'AI_APICallError' }), 1);
  assert.equal(delta('aimeter_tokens_total'), 0);
});

test('an error quoting the prompt: the caller gets it whole; the spans keep only its name (status, error.type, no exception event)', async () => {
  const fail = () => ai.generateText({ model: provider()('fail-400-quote'), prompt: 'my secret prompt', maxRetries: 0 }).then(() => undefined, (e: Error) => e);
  let caught: Error | undefined;
  const quiet = await measured(2, async () => (caught = await fail()));
  assert.match(caught!.message, /my secret prompt/);
  for (const span of quiet.spans) {
    assert.deepEqual([span.status, span.attributes['error.type'], span.events.length], [{ code: SpanStatusCode.ERROR, message: 'AI_APICallError' }, 'AI_APICallError', 0], span.name);
    assert.equal(JSON.stringify([span.attributes, span.status, span.events]).includes('secret'), false, span.name);
  }
  assert.equal(quiet.delta(DURATION, { gen_ai_request_model: 'fail-400-quote', error_type: 'AI_APICallError' }), 2);
  setRuntimeSettings({ captureMessageContent: true });
  try {
    const loud = await measured(2, fail);
    // Capture on: the SDK's own tracer, its exception event and message as it makes them.
    for (const span of loud.spans) assert.match(span.status.message ?? '', /my secret prompt/, span.name);
    assert.equal(loud.delta(DURATION, { gen_ai_request_model: 'fail-400-quote', error_type: 'AI_APICallError' }), 2, 'error.type from the exception event');
  } finally {
    setRuntimeSettings({ captureMessageContent: false });
  }
});

test('content stays off the spans by default; capture on records it; the caller\'s explicit recordInputs/recordOutputs are kept', async () => {
  const content = (spans: readonly ReadableSpan[]) =>
    spans.flatMap((s) => Object.keys(s.attributes).filter((k) => k.startsWith('ai.prompt') || ['ai.response.text', 'ai.toolCall.args', 'ai.toolCall.result', 'ai.response.toolCalls'].includes(k))).sort();
  const run = (telemetrySettings?: AiSdk.TelemetrySettings) => async () => {
    await ai.generateText({ model: provider()('gpt-4o-mini'), prompt: 'my secret prompt', tools: { weather: weather() }, stopWhen: ai.stepCountIs(3), maxRetries: 0, experimental_telemetry: telemetrySettings });
  };
  const quiet = await measured(4, run());
  assert.deepEqual(content(quiet.spans), []);
  assert.equal(JSON.stringify(quiet.spans.map((s) => s.attributes)).includes('secret'), false);
  const explicitlyQuiet = await measured(4, run({ isEnabled: true }));
  assert.deepEqual(content(explicitlyQuiet.spans), [], 'isEnabled alone does not opt in to content');

  const explicit = await measured(4, run({ isEnabled: true, recordInputs: true, recordOutputs: false }));
  assert.ok(content(explicit.spans).includes('ai.prompt'), 'the caller asked for inputs');
  assert.equal(content(explicit.spans).includes('ai.response.text'), false);
  setRuntimeSettings({ captureMessageContent: true });
  try {
    const loud = await measured(4, run());
    for (const key of ['ai.prompt', 'ai.prompt.messages', 'ai.response.text', 'ai.toolCall.args', 'ai.toolCall.result']) {
      assert.ok(content(loud.spans).includes(key), key);
    }
  } finally {
    setRuntimeSettings({ captureMessageContent: false });
  }
});

/** A language model whose calls go through the `openai` SDK (instrumented by aimeter): two spans of one call. */
function modelOnOpenAiSdk(server: FakeOpenAI): AiSdk.LanguageModel {
  const client = new OpenAI({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
  return {
    specificationVersion: 'v3',
    provider: 'openai.sdk',
    modelId: 'gpt-4o-mini',
    supportedUrls: {},
    async doGenerate() {
      const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }] });
      const u = r.usage!;
      return {
        content: [{ type: 'text', text: r.choices[0]!.message.content ?? '' }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: {
          inputTokens: { total: u.prompt_tokens, noCache: u.prompt_tokens, cacheRead: 0, cacheWrite: undefined },
          outputTokens: { total: u.completion_tokens, text: u.completion_tokens, reasoning: 0 },
        },
        warnings: [],
        response: { id: r.id, modelId: r.model },
      };
    },
    doStream() {
      throw new Error('not used');
    },
  } as AiSdk.LanguageModel;
}

test('a provider built on an instrumented SDK: aimeter\'s span under doGenerate is the same call, counted once', async () => {
  const { spans, delta } = await measured(3, () => ai.generateText({ model: modelOnOpenAiSdk(fake), prompt: 'Say hello', maxRetries: 0 }));
  const [inner] = named(spans, 'chat gpt-4o-mini');
  const [outer] = named(spans, 'ai.generateText.doGenerate');
  assert.equal(inner!.parentSpanContext?.spanId, outer!.spanContext().spanId, 'the SDK span is inside the AI SDK model call');
  assert.equal(delta(DURATION, CHAT), 1);
  assert.equal(delta('aimeter_tokens_total', { ...CHAT, gen_ai_token_type: 'input' }), 5);
  assert.equal(delta('aimeter_tokens_total', { ...CHAT, gen_ai_token_type: 'output' }), 5);
  assert.equal(delta('aimeter_tokens_total'), 10);
  assert.ok(Math.abs(delta('aimeter_cost_usd_total') - cost(5, 5)) < 1e-15);
});

/** What the caller observes: the result (headers aside: their `date` changes), the stream's parts, or the error. */
async function observed(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return JSON.parse(JSON.stringify(await run(), (key, value: unknown) => (key === 'headers' ? undefined : value)));
  } catch (error) {
    const e = error as { name: string; message: string; statusCode?: number };
    return { error: [e.name, e.message, e.statusCode] };
  }
}

test('differential: with and without aimeter the caller gets the same results, stream parts and errors', async () => {
  const scenarios = (server: FakeOpenAI): Record<string, () => Promise<unknown>> => {
    const openai = provider(server);
    return {
      generate: () => ai.generateText({ model: openai('gpt-4o-mini'), prompt: 'hi', maxRetries: 0 }),
      tools: () => ai.generateText({ model: openai('gpt-4o-mini'), prompt: 'Weather?', tools: { weather: weather() }, stopWhen: ai.stepCountIs(3), maxRetries: 0 }),
      stream: async () => {
        const parts: unknown[] = [];
        for await (const part of ai.streamText({ model: openai('gpt-4o-mini'), prompt: 'hi there', maxRetries: 0 }).fullStream) parts.push(part);
        return parts;
      },
      embed: () => ai.embed({ model: openai.embedding('text-embedding-3-small'), value: 'a b', maxRetries: 0 }),
      failure: () => ai.generateText({ model: openai('fail-400'), prompt: 'x', maxRetries: 0 }),
    };
  };
  const runAll = async () => {
    // A fresh fake per side: its ids and timestamps count requests.
    const server = await startFakeOpenAI({ keepAliveTimeoutMs: 60_000 });
    try {
      const out: Record<string, unknown> = {};
      for (const [name, run] of Object.entries(scenarios(server))) out[name] = await observed(run);
      return out;
    } finally {
      await server.close();
    }
  };
  instrumentation.disable();
  telemetry.exporter.reset();
  let without: Record<string, unknown>;
  try {
    without = await runAll();
    assert.equal(telemetry.exporter.getFinishedSpans().length, 0, 'disabled: no AI SDK spans');
  } finally {
    instrumentation.enable();
  }
  const withAimeter = await runAll();
  assert.ok(telemetry.exporter.getFinishedSpans().length > 0, 'enabled: the AI SDK traced the calls');
  for (const name of Object.keys(without)) assert.deepEqual(withAimeter[name], without[name], name);
  assert.ok(Array.isArray(without.stream) && without.stream.length > 5);
  assert.deepEqual((without.failure as { error: unknown[] }).error.slice(0, 1), ['AI_APICallError']);
});
