/**
 * AWS Bedrock Runtime (`@aws-sdk/client-bedrock-runtime`, the real SDK over HTTP/2) against a
 * loopback fake speaking Bedrock's wire format (examples/fake-provider/bedrock.ts, the event
 * stream included): exact span attributes and metric values (usage incl. cache reads and writes,
 * dollars), Converse and ConverseStream, InvokeModel for Claude, Nova, Titan, Llama and an
 * embedding model, InvokeModelWithResponseStream, errors (HTTP and mid-stream), content private
 * by default, other commands untouched, and a differential run: the caller gets the same values,
 * events and errors with and without aimeter.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as BedrockSdk from '@aws-sdk/client-bedrock-runtime';
import { startFakeBedrock, type FakeBedrock } from '../../examples/fake-provider/bedrock';
import { BedrockInstrumentation } from '../../instrumentations/bedrock';
import { internalErrorCounts } from '../../src/internal/errors';
import { setRuntimeSettings } from '../../src/config/runtime';
import { assertSameWithAndWithout } from '../helpers/differential';
import { assertAbandonedAfterFirstChunk, assertTimeToFirstChunkWithin, waitForSpans } from '../helpers/provider-spans';
import { setupTelemetry, type TestTelemetry } from '../helpers/telemetry';

const instrumentation = new BedrockInstrumentation();
let telemetry: TestTelemetry;
let fake: FakeBedrock;
let sdk: typeof BedrockSdk;
let shared: InstanceType<typeof sdk.BedrockRuntimeClient>;

const CLAUDE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';

before(async () => {
  telemetry = setupTelemetry({ instrumentations: [instrumentation] });
  // Required after the hooks are in place (as under the preload).
  sdk = require('@aws-sdk/client-bedrock-runtime') as typeof sdk;
  fake = await startFakeBedrock({ inputTokens: 200, outputTokens: 30, cacheReadTokens: 1000, cacheWriteTokens: 100, chunks: 4 });
  shared = client();
});

after(async () => {
  shared.destroy();
  await fake.close();
  await telemetry.shutdown();
});

function client(options: Record<string, unknown> = {}) {
  return new sdk.BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: fake.url,
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDFAKEFAKEFAKE', secretAccessKey: 'fake-secret' },
    ...options,
  });
}

const spans = (count = 1) => waitForSpans(telemetry, count);
const onlySpan = async () => (await spans(1))[0]!;
const port = () => Number(new URL(fake.url).port);
const sorted = (o: object) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
const converseInput = (modelId = CLAUDE) => ({
  modelId,
  messages: [{ role: 'user' as const, content: [{ text: 'Say hello' }] }],
  inferenceConfig: { maxTokens: 400, temperature: 0.2, topP: 0.9 },
});

test('Converse: one chat span with the semconv attributes; input includes cache reads and writes', async () => {
  telemetry.exporter.reset();
  // A fresh client: its server is resolved on this first call.
  const fresh = client();
  const response = await fresh.send(new sdk.ConverseCommand(converseInput()));
  fresh.destroy();
  assert.equal(response.output?.message?.content?.[0]?.text, 'Hello from the fake Bedrock server.');
  const span = await onlySpan();
  assert.equal(span.name, `chat ${CLAUDE}`);
  assert.equal(span.instrumentationScope.name, 'aimeter/instrumentation-bedrock');
  assert.equal(span.kind, 2); // CLIENT
  assert.deepEqual(
    sorted(span.attributes),
    sorted({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.request.model': CLAUDE,
      'gen_ai.request.stream': false,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.max_tokens': 400,
      'server.address': '127.0.0.1',
      'server.port': port(),
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': 1300,
      'gen_ai.usage.output_tokens': 30,
      'gen_ai.usage.cache_read.input_tokens': 1000,
      'gen_ai.usage.cache_creation.input_tokens': 100,
    }),
  );
});

test('metrics: tokens and dollars exactly (Claude on Bedrock at Anthropic\'s rates, cache reads and writes at theirs)', async () => {
  const tokens = (e: ReturnType<TestTelemetry['scrape']>, type: string) =>
    e.samples.find((s) => s.name === 'aimeter_tokens_total' && s.labels.gen_ai_token_type === type && s.labels.gen_ai_request_model === CLAUDE && s.labels.gen_ai_provider_name === 'aws.bedrock')?.value ?? 0;
  const cost = (e: ReturnType<TestTelemetry['scrape']>) =>
    e.samples.find((s) => s.name === 'aimeter_cost_usd_total' && s.labels.gen_ai_request_model === CLAUDE)?.value ?? 0;
  const before = telemetry.scrape();
  telemetry.exporter.reset();
  await shared.send(new sdk.ConverseCommand(converseInput()));
  await onlySpan();
  const now = telemetry.scrape();
  assert.equal(tokens(now, 'input') - tokens(before, 'input'), 1300);
  assert.equal(tokens(now, 'output') - tokens(before, 'output'), 30);
  assert.equal(tokens(now, 'cache_read') - tokens(before, 'cache_read'), 1000);
  assert.equal(tokens(now, 'cache_creation') - tokens(before, 'cache_creation'), 100);
  // claude-sonnet-4-5: 200 fresh input at $3/M, 1000 cache reads at $0.30/M, 100 writes at $3.75/M, 30 output at $15/M.
  const expected = (200 * 3 + 1000 * 0.3 + 100 * 3.75 + 30 * 15) / 1e6;
  assert.ok(Math.abs(cost(now) - cost(before) - expected) < 1e-12, `cost ${cost(now) - cost(before)} = ${expected}`);
});

test('prices: Bedrock\'s own Nova models by id, through an inference profile or an ARN; cached reads at the cached rate', async () => {
  const cost = (e: ReturnType<TestTelemetry['scrape']>, model: string) =>
    e.samples.find((s) => s.name === 'aimeter_cost_usd_total' && s.labels.gen_ai_request_model === model)?.value ?? 0;
  for (const model of ['us.amazon.nova-lite-v1:0', 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0']) {
    const before = telemetry.scrape();
    telemetry.exporter.reset();
    await shared.send(new sdk.ConverseCommand(converseInput(model)));
    await onlySpan();
    // nova-lite: 200 fresh input + 100 cache writes at $0.06/M (no write surcharge), 1000 reads at $0.015/M, 30 output at $0.24/M.
    const expected = (300 * 0.06 + 1000 * 0.015 + 30 * 0.24) / 1e6;
    const got = cost(telemetry.scrape(), model) - cost(before, model);
    assert.ok(Math.abs(got - expected) < 1e-12, `${model}: cost ${got} = ${expected}`);
  }
});

test('ConverseStream: the SDK\'s own output and events, time to first chunk, one chunk per delta, the metadata usage', async () => {
  telemetry.exporter.reset();
  const response = await shared.send(new sdk.ConverseStreamCommand(converseInput()));
  let text = '';
  const kinds: string[] = [];
  for await (const event of response.stream!) {
    kinds.push(Object.keys(event)[0]!);
    text += event.contentBlockDelta?.delta?.text ?? '';
  }
  assert.equal(text, 'Hello from the fake Bedrock server.');
  assert.deepEqual(kinds, ['messageStart', 'contentBlockDelta', 'contentBlockDelta', 'contentBlockDelta', 'contentBlockDelta', 'contentBlockStop', 'messageStop', 'metadata']);
  const span = await onlySpan();
  const a = span.attributes;
  assert.equal(span.name, `chat ${CLAUDE}`);
  assert.equal(a['gen_ai.request.stream'], true);
  assert.equal(a['aimeter.response.chunks'], 4);
  assertTimeToFirstChunkWithin(span);
  assert.deepEqual(
    [a['gen_ai.usage.input_tokens'], a['gen_ai.usage.output_tokens'], a['gen_ai.usage.cache_read.input_tokens'], a['gen_ai.usage.cache_creation.input_tokens'], a['gen_ai.response.finish_reasons']],
    [1300, 30, 1000, 100, ['end_turn']],
  );
});

test('a ConverseStream the caller abandons ends its span, marked abandoned, without usage', async () => {
  telemetry.exporter.reset();
  const response = await shared.send(new sdk.ConverseStreamCommand(converseInput()));
  for await (const event of response.stream!) if (event.contentBlockDelta) break;
  assertAbandonedAfterFirstChunk(await onlySpan());
});

const invoke = (modelId: string, body: unknown) => shared.send(new sdk.InvokeModelCommand({ modelId, body: JSON.stringify(body), contentType: 'application/json' }));

test('InvokeModel: each model family\'s body read exactly (operation, request parameters, usage, finish reasons)', async () => {
  const cases: Array<[string, unknown, Record<string, unknown>]> = [
    [
      CLAUDE,
      { anthropic_version: 'bedrock-2023-05-31', max_tokens: 300, temperature: 0.5, messages: [{ role: 'user', content: 'hi' }] },
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.max_tokens': 300,
        'gen_ai.request.temperature': 0.5,
        'gen_ai.response.id': 'msg_bdrk_fake1',
        'gen_ai.response.model': 'claude-sonnet-4-5-20250929',
        'gen_ai.response.finish_reasons': ['end_turn'],
        'gen_ai.usage.input_tokens': 1300,
        'gen_ai.usage.output_tokens': 30,
        'gen_ai.usage.cache_read.input_tokens': 1000,
        'gen_ai.usage.cache_creation.input_tokens': 100,
      },
    ],
    [
      'us.amazon.nova-lite-v1:0',
      { messages: [{ role: 'user', content: [{ text: 'hi' }] }], inferenceConfig: { maxTokens: 200, topP: 0.8 } },
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.max_tokens': 200,
        'gen_ai.request.top_p': 0.8,
        'gen_ai.response.finish_reasons': ['end_turn'],
        'gen_ai.usage.input_tokens': 1300,
        'gen_ai.usage.output_tokens': 30,
        'gen_ai.usage.cache_read.input_tokens': 1000,
        'gen_ai.usage.cache_creation.input_tokens': 100,
      },
    ],
    [
      'amazon.titan-text-express-v1',
      { inputText: 'hi', textGenerationConfig: { maxTokenCount: 100, temperature: 0.1 } },
      {
        'gen_ai.operation.name': 'text_completion',
        'gen_ai.request.max_tokens': 100,
        'gen_ai.request.temperature': 0.1,
        'gen_ai.response.finish_reasons': ['FINISH'],
        'gen_ai.usage.input_tokens': 200,
        'gen_ai.usage.output_tokens': 30,
      },
    ],
    [
      'meta.llama3-3-70b-instruct-v1:0',
      { prompt: 'hi', max_gen_len: 64, temperature: 0.3, top_p: 0.95 },
      {
        'gen_ai.operation.name': 'text_completion',
        'gen_ai.request.max_tokens': 64,
        'gen_ai.request.temperature': 0.3,
        'gen_ai.request.top_p': 0.95,
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': 200,
        'gen_ai.usage.output_tokens': 30,
      },
    ],
    ['amazon.titan-embed-text-v2:0', { inputText: 'embed me' }, { 'gen_ai.operation.name': 'embeddings', 'gen_ai.usage.input_tokens': 200 }],
  ];
  for (const [modelId, body, expected] of cases) {
    telemetry.exporter.reset();
    const response = await invoke(modelId, body);
    assert.equal(JSON.parse(new TextDecoder().decode(response.body)) !== null, true);
    const span = await onlySpan();
    assert.equal(span.name, `${expected['gen_ai.operation.name'] as string} ${modelId}`);
    assert.deepEqual(
      sorted(span.attributes),
      sorted({
        'gen_ai.provider.name': 'aws.bedrock',
        'gen_ai.request.model': modelId,
        'gen_ai.request.stream': false,
        'server.address': '127.0.0.1',
        'server.port': port(),
        ...expected,
      }),
      modelId,
    );
  }
});

test('InvokeModelWithResponseStream: Claude\'s, Nova\'s, Titan\'s and Llama\'s streamed bodies, chunks and Bedrock\'s invocation metrics', async () => {
  for (const [modelId, body, id, reason] of [
    [CLAUDE, { anthropic_version: 'bedrock-2023-05-31', max_tokens: 300, messages: [{ role: 'user', content: 'hi' }] }, 'msg_bdrk_stream', 'end_turn'],
    ['us.amazon.nova-pro-v1:0', { messages: [{ role: 'user', content: [{ text: 'hi' }] }] }, undefined, 'end_turn'],
    ['amazon.titan-text-express-v1', { inputText: 'hi' }, undefined, 'FINISH'],
    ['meta.llama3-3-70b-instruct-v1:0', { prompt: 'hi' }, undefined, 'stop'],
  ] as const) {
    telemetry.exporter.reset();
    const response = await shared.send(new sdk.InvokeModelWithResponseStreamCommand({ modelId, body: JSON.stringify(body) }));
    let text = '';
    for await (const event of response.body!) {
      const json = JSON.parse(new TextDecoder().decode(event.chunk!.bytes)) as {
        delta?: { text?: string };
        generation?: string;
        outputText?: string;
        contentBlockDelta?: { delta?: { text?: string } };
      };
      text += json.delta?.text ?? json.generation ?? json.outputText ?? json.contentBlockDelta?.delta?.text ?? '';
    }
    assert.equal(text, 'Hello from the fake Bedrock server.');
    const a = (await onlySpan()).attributes;
    assert.deepEqual(
      [a['gen_ai.request.stream'], a['aimeter.response.chunks'], a['gen_ai.response.id'], a['gen_ai.usage.input_tokens'], a['gen_ai.usage.output_tokens'], a['gen_ai.usage.cache_read.input_tokens']],
      [true, 4, id, 1300, 30, 1000],
      modelId,
    );
    assert.ok((a['gen_ai.response.time_to_first_chunk'] as number) > 0);
    assert.deepEqual(a['gen_ai.response.finish_reasons'], [reason], modelId);
  }
});

/** The settled outcome of a call: its value or its error. */
async function settled(run: () => Promise<unknown>): Promise<{ value?: unknown; error?: unknown }> {
  try {
    return { value: await run() };
  } catch (error) {
    return { error };
  }
}

