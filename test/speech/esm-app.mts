/**
 * ESM app for test/speech/esm.test.ts: the SDKs loaded with `import` through
 * import-in-the-middle, set up the way `node --import aimeter/register` does it (a message
 * channel telling the loader hook which modules to wrap: only the instrumented packages'
 * entry points, never their internal files), run against the loopback fakes. Prints one JSON
 * line with what the spans recorded.
 */
import { createRequire, register } from 'node:module';

const require = createRequire(import.meta.url);
const iitm = require('import-in-the-middle') as typeof import('import-in-the-middle');
const { registerOptions, waitForAllMessagesAcknowledged } = iitm.createAddHookMessageChannel();
register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
const { setupTelemetry } = require('../helpers/telemetry.js') as typeof import('../helpers/telemetry.js');
const { DeepgramInstrumentation } = require('../../instrumentations/deepgram/index.js') as typeof import('../../instrumentations/deepgram/index.js');
const { ElevenLabsInstrumentation } = require('../../instrumentations/elevenlabs/index.js') as typeof import('../../instrumentations/elevenlabs/index.js');
const { startFakeDeepgram } = require('../../examples/fake-provider/deepgram.js') as typeof import('../../examples/fake-provider/deepgram.js');
const { startFakeElevenLabs } = require('../../examples/fake-provider/elevenlabs.js') as typeof import('../../examples/fake-provider/elevenlabs.js');

const telemetry = setupTelemetry({ instrumentations: [new DeepgramInstrumentation(), new ElevenLabsInstrumentation()] });
await waitForAllMessagesAcknowledged();
const { DeepgramClient } = await import('@deepgram/sdk');
const { ElevenLabsClient } = await import('@elevenlabs/elevenlabs-js');

const dg = await startFakeDeepgram({ duration: 7.5 });
const el = await startFakeElevenLabs({ bytesPerCharacter: 10, chunkSize: 16 });
try {
  const transcript = await new DeepgramClient({ apiKey: 'k', baseUrl: dg.url }).listen.v1.media.transcribeFile(Buffer.from('audio'), { model: 'nova-3' });
  const audio = await new ElevenLabsClient({ apiKey: 'k', baseUrl: el.url }).textToSpeech.stream('voice', { text: 'esm text', modelId: 'eleven_multilingual_v2' });
  let bytes = 0;
  for await (const chunk of audio) bytes += chunk.byteLength;
  const spans = telemetry.exporter.getFinishedSpans().map((s) => ({ name: s.name, attributes: s.attributes }));
  const esmFile = import.meta.resolve('@deepgram/sdk');
  process.stdout.write(JSON.stringify({ duration: 'metadata' in transcript ? transcript.metadata.duration : undefined, bytes, spans, esmFile }) + '\n');
} finally {
  await dg.close();
  await el.close();
  await telemetry.shutdown();
}
