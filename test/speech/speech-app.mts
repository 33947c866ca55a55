// The ESM twin of speech-app.ts (the SDKs, ws and aimeter by `import`), run under `node --import aimeter/register`.
import { DeepgramClient } from '@deepgram/sdk';
import { ElevenLabsClient } from '@elevenlabs/elevenlabs-js';
import WebSocket from 'ws';
import { traceTextToSpeechSocket } from 'aimeter';
import scenario from './speech-scenario.js';

await scenario.runApp({ DeepgramClient, ElevenLabsClient, WebSocket, traceTextToSpeechSocket });
