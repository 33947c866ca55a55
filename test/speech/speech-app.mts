// The ESM twin of speech-app.ts, run under `node --import aimeter/register`.
import { DeepgramClient } from '@deepgram/sdk';
import { ElevenLabsClient } from '@elevenlabs/elevenlabs-js';
import deepgramFake from '../../examples/fake-provider/deepgram.js';
import elevenLabsFake from '../../examples/fake-provider/elevenlabs.js';

const TEXT = 'twenty-five characters!!';
const dg = await deepgramFake.startFakeDeepgram({ duration: 45 });
const el = await elevenLabsFake.startFakeElevenLabs({ bytesPerCharacter: 40, chunkSize: 256 });
const deepgram = new DeepgramClient({ apiKey: 'k', baseUrl: dg.url });
await deepgram.listen.v1.media.transcribeFile(Buffer.from('audio'), { model: 'nova-3' });
await deepgram.listen.v1.media.transcribeUrl({ url: 'https://example.com/a.wav', model: 'nova-3' });
const elevenlabs = new ElevenLabsClient({ apiKey: 'k', baseUrl: el.url });
for await (const _ of await elevenlabs.textToSpeech.stream('voice', { text: `${TEXT}.`, modelId: 'eleven_multilingual_v2' }));
for await (const _ of await elevenlabs.textToSpeech.convert('voice', { text: `${TEXT}.`, modelId: 'eleven_multilingual_v2' }));
process.stdout.write('ready\n');
process.stdin.resume();
process.stdin.on('end', () => void Promise.all([dg.close(), el.close()]).then(() => process.exit(0)));
