/**
 * The WebSocket sessions the speech apps (speech-app.ts / speech-app.mts) run, written as an app
 * would: a Deepgram live session and an ElevenLabs stream-input session.
 */
import type WebSocket from 'ws';

/** What is used of a DeepgramClient (typed structurally: the SDK's CJS and ESM typings differ). */
export interface LiveClient {
  listen: {
    v1: {
      connect(args: { model: string; encoding: 'linear16'; sample_rate: number; reconnectAttempts: number }): Promise<{
        on(event: 'close' | 'message', handler: () => void): void;
        connect(): unknown;
        waitForOpen(): Promise<unknown>;
        sendMedia(audio: Buffer): void;
        sendCloseStream(message: { type: 'CloseStream' }): void;
      }>;
    };
  };
}

/** 3 x 0.5 s of linear16 audio at 16 kHz, then CloseStream; resolves at the close. */
export async function liveSession(client: LiveClient): Promise<void> {
  const socket = await client.listen.v1.connect({ model: 'nova-3', encoding: 'linear16', sample_rate: 16000, reconnectAttempts: 0 });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('message', () => undefined);
  socket.connect();
  await socket.waitForOpen();
  for (let i = 0; i < 3; i++) socket.sendMedia(Buffer.alloc(16_000));
  socket.sendCloseStream({ type: 'CloseStream' });
  await closed;
}

/** " ", 23 characters of text, ""; resolves at the close. */
export async function speakSession(socket: WebSocket): Promise<void> {
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('message', () => undefined);
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ text: ' ' }));
  socket.send(JSON.stringify({ text: 'Hello there. ' }));
  socket.send(JSON.stringify({ text: 'ünïcödé 👋 ' }));
  socket.send(JSON.stringify({ text: '' }));
  await closed;
}
