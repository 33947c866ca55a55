/**
 * Google Gen AI SDK (`@google/genai`) against a loopback fake of the Gemini API: exact span
 * attributes and metric values (usage incl. cached and thinking tokens, dollars), streaming
 * (time to first chunk, chunks, the last chunk's usage), embeddings, errors, content private by
 * default, and a differential run: the caller gets the same values, chunks and errors with and
 * without aimeter.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeGemini, type FakeGemini } from '../../examples/fake-provider/gemini';
import { GoogleGenAiInstrumentation } from '../../instrumentations/google-genai';
import { internalErrorCounts } from '../../src/internal/errors';
import { setRuntimeSettings } from '../../src/config/runtime';
import { assertSameWithAndWithout } from '../helpers/differential';
import { assertAbandonedAfterFirstChunk, assertTimeToFirstChunkWithin, waitForSpans } from '../helpers/provider-spans';
import { setupTelemetry, type TestTelemetry } from '../helpers/telemetry';

const instrumentation = new GoogleGenAiInstrumentation();
let telemetry: TestTelemetry;
let fake: FakeGemini;
/** The SDK, required once the hooks are in place (its types are ESM-only, so typed loosely here). */
let genai: { GoogleGenAI: new (options: unknown) => any };

before(async () => {
  telemetry = setupTelemetry({ instrumentations: [instrumentation] });
  // Required after the hooks are in place (as under the preload).
  genai = require('@google/genai');
  fake = await startFakeGemini({ promptTokens: 1200, candidatesTokens: 300, cachedTokens: 1000, thoughtsTokens: 50, chunks: 4 });
});

after(async () => {
  await fake.close();
  await telemetry.shutdown();
});

function client() {
  return new genai.GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: fake.url } });
}

const onlySpan = async () => (await waitForSpans(telemetry, 1))[0]!;

const port = () => Number(new URL(fake.url).port);

test('generateContent: one span with the semconv attributes, exact usage (input includes cached, output includes thinking)', async () => {
  telemetry.exporter.reset();
  const response = await client().models.generateContent({ model: 'gemini-2.5-flash', contents: 'Say hello', config: { temperature: 0.2, maxOutputTokens: 400 } });
  assert.equal(response.text, 'Hello from the fake Gemini server.');
  const span = await onlySpan();
  assert.equal(span.name, 'generate_content gemini-2.5-flash');
  assert.equal(span.instrumentationScope.name, 'aimeter/instrumentation-google-genai');
  assert.deepEqual(
    Object.fromEntries(Object.entries(span.attributes).sort()),
    Object.fromEntries(
      Object.entries({
        'gen_ai.operation.name': 'generate_content',
        'gen_ai.provider.name': 'gcp.gemini',
        'gen_ai.request.model': 'gemini-2.5-flash',
        'gen_ai.request.stream': false,
        'gen_ai.request.temperature': 0.2,
        'gen_ai.request.max_tokens': 400,
        'server.address': '127.0.0.1',
        'server.port': port(),
        'gen_ai.response.id': 'resp-fake-1',
        'gen_ai.response.model': 'gemini-2.5-flash',
        'gen_ai.response.finish_reasons': ['STOP'],
        'gen_ai.usage.input_tokens': 1200,
        'gen_ai.usage.output_tokens': 350,
        'gen_ai.usage.cache_read.input_tokens': 1000,
        'gen_ai.usage.reasoning.output_tokens': 50,
      }).sort(),
    ),
  );
});

test('metrics: tokens and dollars exactly (cached input at the cached rate, thinking at the output rate)', async () => {
  const before = telemetry.scrape();
  const tokens = (e: ReturnType<TestTelemetry['scrape']>, type: string) =>
    e.samples.find((s) => s.name === 'aimeter_tokens_total' && s.labels.gen_ai_token_type === type && s.labels.gen_ai_request_model === 'gemini-2.5-flash')?.value ?? 0;
  const cost = (e: ReturnType<TestTelemetry['scrape']>) =>
    e.samples.find((s) => s.name === 'aimeter_cost_usd_total' && s.labels.gen_ai_request_model === 'gemini-2.5-flash')?.value ?? 0;
  telemetry.exporter.reset();
  await client().models.generateContent({ model: 'gemini-2.5-flash', contents: 'Say hello' });
  await onlySpan();
  const now = telemetry.scrape();
  assert.equal(tokens(now, 'input') - tokens(before, 'input'), 1200);
  assert.equal(tokens(now, 'output') - tokens(before, 'output'), 350);
  assert.equal(tokens(now, 'cache_read') - tokens(before, 'cache_read'), 1000);
  assert.equal(tokens(now, 'reasoning') - tokens(before, 'reasoning'), 50);
  // 200 uncached input at $0.30/M, 1000 cached at $0.03/M, 350 output at $2.50/M.
  const expected = (200 * 0.3 + 1000 * 0.03 + 350 * 2.5) / 1e6;
  assert.ok(Math.abs(cost(now) - cost(before) - expected) < 1e-12, `cost ${cost(now) - cost(before)} = ${expected}`);
});

