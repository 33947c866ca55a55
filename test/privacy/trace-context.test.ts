/**
 * Trace context is not sent to AI provider hosts unless the user asks for it
 * (OTEL_INSTRUMENTATION_GENAI_PROPAGATE_TRACE_CONTEXT=true); requests to the app's own services
 * keep it. aimeter runs as the preload runs it (start(), in this process); the real SDKs talk to the
 * loopback fakes, which record the headers they receive. Calls are made inside an active span (an
 * incoming request's, as in a server), where propagation is otherwise certain.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { trace } from '@opentelemetry/api';
import { startFakeAnthropic, type FakeAnthropic } from '../../examples/fake-provider/anthropic';
import { startFakeOpenAI, type FakeOpenAI } from '../../examples/fake-provider/openai';
import { configFromEnv } from '../../src/config/env';
import { setRuntimeSettings } from '../../src/config/runtime';
import { start, type Aimeter } from '../../src/sdk/start';
import { V4_FIXTURE } from '../openai/harness';

let aimeter: Aimeter;
let openaiFake: FakeOpenAI;
let anthropicFake: FakeAnthropic;
/** The application's own service: records the headers of each request. */
let own: http.Server;
let ownPort: number;
const ownHeaders: http.IncomingHttpHeaders[] = [];

before(async () => {
  const started = start({ env: { OTEL_TRACES_EXPORTER: 'none' }, serveMetrics: false });
  // The HTTP instrumentation patches node:http when it is next required (as an app's first
  // require after the preload does); this file imported it before start().
  require('http');
  assert.ok(started);
  aimeter = started;
  openaiFake = await startFakeOpenAI();
  anthropicFake = await startFakeAnthropic();
  own = http.createServer((req, res) => {
    ownHeaders.push(req.headers);
    req.resume();
    res.end('ok');
  });
  await new Promise<void>((resolve) => own.listen(0, '127.0.0.1', resolve));
  ownPort = (own.address() as AddressInfo).port;
});

after(async () => {
  await openaiFake.close();
  await anthropicFake.close();
  await new Promise<void>((resolve) => own.close(() => resolve()));
  await aimeter.shutdown();
});

/** Runs `fn` inside an active span, as a request handler does. */
function inRequest<T>(fn: () => Promise<T>): Promise<T> {
  return trace.getTracer('test-app').startActiveSpan('GET /ask', async (span) => {
    try {
      return await fn();
    } finally {
      span.end();
    }
  });
}

function get(options: http.RequestOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    http
      .get(options, (res) => {
        res.resume();
        res.on('end', resolve);
      })
      .on('error', reject);
  });
}

/** Resolves every name to 127.0.0.1: a request "to api.openai.com" that only reaches loopback. */
const loopback = ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
  if (options?.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
}) as unknown as LookupFunction;

const loadAnthropic = () => require('@anthropic-ai/sdk');
const loadOpenAIv4 = () => require(require.resolve('openai', { paths: [V4_FIXTURE] }));
const loadOpenAI = () => require('openai');

async function callProviders(): Promise<void> {
  const anthropic = new (loadAnthropic().Anthropic)({ apiKey: 'test-key', baseURL: anthropicFake.url, maxRetries: 0 });
  const v4 = new (loadOpenAIv4().OpenAI)({ apiKey: 'sk-test', baseURL: openaiFake.url, maxRetries: 0 });
  const v6 = new (loadOpenAI().OpenAI)({ apiKey: 'sk-test', baseURL: openaiFake.url, maxRetries: 0 });
  const messages = [{ role: 'user' as const, content: 'hello there world' }];
  await inRequest(async () => {
    await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 64, messages });
    await v4.chat.completions.create({ model: 'gpt-4o-mini', messages });
    await v6.chat.completions.create({ model: 'gpt-4o-mini', messages });
    // A well-known provider host, whatever the client: here a plain node:http request.
    await get({ host: 'api.openai.com', port: openaiFake.port, path: '/v1/models', lookup: loopback });
  });
}

test('by default no trace context goes to AI provider hosts; the app\'s own services still get it', async () => {
  anthropicFake.requests.length = 0;
  openaiFake.requests.length = 0;
  ownHeaders.length = 0;
  await callProviders();
  await inRequest(() => get({ host: '127.0.0.1', port: ownPort, path: '/inventory' }));

  assert.equal(anthropicFake.requests.length, 1);
  assert.equal(anthropicFake.requests[0]!.headers.traceparent, undefined, '@anthropic-ai/sdk (its own propagation, over fetch)');
  assert.equal(openaiFake.requests.length, 3);
  const [v4, v6, models] = openaiFake.requests;
  assert.equal(v4!.headers.traceparent, undefined, 'openai 4.x (node:http)');
  assert.equal(v6!.headers.traceparent, undefined, 'openai 6.x (fetch)');
  assert.equal(models!.headers.host, `api.openai.com:${openaiFake.port}`);
  assert.equal(models!.headers.traceparent, undefined, 'a request to api.openai.com');
  for (const r of [...anthropicFake.requests, ...openaiFake.requests]) assert.equal(r.headers.baggage, undefined);

  assert.equal(ownHeaders.length, 1);
  assert.match(String(ownHeaders[0]!.traceparent), /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/, 'the app\'s own service keeps the trace context');
});

test('OTEL_INSTRUMENTATION_GENAI_PROPAGATE_TRACE_CONTEXT=true sends it to AI provider hosts too', async () => {
  assert.equal(configFromEnv({ OTEL_INSTRUMENTATION_GENAI_PROPAGATE_TRACE_CONTEXT: 'true' }).config.propagateTraceContextToGenAi, true);
  assert.equal(configFromEnv({}).config.propagateTraceContextToGenAi, false);
  const bad = configFromEnv({ OTEL_INSTRUMENTATION_GENAI_PROPAGATE_TRACE_CONTEXT: 'yes' });
  assert.equal(bad.config.propagateTraceContextToGenAi, false);
  assert.match(bad.problems.join('\n'), /OTEL_INSTRUMENTATION_GENAI_PROPAGATE_TRACE_CONTEXT="yes" is not valid/);

  setRuntimeSettings({ propagateTraceContextToGenAi: true });
  try {
    anthropicFake.requests.length = 0;
    openaiFake.requests.length = 0;
    await callProviders();
    const traceparent = /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/;
    assert.match(String(anthropicFake.requests[0]!.headers.traceparent), traceparent, '@anthropic-ai/sdk');
    const [v4, , models] = openaiFake.requests;
    assert.match(String(v4!.headers.traceparent), traceparent, 'openai 4.x');
    assert.match(String(models!.headers.traceparent), traceparent, 'api.openai.com');
  } finally {
    setRuntimeSettings({ propagateTraceContextToGenAi: false });
  }
});
