/**
 * What the speech apps do (speech-app.ts: CommonJS, speech-app.mts: ESM), given the SDKs, `ws`
 * and aimeter of their own module system, against the loopback fakes. Deepgram: 2 x 45 s of audio
 * with nova-3, and a live session of 1.5 s (WebSocket). ElevenLabs: stream + convert of 25
 * characters each (eleven_multilingual_v2), and a WebSocket stream-input session of 23
 * characters (eleven_flash_v2_5, 64 bytes of audio per character) traced with
 * traceTextToSpeechSocket. Then "ready", and up until stdin closes.
 */
import type * as ElevenLabsSdk from '@elevenlabs/elevenlabs-js';
import type WebSocketInstance from 'ws';
import type { traceTextToSpeechSocket as TraceTextToSpeechSocket } from 'aimeter';
import { startFakeDeepgram } from '../../examples/fake-provider/deepgram';
import { startFakeElevenLabs } from '../../examples/fake-provider/elevenlabs';
import { startFakeDeepgramLive } from '../../examples/fake-provider/deepgram-live';
import { startFakeElevenLabsSocket } from '../../examples/fake-provider/elevenlabs-ws';
import { liveSession, speakSession, type LiveClient } from './live-sessions';

const TEXT = 'twenty-five characters!!';

/** What is used of a DeepgramClient (typed structurally: the SDK's CommonJS and ESM typings differ). */
type DeepgramClient = LiveClient & {
  listen: {
    v1: {
      media: {
        transcribeFile(audio: Buffer, options: { model: string }): Promise<unknown>;
        transcribeUrl(body: { url: string; model: string }): Promise<unknown>;
      };
    };
  };
};

export interface SpeechModules {
  readonly DeepgramClient: new (options: { apiKey: string; baseUrl: string }) => DeepgramClient;
  readonly ElevenLabsClient: typeof ElevenLabsSdk.ElevenLabsClient;
  /** ws's class (its ESM typing lacks the CommonJS one's statics; only the constructor is used). */
  readonly WebSocket: new (url: string) => WebSocketInstance;
  readonly traceTextToSpeechSocket: typeof TraceTextToSpeechSocket;
}

export async function runApp({ DeepgramClient, ElevenLabsClient, WebSocket, traceTextToSpeechSocket }: SpeechModules): Promise<void> {
  const dg = await startFakeDeepgram({ duration: 45 });
  const el = await startFakeElevenLabs({ bytesPerCharacter: 40, chunkSize: 256 });
  const deepgram = new DeepgramClient({ apiKey: 'k', baseUrl: dg.url });
  await deepgram.listen.v1.media.transcribeFile(Buffer.from('audio'), { model: 'nova-3' });
  await deepgram.listen.v1.media.transcribeUrl({ url: 'https://example.com/a.wav', model: 'nova-3' });
  const elevenlabs = new ElevenLabsClient({ apiKey: 'k', baseUrl: el.url });
  for await (const _ of await elevenlabs.textToSpeech.stream('voice', { text: `${TEXT}.`, modelId: 'eleven_multilingual_v2' }));
  for await (const _ of await elevenlabs.textToSpeech.convert('voice', { text: `${TEXT}.`, modelId: 'eleven_multilingual_v2' }));
  const live = await startFakeDeepgramLive({ words: ['', 'hello', 'world'] });
  const elSocket = await startFakeElevenLabsSocket({ bytesPerCharacter: 64 });
  await liveSession(new DeepgramClient({ apiKey: 'k', baseUrl: live.url }));
  await speakSession(traceTextToSpeechSocket(new WebSocket(`${elSocket.url}/v1/text-to-speech/voice/stream-input?model_id=eleven_flash_v2_5&output_format=pcm_16000`)));
  process.stdout.write('ready\n');
  process.stdin.resume();
  process.stdin.on('end', () => void Promise.all([dg.close(), el.close(), live.close(), elSocket.close()]).then(() => process.exit(0)));
}