const drain = async (stream: AsyncIterable<unknown> | undefined) => {
  const events: unknown[] = [];
  for await (const e of stream ?? []) events.push(e);
  return events;
};

test('errors: the caller gets the SDK\'s error; ThrottlingException is rate_limit, ValidationException 400, a mid-stream exception fails the span', async () => {
  for (const [failure, expected, stream] of [
    [{ status: 429, type: 'ThrottlingException' }, 'rate_limit', false],
    [{ status: 400, type: 'ValidationException' }, '400', false],
    [{ status: 503, type: 'ServiceUnavailableException' }, '503', true],
    [{ status: 429, type: 'ThrottlingException', midStream: true }, 'rate_limit', true],
    [{ status: 400, type: 'ValidationException', midStream: true }, 'ValidationException', true],
  ] as const) {
    telemetry.exporter.reset();
    fake.failNext(failure);
    const { error } = await settled(async () =>
      stream ? drain((await shared.send(new sdk.ConverseStreamCommand(converseInput()))).stream) : shared.send(new sdk.ConverseCommand(converseInput())),
    );
    assert.ok(error instanceof Error, `${failure.type}: the call failed`);
    assert.equal(error.name, failure.type);
    const span = await onlySpan();
    assert.equal(span.attributes['error.type'], expected, failure.type);
    assert.equal(span.status.code, 2);
    assert.equal(span.status.message, failure.type, 'the class name, not the message, with capture off');
  }
});

