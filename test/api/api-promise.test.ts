/** The APIPromise cases (api-promise-cases.ts) with the manual API alone: no SDK instrumentation. */
import { after, before } from 'node:test';
import { startFakeAnthropic, type FakeAnthropic } from '../../examples/fake-provider/anthropic';
import { startFakeOpenAI, type FakeOpenAI } from '../../examples/fake-provider/openai';
import { setupTelemetry, type TestTelemetry } from '../helpers/telemetry';
import { apiPromiseCases } from './api-promise-cases';

let telemetry: TestTelemetry;
let openaiFake: FakeOpenAI;
let anthropicFake: FakeAnthropic;

before(async () => {
  telemetry = setupTelemetry();
  openaiFake = await startFakeOpenAI();
  anthropicFake = await startFakeAnthropic();
});

after(async () => {
  await openaiFake.close();
  await anthropicFake.close();
  await telemetry.shutdown();
});

apiPromiseCases({
  openai: () => new (require('openai').OpenAI)({ apiKey: 'sk-test', baseURL: openaiFake.url, maxRetries: 0 }),
  // The SDK's own tracing off: without aimeter's instrumentation nothing would complete its span.
  anthropic: () =>
    new (require('@anthropic-ai/sdk').Anthropic)({ apiKey: 'test-key', baseURL: anthropicFake.url, maxRetries: 0, openTelemetry: false }),
  manualSpans: () => telemetry.exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === 'aimeter'),
  reset: () => telemetry.exporter.reset(),
});
