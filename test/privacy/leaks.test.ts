/**
 * Private by default (content capture off): planted markers (a prompt, an API key in a query
 * string) never appear in anything aimeter exports or prints: every finished span (attributes,
 * status, events, resource, links), the /metrics text, and stdout/stderr.
 *
 * aimeter runs as the preload runs it (start(): NodeSDK, the HTTP instrumentation, every provider
 * instrumentation), in this process, with an in-memory exporter beside its own processors; the
 * real `openai` and `@anthropic-ai/sdk` SDKs talk to the loopback fakes, which answer 400s that
 * quote the prompt (as content-policy errors do).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startFakeAnthropic, type FakeAnthropic } from '../../examples/fake-provider/anthropic';
import { startFakeDeepgram } from '../../examples/fake-provider/deepgram';
import { startFakeElevenLabs } from '../../examples/fake-provider/elevenlabs';
import { startFakeOpenAI, type FakeOpenAI } from '../../examples/fake-provider/openai';
import { traceLlm } from '../../src/api';
import { start, type Aimeter } from '../../src/sdk/start';
import { FIXTURE_V0 } from '../anthropic/harness';
import { V4_FIXTURE } from '../openai/harness';

const PROMPT = 'PROMPT-MARKER-q7Zx3';
const KEY = 'KEY-MARKER-sk9Lw2';

const exporter = new InMemorySpanExporter();
const output: string[] = [];
let aimeter: Aimeter;
let openaiFake: FakeOpenAI;
let anthropicFake: FakeAnthropic;
let appServer: http.Server;
let appPort: number;

/** Everything of a span that an exporter sends. */
function exported(span: ReadableSpan): unknown {
  return {
    name: span.name,
    attributes: span.attributes,
    status: span.status,
    events: span.events.map((e) => ({ name: e.name, attributes: e.attributes })),
    links: span.links.map((l) => l.attributes),
    resource: span.resource.attributes,
    scope: span.instrumentationScope,
  };
}

function spansText(): string {
  return JSON.stringify(exporter.getFinishedSpans().map(exported));
}

/** Waits for spans (the SDKs end theirs after the caller's await returns). */
async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 100));
}

async function expectFailure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  assert.fail('the call was expected to fail');
}

function assertNoMarkers(where: string, text: string): void {
  assert.ok(!text.includes(PROMPT), `${where} holds the prompt marker: ${excerpt(text, PROMPT)}`);
  assert.ok(!text.includes(KEY), `${where} holds the key marker: ${excerpt(text, KEY)}`);
}

function excerpt(text: string, marker: string): string {
  const i = text.indexOf(marker);
  return text.slice(Math.max(0, i - 300), i + 100);
}

before(async () => {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      output.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
  const started = start({
    env: { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'prometheus' },
    serveMetrics: false,
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  // The HTTP instrumentation patches node:http when it is next required (as an app's first
  // require after the preload does); this file imported it before start().
  require('http');
  assert.ok(started, 'aimeter started');
  aimeter = started;
  openaiFake = await startFakeOpenAI();
  anthropicFake = await startFakeAnthropic();
  // The application's own server: it answers every request with 200.
  appServer = http.createServer((req, res) => {
    req.resume();
    res.end('ok');
  });
  await new Promise<void>((resolve) => appServer.listen(0, '127.0.0.1', resolve));
  appPort = (appServer.address() as AddressInfo).port;
});

after(async () => {
  await openaiFake.close();
  await anthropicFake.close();
  await new Promise<void>((resolve) => appServer.close(() => resolve()));
  await aimeter.shutdown();
});

function errorSpans(): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((s) => s.attributes['gen_ai.operation.name'] !== undefined && s.status.code === SpanStatusCode.ERROR);
}

test('openai: a 400 quoting the prompt leaves no prompt in spans, metrics or logs', async () => {
  exporter.reset();
  const { OpenAI } = require('openai');
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: openaiFake.url, maxRetries: 0 });
  const messages = [{ role: 'user', content: `please summarise ${PROMPT}` }];
  const plain = await expectFailure(() => client.chat.completions.create({ model: 'fail-400-quote', messages }));
  assert.ok(String((plain as Error).message).includes(PROMPT), 'the fake quotes the prompt (the caller still gets it)');
  await expectFailure(() => client.chat.completions.create({ model: 'fail-400-quote', messages, stream: true }));
  await expectFailure(() => client.responses.create({ model: 'fail-400-quote', input: `tell me about ${PROMPT}` }));
  await settle();
  const failed = errorSpans();
  assert.equal(failed.length, 3, 'three failed GenAI spans');
  for (const span of failed) assert.equal(span.attributes['error.type'], '400');
  assertNoMarkers('spans', spansText());
  assertNoMarkers('/metrics', await aimeter.metricsText());
  assertNoMarkers('stdout/stderr', output.join(''));
});