test('content stays out of spans by default; with capture on, input and output are recorded', async () => {
  const secretInput = { ...converseInput(), messages: [{ role: 'user' as const, content: [{ text: 'my secret prompt' }] }], system: [{ text: 'secret system' }] };
  telemetry.exporter.reset();
  await shared.send(new sdk.ConverseCommand(secretInput));
  await drain((await shared.send(new sdk.ConverseStreamCommand(secretInput))).stream);
  await invoke(CLAUDE, { anthropic_version: 'bedrock-2023-05-31', max_tokens: 10, messages: [{ role: 'user', content: 'my secret prompt' }] });
  for (const quiet of await spans(3)) {
    assert.equal(JSON.stringify(quiet.attributes).includes('secret'), false);
    assert.equal(JSON.stringify(quiet.attributes).includes('Hello'), false);
  }
  setRuntimeSettings({ captureMessageContent: true });
  try {
    telemetry.exporter.reset();
    await shared.send(new sdk.ConverseCommand(secretInput));
    await drain((await shared.send(new sdk.ConverseStreamCommand(secretInput))).stream);
    await invoke('meta.llama3-3-70b-instruct-v1:0', { prompt: 'my secret prompt' });
    const [converse, stream, llama] = await spans(3);
    const input = [{ role: 'user', parts: [{ type: 'text', content: 'my secret prompt' }] }];
    const output = [{ role: 'assistant', parts: [{ type: 'text', content: 'Hello from the fake Bedrock server.' }] }];
    assert.deepEqual(JSON.parse(converse!.attributes['gen_ai.input.messages'] as string), input);
    assert.deepEqual(JSON.parse(converse!.attributes['gen_ai.system_instructions'] as string), [{ type: 'text', content: 'secret system' }]);
    assert.deepEqual(JSON.parse(converse!.attributes['gen_ai.output.messages'] as string), [{ ...output[0], finish_reason: 'end_turn' }]);
    assert.deepEqual(JSON.parse(stream!.attributes['gen_ai.output.messages'] as string), output);
    assert.deepEqual(JSON.parse(llama!.attributes['gen_ai.input.messages'] as string), input);
    assert.deepEqual(JSON.parse(llama!.attributes['gen_ai.output.messages'] as string), output);
  } finally {
    setRuntimeSettings({ captureMessageContent: false });
  }
});

