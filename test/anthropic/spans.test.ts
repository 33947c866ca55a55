/**
 * Span-level behaviour: aimeter's own span attributes (0.x and 1.x with SDK tracing off), the
 * SDK's native span plus aimeter's chunk count (tracing on), content capture on/off, timing
 * plausibility, streams that are abandoned or never read, and the scope normaliser.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { deltaCount, SCENARIOS, startFakeAnthropic, type FakeAnthropic } from '../../examples/fake-provider/anthropic';
import { setRuntimeSettings } from '../../src/config/runtime';
import { internalErrorCounts } from '../../src/internal/errors';
import { GenAiSpan } from '../../src/tracing/genai-span';
import { readGenAiSpan } from '../../src/processor/read-span';
import { normaliserFor } from '../../src/processor/scope-normalisers';
import { ask, HAIKU, makeClient, setupHarness, SONNET, type Harness, type Mode } from './harness';

let h: Harness;
let fake: FakeAnthropic;

before(async () => {
  h = setupHarness();
  fake = await startFakeAnthropic({ chunkDelayMs: 8 });
});

after(async () => {
  setRuntimeSettings({ captureMessageContent: false });
  await fake.close();
  await h.telemetry.shutdown();
});

async function onlySpan(): Promise<ReadableSpan> {
  const until = Date.now() + 2000;
  while (h.telemetry.exporter.getFinishedSpans().length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 10));
  const spans = h.telemetry.exporter.getFinishedSpans();
  assert.equal(spans.length, 1, `exactly one span, got ${spans.map((s) => s.name).join(', ')}`);
  return spans[0]!;
}

function client(mode: Mode, extra: Record<string, unknown> = {}) {
  return makeClient(mode.startsWith('v0') ? h.v0 : h.v1, mode, fake.url, extra);
}

const CONTENT_KEYS = ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.system_instructions', 'gen_ai.tool.definitions'];
const TOOLS = [{ name: 'get_weather', description: 'Current weather', input_schema: { type: 'object', properties: { location: { type: 'string' } } } }];

for (const mode of ['v0-own', 'v1-own'] as const) {
  describe(`${mode}: aimeter's span`, () => {
    test('plain call with prompt cache: semconv attributes, input includes cache read + write', async () => {
      h.telemetry.exporter.reset();
      const message = await client(mode).messages.create(ask('cached', SONNET, { temperature: 0.2 }));
      assert.equal(message.usage.cache_read_input_tokens, 3000);
      const span = await onlySpan();
      assert.equal(span.name, `chat ${SONNET}`);
      assert.equal(span.kind, SpanKind.CLIENT);
      const a = span.attributes;
      assert.equal(a['gen_ai.operation.name'], 'chat');
      assert.equal(a['gen_ai.provider.name'], 'anthropic');
      assert.equal(a['gen_ai.request.model'], SONNET);
      assert.equal(a['gen_ai.request.max_tokens'], 1024);
      assert.equal(a['gen_ai.request.temperature'], 0.2);
      assert.equal(a['gen_ai.request.stream'], false);
      assert.equal(a['server.address'], '127.0.0.1');
      assert.equal(a['server.port'], fake.port);
      assert.equal(a['gen_ai.response.model'], SONNET);
      assert.equal(a['gen_ai.response.id'], message.id);
      assert.deepEqual(a['gen_ai.response.finish_reasons'], ['end_turn']);
      assert.equal(a['gen_ai.usage.input_tokens'], 40 + 3000 + 1200);
      assert.equal(a['gen_ai.usage.cache_read.input_tokens'], 3000);
      assert.equal(a['gen_ai.usage.cache_creation.input_tokens'], 1200);
      assert.equal(a['gen_ai.usage.output_tokens'], 20);
      assert.equal(a['gen_ai.response.time_to_first_chunk'], undefined, 'no TTFT on a non-streamed call');
      for (const key of CONTENT_KEYS) assert.equal(a[key], undefined, `${key} only with content capture`);
    });

    test('stream: TTFT > 0 and < duration, one chunk per content delta, thinking as reasoning', async () => {
      h.telemetry.exporter.reset();
      const stream = await client(mode).messages.create(ask('thinking', SONNET, { stream: true }));
      for await (const _ of stream) void _;
      const span = await onlySpan();
      const a = span.attributes;
      const duration = span.duration[0] + span.duration[1] / 1e9;
      const ttfc = a['gen_ai.response.time_to_first_chunk'] as number;
      // The fake server waits 8 ms before each event after message_start: the first delta comes
      // after content_block_start and ping, so at least ~16 ms in.
      assert.ok(ttfc >= 0.014, `ttfc ${ttfc}`);
      assert.ok(ttfc < duration, `ttfc ${ttfc} < duration ${duration}`);
      assert.equal(a['aimeter.response.chunks'], deltaCount(SCENARIOS.thinking));
      assert.equal(a['gen_ai.request.stream'], true);
      assert.equal(a['gen_ai.usage.input_tokens'], 50);
      assert.equal(a['gen_ai.usage.output_tokens'], 300);
      assert.equal(a['gen_ai.usage.reasoning.output_tokens'], 220);
      assert.equal(span.status.code, SpanStatusCode.UNSET);
    });

    test('abandoned stream (break) ends the span: input known, output not final', async () => {
      h.telemetry.exporter.reset();
      const stream = await client(mode).messages.create(ask('text', SONNET, { stream: true }));
      let n = 0;
      for await (const _ of stream) if (++n === 3) break;
      const span = await onlySpan();
      assert.equal(span.attributes['gen_ai.usage.input_tokens'], 25);
      assert.equal(span.attributes['gen_ai.usage.output_tokens'], undefined);
      assert.equal(span.attributes['aimeter.response.chunks'], 1);
      assert.equal(span.attributes['error.type'], undefined);
    });

    test('a stream aborted before it is read ends the span', async () => {
      h.telemetry.exporter.reset();
      const stream = await client(mode).messages.create(ask('text', SONNET, { stream: true }));
      stream.controller.abort();
      const span = await onlySpan();
      assert.equal(span.attributes['error.type'], undefined);
    });

    test('asResponse() without parsing ends the span', async () => {
      h.telemetry.exporter.reset();
      const response = await client(mode).messages.create(ask('text')).asResponse();
      assert.equal(response.status, 200);
      const span = await onlySpan();
      assert.equal(span.attributes['gen_ai.usage.input_tokens'], undefined);
      await response.text();
    });

    for (const [scenario, expected, extra] of [
      ['rate_limit', 'rate_limit', {}],
      ['overloaded', '529', {}],
      ['server_error', '500', {}],
      ['slow', 'timeout', { timeout: 60 }],
    ] as const) {
      test(`error ${scenario} -> error.type ${expected}, and the caller's error is the SDK's`, async () => {
        h.telemetry.exporter.reset();
        const sdk = mode.startsWith('v0') ? h.v0 : h.v1;
        await assert.rejects(client(mode).messages.create(ask(scenario), extra), (error: unknown) => error instanceof sdk.APIError);
        const span = await onlySpan();
        assert.equal(span.attributes['error.type'], expected);
        assert.equal(span.status.code, SpanStatusCode.ERROR);
      });
    }

    test('abort before the response -> error.type cancelled', async () => {
      h.telemetry.exporter.reset();
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);
      await assert.rejects(client(mode).messages.create(ask('slow'), { signal: controller.signal }), /aborted/);
      assert.equal((await onlySpan()).attributes['error.type'], 'cancelled');
    });

    test('content capture on: semconv JSON for instructions, input, tools and output (tool call)', async () => {
      setRuntimeSettings({ captureMessageContent: true });
      try {
        h.telemetry.exporter.reset();
        await client(mode).messages.create(ask('tool_use', HAIKU, { system: 'You are terse.', tools: TOOLS }));
        const a = (await onlySpan()).attributes;
        assert.deepEqual(JSON.parse(a['gen_ai.system_instructions'] as string), [{ type: 'text', content: 'You are terse.' }]);
        assert.deepEqual(JSON.parse(a['gen_ai.input.messages'] as string), [
          { role: 'user', parts: [{ type: 'text', content: '[scenario:tool_use] hello' }] },
        ]);
        assert.deepEqual(JSON.parse(a['gen_ai.tool.definitions'] as string), [
          { type: 'function', name: 'get_weather', description: 'Current weather', parameters: TOOLS[0]!.input_schema },
        ]);
        assert.deepEqual(JSON.parse(a['gen_ai.output.messages'] as string), [
          {
            role: 'assistant',
            parts: [
              { type: 'text', content: 'Let me check the weather.' },
              { type: 'tool_call', id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', arguments: { location: 'Paris', unit: 'celsius' } },
            ],
            finish_reason: 'tool_call',
          },
        ]);
      } finally {
        setRuntimeSettings({ captureMessageContent: false });
      }
    });

    test('content capture on, messages.stream helper: output rebuilt from the deltas (reasoning + text)', async () => {
      setRuntimeSettings({ captureMessageContent: true });
      try {
        h.telemetry.exporter.reset();
        const final = await client(mode).messages.stream(ask('thinking')).finalMessage();
        const a = (await onlySpan()).attributes;
        assert.deepEqual(JSON.parse(a['gen_ai.output.messages'] as string), [
          {
            role: 'assistant',
            parts: [
              { type: 'reasoning', content: final.content[0].thinking },
              { type: 'text', content: final.content[1].text },
            ],
            finish_reason: 'stop',
          },
        ]);
      } finally {
        setRuntimeSettings({ captureMessageContent: false });
      }
    });
  });
}

for (const mode of ['v0-native', 'v1-native'] as const) {
  describe(`${mode}: the SDK's own span, no second span`, () => {
    test('streamed call: one span (the SDK\'s), with aimeter\'s chunk count; TTFT plausible', async () => {
      h.telemetry.exporter.reset();
      const stream = await client(mode).messages.create(ask('tool_use', HAIKU, { stream: true }));
      for await (const _ of stream) void _;
      const span = await onlySpan();
      assert.equal(span.name, 'anthropic.messages.create');
      assert.equal(span.instrumentationScope.name, 'com.anthropic.sdk.typescript');
      const a = span.attributes;
      assert.equal(a['aimeter.response.chunks'], deltaCount(SCENARIOS.tool_use));
      const ttfc = a['gen_ai.response.time_to_first_chunk'] as number;
      assert.ok(ttfc > 0 && ttfc < span.duration[0] + span.duration[1] / 1e9, `ttfc ${ttfc}`);
      assert.equal(a['gen_ai.usage.input_tokens'], 380);
    });

    test('messages.stream helper with finalMessage(): exactly one span', async () => {
      h.telemetry.exporter.reset();
      const final = await client(mode).messages.stream(ask('cached')).finalMessage();
      assert.equal(final.usage.cache_creation_input_tokens, 1200);
      const span = await onlySpan();
      assert.equal(span.attributes['gen_ai.usage.input_tokens'], 4240, 'the SDK counts cache inside input tokens');
      assert.equal(span.attributes['gen_ai.usage.cache_write.input_tokens'], 1200, 'the SDK\'s (non-semconv) name');
      const call = readGenAiSpan(span)!;
      assert.equal(call.usage.cacheCreationTokens, 1200, 'normalised to cache_creation');
    });

    test('SDK content mode: nothing by default even with aimeter capture on; the SDK\'s own switch adds it', async () => {
      setRuntimeSettings({ captureMessageContent: true });
      try {
        h.telemetry.exporter.reset();
        await client(mode).messages.create(ask('text', SONNET, { system: 'Be brief.' }));
        const plain = await onlySpan();
        for (const key of CONTENT_KEYS) assert.equal(plain.attributes[key], undefined, `${key} follows the SDK's content mode`);
        h.telemetry.exporter.reset();
        await client(mode, { openTelemetry: { traces: { contentMode: 'content' } } }).messages.create(ask('text', SONNET, { system: 'Be brief.' }));
        const withContent = await onlySpan();
        assert.equal(typeof withContent.attributes['gen_ai.input.messages'], 'string');
        assert.equal(typeof withContent.attributes['gen_ai.output.messages'], 'string');
      } finally {
        setRuntimeSettings({ captureMessageContent: false });
      }
    });
  });
}

test('ANTHROPIC_OPEN_TELEMETRY=false (read by the SDK when a client is made): aimeter makes the span', async () => {
  process.env.ANTHROPIC_OPEN_TELEMETRY = 'false';
  try {
    for (const sdk of [h.v0, h.v1]) {
      const c = new sdk.Anthropic({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
      h.telemetry.exporter.reset();
      await c.messages.create(ask('text'));
      const span = await onlySpan();
      assert.equal(span.instrumentationScope.name, 'aimeter/instrumentation-anthropic');
      assert.equal(span.attributes['gen_ai.usage.input_tokens'], 25);
    }
  } finally {
    delete process.env.ANTHROPIC_OPEN_TELEMETRY;
  }
});

test('a failure inside aimeter never reaches the caller: the call runs untraced, the error is counted', async () => {
  const start = GenAiSpan.start;
  (GenAiSpan as { start: unknown }).start = () => {
    throw new Error('boom inside telemetry');
  };
  try {
    const before = internalErrorCounts().get('instrumentation-anthropic') ?? 0;
    h.telemetry.exporter.reset();
    const message = await client('v1-own').messages.create(ask('text'));
    assert.equal(message.content[0].text, 'Hello! How can I help you today?');
    const stream = await client('v0-own').messages.create(ask('text', SONNET, { stream: true }));
    let events = 0;
    for await (const _ of stream) events++;
    assert.ok(events > 5);
    assert.equal(h.telemetry.exporter.getFinishedSpans().length, 0);
    assert.equal(internalErrorCounts().get('instrumentation-anthropic'), before + 2);
  } finally {
    (GenAiSpan as { start: unknown }).start = start;
  }
});

describe('scope normaliser for com.anthropic.sdk.typescript', () => {
  const n = normaliserFor('com.anthropic.sdk.typescript')!;
  test('applies to the SDK scope and its platform variants only', () => {
    assert.ok(n);
    assert.equal(normaliserFor('com.anthropic.sdk.typescript.bedrock'), n);
    assert.equal(normaliserFor('aimeter/instrumentation-anthropic'), undefined);
    assert.equal(normaliserFor(undefined), undefined);
  });
  test('cache_write -> cache_creation; input tokens left as they are (already include cache)', () => {
    const out = n({ 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 4240, 'gen_ai.usage.cache_write.input_tokens': 1200, 'http.response.status_code': 200 })!;
    assert.equal(out['gen_ai.usage.cache_creation.input_tokens'], 1200);
    assert.equal(out['gen_ai.usage.input_tokens'], 4240);
  });
  test('error types as aimeter names them', () => {
    const err = (type: string, status?: number) =>
      n({ 'gen_ai.operation.name': 'chat', 'error.type': type, ...(status ? { 'http.response.status_code': status } : {}) })!['error.type'];
    assert.equal(err('rate_limit_error', 429), 'rate_limit');
    assert.equal(err('overloaded_error', 529), '529');
    assert.equal(err('api_error', 500), '500');
    assert.equal(err('overloaded_error', 200), '529', 'error event in a 200 stream');
    assert.equal(err('client_timeout_error'), 'timeout');
    assert.equal(err('connection_error'), 'connection_error');
    assert.equal(n({ 'gen_ai.operation.name': 'chat' })!['error.type'], 'cancelled', 'no response, no error: aborted');
    assert.equal(n({ 'gen_ai.operation.name': 'chat', 'http.response.status_code': 200 })!['error.type'], undefined);
  });
  test('spans of other API calls (no gen_ai.operation.name) are not model calls', () => {
    assert.equal(n({ 'gen_ai.provider.name': 'anthropic', 'anthropic.message.count_tokens.input_tokens': 12 }), null);
  });
  test('the span\'s own attributes are never mutated', () => {
    const attributes = { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.cache_write.input_tokens': 5, 'http.response.status_code': 200 };
    n(attributes);
    assert.deepEqual(attributes, { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.cache_write.input_tokens': 5, 'http.response.status_code': 200 });
  });
});