test('anthropic: a 400 quoting the prompt, on the SDK span (1.x) and on aimeter span (0.x, tracing off)', async () => {
  exporter.reset();
  const v1 = require('@anthropic-ai/sdk');
  const v0 = require(require.resolve('@anthropic-ai/sdk', { paths: [FIXTURE_V0] }));
  const body = { model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: `[scenario:invalid_prompt] ${PROMPT}` }] };
  const native = new v1.Anthropic({ apiKey: 'test-key', baseURL: anthropicFake.url, maxRetries: 0 });
  const own = new v1.Anthropic({ apiKey: 'test-key', baseURL: anthropicFake.url, maxRetries: 0, openTelemetry: false });
  const ownV0 = new v0.Anthropic({ apiKey: 'test-key', baseURL: anthropicFake.url, maxRetries: 0, openTelemetry: false });
  const quoted = await expectFailure(() => native.messages.create(body));
  assert.ok(String((quoted as Error).message).includes(PROMPT), 'the fake quotes the prompt');
  await expectFailure(() => own.messages.create(body));
  await expectFailure(() => ownV0.messages.create(body));
  await expectFailure(async () => {
    for await (const _ of await own.messages.create({ ...body, stream: true }));
  });
  await settle();
  assert.equal(errorSpans().length, 4, 'four failed GenAI spans (the SDK span and three of aimeter)');
  assertNoMarkers('spans', spansText());
  assertNoMarkers('/metrics', await aimeter.metricsText());
  assertNoMarkers('stdout/stderr', output.join(''));
});

test('deepgram and elevenlabs: errors whose body quotes the input are not on the spans', async () => {
  exporter.reset();
  const deepgram = await startFakeDeepgram();
  const elevenlabs = await startFakeElevenLabs();
  try {
    const { DeepgramClient } = require('@deepgram/sdk');
    const { ElevenLabsClient } = require('@elevenlabs/elevenlabs-js');
    const url = `https://example.com/${PROMPT}.wav`;
    deepgram.failNext({ status: 400, body: { err_code: 'Bad Request', err_msg: `Bad Request: could not fetch ${url}` } });
    const dg = new DeepgramClient({ apiKey: 'test-key', baseUrl: deepgram.url, maxRetries: 0 });
    const dgError = await expectFailure(() => dg.listen.v1.media.transcribeUrl({ url, model: 'nova-3' }));
    assert.ok(String((dgError as Error).message).includes(PROMPT), 'the SDK error quotes the input');
    // ElevenLabs' 422 validation errors echo the offending input, as pydantic's do.
    const text = `read this aloud: ${PROMPT}`;
    elevenlabs.failNext({ status: 422, body: { detail: [{ type: 'string_too_long', loc: ['body', 'text'], msg: 'String should have at most 40 characters', input: text }] } });
    const el = new ElevenLabsClient({ apiKey: 'test-key', baseUrl: elevenlabs.url, maxRetries: 0 });
    const elError = await expectFailure(() => el.textToSpeech.convert('voice-1', { text, modelId: 'eleven_flash_v2_5' }));
    assert.ok(String((elError as Error).message).includes(PROMPT), 'the SDK error quotes the input');
    await settle();
    const failed = errorSpans();
    assert.deepEqual(failed.map((s) => s.attributes['error.type']).sort(), ['400', '422']);
    assertNoMarkers('spans', spansText());
    assertNoMarkers('/metrics', await aimeter.metricsText());
    assertNoMarkers('stdout/stderr', output.join(''));
  } finally {
    await deepgram.close();
    await elevenlabs.close();
  }
});

test('manual API: an error whose message holds the prompt is not on the span', async () => {
  exporter.reset();
  await expectFailure(() =>
    traceLlm({ provider: 'openai', model: 'gpt-4o-mini' }, async () => {
      throw new Error(`upstream refused: "${PROMPT}"`);
    }),
  );
  await settle();
  const [span] = errorSpans();
  assert.ok(span, 'a failed span');
  assert.equal(span.status.message, undefined, 'a plain Error: only error.type is recorded');
  assertNoMarkers('spans', spansText());
});

test('HTTP: query-string values of incoming and outgoing requests are redacted, keys kept', async () => {
  exporter.reset();
  const query = `q=${PROMPT}&api_key=${KEY}`;
  await new Promise<void>((resolve, reject) => {
    http
      .get(`http://127.0.0.1:${appPort}/search?${query}`, (res) => {
        res.resume();
        res.on('end', resolve);
      })
      .on('error', reject);
  });
  // openai 4.x sends through node:http (node-fetch), so its requests are HTTP spans too.
  const v4 = require(require.resolve('openai', { paths: [V4_FIXTURE] }));
  const client = new v4.OpenAI({ apiKey: 'sk-test', baseURL: openaiFake.url, maxRetries: 0 });
  await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { query: { api_key: KEY } });
  await settle();
  const spans = exporter.getFinishedSpans();
  const server = spans.find((s) => s.kind === SpanKind.SERVER && s.attributes['url.path'] === '/search');
  assert.ok(server, 'the incoming request has a span');
  assert.equal(server.attributes['url.query'], 'q=REDACTED&api_key=REDACTED');
  const client1 = spans.find((s) => s.kind === SpanKind.CLIENT && String(s.attributes['url.full']).includes('/search'));
  assert.equal(client1?.attributes['url.full'], `http://127.0.0.1:${appPort}/search?q=REDACTED&api_key=REDACTED`);
  const client2 = spans.find((s) => s.kind === SpanKind.CLIENT && String(s.attributes['url.full']).includes('/chat/completions'));
  assert.equal(client2?.attributes['url.full'], `http://127.0.0.1:${openaiFake.port}/v1/chat/completions?api_key=REDACTED`);
  assertNoMarkers('spans', spansText());
  assertNoMarkers('/metrics', await aimeter.metricsText());
  assertNoMarkers('stdout/stderr', output.join(''));
});