test('other commands and the aggregated client: CountTokens is not traced; BedrockRuntime.converse() is, once', async () => {
  telemetry.exporter.reset();
  // The fake has no count-tokens route: the SDK's own 404 error passes through, and no span is made.
  const { error } = await settled(() => shared.send(new sdk.CountTokensCommand({ modelId: CLAUDE, input: { converse: { messages: [] } } })));
  assert.equal((error as Error).name, 'ResourceNotFoundException');
  const aggregated = new sdk.BedrockRuntime({ region: 'us-east-1', endpoint: fake.url, maxAttempts: 1, credentials: { accessKeyId: 'A', secretAccessKey: 'B' } });
  await aggregated.converse(converseInput());
  aggregated.destroy();
  const [span] = await spans(1);
  assert.equal(span!.name, `chat ${CLAUDE}`);
});

test('the server of a client without a custom endpoint is the regional Bedrock Runtime host', async () => {
  // No request is made: the call fails at the SDK's credential step, before any connection.
  telemetry.exporter.reset();
  const regional = new sdk.BedrockRuntimeClient({
    region: 'eu-west-3',
    maxAttempts: 1,
    credentials: () => Promise.reject(Object.assign(new Error('no credentials in this test'), { name: 'CredentialsProviderError' })),
  });
  const { error } = await settled(() => regional.send(new sdk.ConverseCommand(converseInput())));
  assert.equal((error as Error).name, 'CredentialsProviderError');
  const span = await onlySpan();
  assert.deepEqual([span.attributes['server.address'], span.attributes['server.port'], span.attributes['error.type']], ['bedrock-runtime.eu-west-3.amazonaws.com', 443, 'CredentialsProviderError']);
});

