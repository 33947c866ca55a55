/**
 * The APIPromise cases (api-promise-cases.ts) with every instrumentation on, as the preload runs
 * them (start() in this process): the OpenAI instrumentation and the Anthropic SDK's own span
 * watch the same APIPromise as the manual API.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startFakeAnthropic, type FakeAnthropic } from '../../examples/fake-provider/anthropic';
import { startFakeOpenAI, type FakeOpenAI } from '../../examples/fake-provider/openai';
import { start, type Aimeter } from '../../src/sdk/start';
import { apiPromiseCases } from './api-promise-cases';

const exporter = new InMemorySpanExporter();
let aimeter: Aimeter;
let openaiFake: FakeOpenAI;
let anthropicFake: FakeAnthropic;

before(async () => {
  const started = start({ env: { OTEL_TRACES_EXPORTER: 'none' }, serveMetrics: false, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  assert.ok(started);
  aimeter = started;
  openaiFake = await startFakeOpenAI();
  anthropicFake = await startFakeAnthropic();
});

after(async () => {
  await openaiFake.close();
  await anthropicFake.close();
  await aimeter.shutdown();
});

apiPromiseCases({
  openai: () => new (require('openai').OpenAI)({ apiKey: 'sk-test', baseURL: openaiFake.url, maxRetries: 0 }),
  anthropic: () => new (require('@anthropic-ai/sdk').Anthropic)({ apiKey: 'test-key', baseURL: anthropicFake.url, maxRetries: 0 }),
  manualSpans: () => exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === 'aimeter'),
  reset: () => exporter.reset(),
});
