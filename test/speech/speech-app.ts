/**
 * An unmodified CommonJS app using both speech SDKs against the loopback fakes, for
 * test/speech/preload.test.ts (run under `node --require aimeter/register`).
 * Deepgram: 2 x 45 s of audio with nova-3. ElevenLabs: stream + convert of 25 characters each.
 */
import { DeepgramClient } from '@deepgram/sdk';
import { ElevenLabsClient } from '@elevenlabs/elevenlabs-js';
import { startFakeDeepgram } from '../../examples/fake-provider/deepgram';
import { startFakeElevenLabs } from '../../examples/fake-provider/elevenlabs';

const TEXT = 'twenty-five characters!!';

async function main(): Promise<void> {
  const dg = await startFakeDeepgram({ duration: 45 });
  const el = await startFakeElevenLabs({ bytesPerCharacter: 40, chunkSize: 256 });
  const deepgram = new DeepgramClient({ apiKey: 'k', baseUrl: dg.url });
  await deepgram.listen.v1.media.transcribeFile(Buffer.from('audio'), { model: 'nova-3' });
  await deepgram.listen.v1.media.transcribeUrl({ url: 'https://example.com/a.wav', model: 'nova-3' });
  const elevenlabs = new ElevenLabsClient({ apiKey: 'k', baseUrl: el.url });
  for await (const _ of await elevenlabs.textToSpeech.stream('voice', { text: `${TEXT}.`, modelId: 'eleven_multilingual_v2' }));
  for await (const _ of await elevenlabs.textToSpeech.convert('voice', { text: `${TEXT}.`, modelId: 'eleven_multilingual_v2' }));
  process.stdout.write('ready\n');
  process.stdin.resume();
  process.stdin.on('end', () => void Promise.all([dg.close(), el.close()]).then(() => process.exit(0)));
}

void main();
