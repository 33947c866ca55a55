// The ESM twin of speech-app.ts, run under `node --import aimeter/register`.
import { DeepgramClient } from '@deepgram/sdk';
import { ElevenLabsClient } from '@elevenlabs/elevenlabs-js';
import WebSocket from 'ws';
import { traceTextToSpeechSocket } from 'aimeter';
import deepgramFake from '../../examples/fake-provider/deepgram.js';
import elevenLabsFake from '../../examples/fake-provider/elevenlabs.js';
import deepgramLiveFake from '../../examples/fake-provider/deepgram-live.js';
import elevenLabsSocketFake from '../../examples/fake-provider/elevenlabs-ws.js';
import sessions from './live-sessions.js';

const TEXT = 'twenty-five characters!!';
const dg = await deepgramFake.startFakeDeepgram({ duration: 45 });
const el = await elevenLabsFake.startFakeElevenLabs({ bytesPerCharacter: 40, chunkSize: 256 });
const deepgram = new DeepgramClient({ apiKey: 'k', baseUrl: dg.url });
await deepgram.listen.v1.media.transcribeFile(Buffer.from('audio'), { model: 'nova-3' });
await deepgram.listen.v1.media.transcribeUrl({ url: 'https://example.com/a.wav', model: 'nova-3' });
const elevenlabs = new ElevenLabsClient({ apiKey: 'k', baseUrl: el.url });
for await (const _ of await elevenlabs.textToSpeech.stream('voice', { text: `${TEXT}.`, modelId: 'eleven_multilingual_v2' }));
for await (const _ of await elevenlabs.textToSpeech.convert('voice', { text: `${TEXT}.`, modelId: 'eleven_multilingual_v2' }));
const live = await deepgramLiveFake.startFakeDeepgramLive({ words: ['', 'hello', 'world'] });
const elSocket = await elevenLabsSocketFake.startFakeElevenLabsSocket({ bytesPerCharacter: 64 });
await sessions.liveSession(new DeepgramClient({ apiKey: 'k', baseUrl: live.url }));
await sessions.speakSession(traceTextToSpeechSocket(new WebSocket(`${elSocket.url}/v1/text-to-speech/voice/stream-input?model_id=eleven_flash_v2_5&output_format=pcm_16000`)));
process.stdout.write('ready\n');
process.stdin.resume();
process.stdin.on('end', () => void Promise.all([dg.close(), el.close(), live.close(), elSocket.close()]).then(() => process.exit(0)));