/** What the caller observes of a run, comparable across runs: values (no request ids), events, or the error's class, name, status and message. */
async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  const { value, error } = await settled(run);
  if (error !== undefined) {
    const e = error as { constructor: { name: string }; name: string; $metadata?: { httpStatusCode?: number }; message: string };
    return { error: [e.constructor.name, e.name, e.$metadata?.httpStatusCode, e.message] };
  }
  return {
    value: JSON.parse(
      JSON.stringify(value, (k, v: unknown) => (k === '$metadata' ? undefined : v instanceof Uint8Array ? new TextDecoder().decode(v) : v)),
    ),
  };
}

test('differential: with and without aimeter the caller gets the same values, events and errors', async () => {
  const runs: Record<string, () => Promise<unknown>> = {
    converse: () => shared.send(new sdk.ConverseCommand(converseInput())),
    stream: async () => {
      const response = await shared.send(new sdk.ConverseStreamCommand(converseInput()));
      return { keys: Object.keys(response), events: await drain(response.stream) };
    },
    invoke: async () => (await invoke(CLAUDE, { anthropic_version: 'bedrock-2023-05-31', max_tokens: 10, messages: [] })).body,
    invokeStream: async () => drain((await shared.send(new sdk.InvokeModelWithResponseStreamCommand({ modelId: CLAUDE, body: '{"messages":[]}' }))).body),
    throttled: () => {
      fake.failNext({ status: 429, type: 'ThrottlingException' });
      return shared.send(new sdk.ConverseCommand(converseInput()));
    },
    midStream: async () => {
      fake.failNext({ status: 429, type: 'ThrottlingException', midStream: true });
      return drain((await shared.send(new sdk.ConverseStreamCommand(converseInput()))).stream);
    },
  };
  const sendWas = Object.prototype.hasOwnProperty.call(sdk.BedrockRuntimeClient.prototype, 'send');
  assert.equal(sendWas, true, 'patched: an own send on the Bedrock client prototype');
  await assertSameWithAndWithout({
    instrumentation,
    telemetry,
    runs,
    observe: outcome,
    whileDisabled: () => assert.equal(Object.prototype.hasOwnProperty.call(sdk.BedrockRuntimeClient.prototype, 'send'), false, 'unpatched: send inherited again'),
  });
  assert.deepEqual(Object.fromEntries([...internalErrorCounts()].filter(([k]) => k === 'instrumentation-bedrock' || k === 'stream-observer')), {});
});
