/**
 * ESM and CommonJS: `import { GoogleGenAI } from '@google/genai'` (the SDK's ESM build, through
 * import-in-the-middle, what `--import aimeter/register` sets up) and `require('@google/genai')`
 * (its CommonJS build) are both instrumented, with the same exact usage.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runEsmScript } from '../helpers/esm-script';

const SCRIPT = `
const { setupTelemetry } = require('./test/helpers/telemetry.js');
const { GoogleGenAiInstrumentation } = require('./instrumentations/google-genai/index.js');
const { startFakeGemini } = require('./examples/fake-provider/gemini.js');
const t = setupTelemetry({ instrumentations: [new GoogleGenAiInstrumentation()] });
await hooksReady();
const esm = await import('@google/genai');
const cjs = require('@google/genai');
const fake = await startFakeGemini({ promptTokens: 40, candidatesTokens: 9 });
for (const { GoogleGenAI } of [esm, cjs]) {
  const ai = new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: fake.url } });
  await ai.models.generateContent({ model: 'gemini-2.0-flash', contents: 'hi' });
  for await (const _ of await ai.models.generateContentStream({ model: 'gemini-2.0-flash', contents: 'hi' }));
}
console.log(JSON.stringify([esm.Models !== cjs.Models, t.exporter.getFinishedSpans().map((s) => [s.name, s.attributes['gen_ai.usage.input_tokens'], s.attributes['gen_ai.usage.output_tokens'], s.attributes['aimeter.response.chunks']])]));
await fake.close();
await t.shutdown();
`;

test('ESM and CommonJS builds are both instrumented, exactly', () => {
  const [twoCopies, spans] = runEsmScript<[boolean, unknown[]]>(SCRIPT, { timeoutMs: 60_000 });
  assert.equal(twoCopies, true, 'the ESM and CommonJS builds are distinct copies');
  const call = ['generate_content gemini-2.0-flash', 40, 9, null]; // JSON: no chunk count on a whole response
  const stream = ['generate_content gemini-2.0-flash', 40, 9, 4];
  assert.deepEqual(spans, [call, stream, call, stream]);
});
