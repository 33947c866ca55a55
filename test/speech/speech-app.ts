/**
 * An unmodified CommonJS app using both speech SDKs against the loopback fakes (see
 * speech-scenario.ts), for test/speech/preload.test.ts (run under `node --require aimeter/register`).
 */
import { DeepgramClient } from '@deepgram/sdk';
import { ElevenLabsClient } from '@elevenlabs/elevenlabs-js';
import WebSocket from 'ws';
import { traceTextToSpeechSocket } from 'aimeter';
import { runApp } from './speech-scenario';

void runApp({ DeepgramClient, ElevenLabsClient, WebSocket, traceTextToSpeechSocket });