test('generateContentStream: the same chunks, time to first chunk, one chunk per event with output, the last usage', async () => {
  telemetry.exporter.reset();
  const stream = await client().models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Say hello' });
  let text = '';
  let events = 0;
  for await (const chunk of stream) {
    events++;
    text += chunk.text ?? '';
  }
  assert.equal(events, 4);
  assert.equal(text, 'Hello from the fake Gemini server.');
  const span = await onlySpan();
  const a = span.attributes;
  assert.equal(a['gen_ai.request.stream'], true);
  assert.equal(a['aimeter.response.chunks'], 4);
  assertTimeToFirstChunkWithin(span);
  assert.deepEqual(
    [a['gen_ai.usage.input_tokens'], a['gen_ai.usage.output_tokens'], a['gen_ai.usage.cache_read.input_tokens'], a['gen_ai.response.finish_reasons'], a['gen_ai.response.id']],
    [1200, 350, 1000, ['STOP'], 'resp-fake-stream'],
  );
});

test('a stream the caller abandons ends its span, marked abandoned', async () => {
  telemetry.exporter.reset();
  const stream = await client().models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Say hello' });
  for await (const _ of stream) break;
  assertAbandonedAfterFirstChunk(await onlySpan());
});

test('embedContent: an embeddings span', async () => {
  telemetry.exporter.reset();
  const response = await client().models.embedContent({ model: 'text-embedding-004', contents: ['a', 'b'] });
  assert.equal(response.embeddings?.length, 2);
  const span = await onlySpan();
  assert.equal(span.name, 'embeddings text-embedding-004');
  assert.equal(span.attributes['gen_ai.operation.name'], 'embeddings');
  assert.equal(span.attributes['gen_ai.request.stream'], undefined);
});

test('errors: the caller gets the SDK\'s error; error.type is the HTTP status or rate_limit', async () => {
  for (const [status, expected] of [
    [429, 'rate_limit'],
    [500, '500'],
  ] as const) {
    telemetry.exporter.reset();
    fake.failNext({ status });
    const error = await client()
      .models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.equal((error as { status?: number }).status, status);
    const span = await onlySpan();
    assert.equal(span.attributes['error.type'], expected);
  }
});

test('content stays out of spans by default; with capture on, input and output are recorded', async () => {
  telemetry.exporter.reset();
  await client().models.generateContent({ model: 'gemini-2.5-flash', contents: 'my secret prompt' });
  const quiet = await onlySpan();
  assert.equal(JSON.stringify(quiet.attributes).includes('secret'), false);
  assert.equal(quiet.attributes['gen_ai.input.messages'], undefined);
  assert.equal(quiet.attributes['gen_ai.output.messages'], undefined);
  setRuntimeSettings({ captureMessageContent: true });
  try {
    telemetry.exporter.reset();
    await client().models.generateContent({ model: 'gemini-2.5-flash', contents: 'my secret prompt' });
    const loud = await onlySpan();
    assert.deepEqual(JSON.parse(loud.attributes['gen_ai.input.messages'] as string), [{ role: 'user', parts: [{ type: 'text', content: 'my secret prompt' }] }]);
    assert.deepEqual(JSON.parse(loud.attributes['gen_ai.output.messages'] as string), [
      { role: 'assistant', parts: [{ type: 'text', content: 'Hello from the fake Gemini server.' }], finish_reason: 'STOP' },
    ]);
  } finally {
    setRuntimeSettings({ captureMessageContent: false });
  }
});

/** What the caller observes of a run: values, chunk texts in order, or the error's class, status and message. */
async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { value: JSON.parse(JSON.stringify(await run(), (k, v) => (k === 'sdkHttpResponse' ? undefined : v))) };
  } catch (error) {
    const e = error as { constructor: { name: string }; status?: number; message: string };
    return { error: [e.constructor.name, e.status, e.message] };
  }
}

test('differential: with and without aimeter the caller gets the same values, chunks and errors', async () => {
  const runs: Record<string, () => Promise<unknown>> = {
    generate: () => client().models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' }),
    stream: async () => {
      const chunks: unknown[] = [];
      for await (const c of await client().models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'hi' })) chunks.push(c);
      return chunks;
    },
    embed: () => client().models.embedContent({ model: 'text-embedding-004', contents: 'a' }),
    failure: () => {
      fake.failNext({ status: 400 });
      return client().models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' });
    },
  };
  await assertSameWithAndWithout({ instrumentation, telemetry, runs, observe: outcome });
  assert.deepEqual(Object.fromEntries([...internalErrorCounts()].filter(([k]) => k === 'instrumentation-google-genai' || k === 'stream-observer')), {});
});
