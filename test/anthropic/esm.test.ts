/**
 * ESM: `import Anthropic from '@anthropic-ai/sdk'` through import-in-the-middle (what
 * `--import aimeter/register` sets up) is patched like `require` is, in both tracing modes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runEsmScript } from '../helpers/esm-script';

const SCRIPT = `
const { setupTelemetry } = require('./test/helpers/telemetry.js');
const { AnthropicInstrumentation } = require('./instrumentations/anthropic/index.js');
const { startFakeAnthropic } = require('./examples/fake-provider/anthropic.js');
const t = setupTelemetry({ instrumentations: [new AnthropicInstrumentation()] });
await hooksReady();
const { default: Anthropic } = await import('@anthropic-ai/sdk');
const fake = await startFakeAnthropic();
for (const native of [false, true]) {
  const c = new Anthropic({ apiKey: 'k', baseURL: fake.url, maxRetries: 0, ...(native ? {} : { openTelemetry: false }) });
  const s = await c.messages.create({ model: 'claude-haiku-4-5', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] });
  for await (const _ of s);
}
console.log(JSON.stringify(t.exporter.getFinishedSpans().map((s) => [s.instrumentationScope.name, s.attributes['aimeter.response.chunks'], s.attributes['gen_ai.usage.input_tokens']])));
await fake.close();
await t.shutdown();
`;

test('ESM import is instrumented: aimeter span with tracing off, the SDK span + chunk count with it on', () => {
  const spans = runEsmScript<unknown[]>(SCRIPT, { timeoutMs: 60_000 });
  assert.deepEqual(spans, [
    ['aimeter/instrumentation-anthropic', 7, 25],
    ['com.anthropic.sdk.typescript', 7, 25],
  ]);
});
