/**
 * Text-to-speech over ElevenLabs' WebSocket API (`stream-input`), which @elevenlabs/elevenlabs-js
 * 2.x has no client for: a raw `ws` socket traced with traceTextToSpeechSocket, against a
 * loopback server speaking the wire format (examples/fake-provider/elevenlabs-ws.ts).
 */
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import WebSocket from 'ws';
import { traceTextToSpeechSocket } from '../../src/index';
import { setRuntimeSettings } from '../../src/config/runtime';
import { startFakeElevenLabsSocket, type FakeElevenLabsSocket } from '../../examples/fake-provider/elevenlabs-ws';
import { find, sum } from '../helpers/exposition';
import type { TestTelemetry } from '../helpers/telemetry';
import { assertClose, assertLiveFailures, durationSeconds, endTelemetry, onlySpan, splitTimeToFirstChunk, streamedCallAttributes, telemetryWith } from './util';

const FLASH_V2_5_PER_MILLION = 50.0; // prices/prices.yaml
const API_KEY = 'el-ws-key';
const VOICE = 'JBFqnCBsd6RMkjVDRZzb';
const MODEL = 'eleven_flash_v2_5';
const TEXTS = ['Hello there. ', 'ünïcödé 👋 '];
const CHARACTERS = 13 + 10; // code points, not UTF-16 units ('👋' is one)
const BYTES_PER_CHARACTER = 64;
const TTS = { gen_ai_operation_name: 'text_to_speech', gen_ai_provider_name: 'elevenlabs' };

function open(fake: FakeElevenLabsSocket, query = `model_id=${MODEL}&output_format=pcm_16000`, voice = VOICE): WebSocket {
  return new WebSocket(`${fake.url}/v1/text-to-speech/${voice}/stream-input?${query}`, { headers: { 'xi-api-key': API_KEY } });
}

interface Seen {
  messages: unknown[];
  /** performance.now() when the first text was sent and when the first audio reached the caller. */
  firstTextAt?: number;
  firstAudioAt?: number;
  close?: [number, string];
  errors: string[];
}

/** What the caller's listeners receive; resolves at the close. */
function listen(socket: WebSocket): { seen: Seen; closed: Promise<void> } {
  const seen: Seen = { messages: [], errors: [] };
  const closed = new Promise<void>((resolve) => {
    socket.on('message', (data, isBinary) => {
      const message = JSON.parse(data.toString()) as { audio?: unknown };
      if (typeof message.audio === 'string') seen.firstAudioAt ??= performance.now();
      seen.messages.push([isBinary, message]);
    });
    socket.on('error', (error) => seen.errors.push(`${error.constructor.name}: ${error.message}`));
    socket.on('close', (code, reason) => {
      seen.close = [code, reason.toString()];
      resolve();
    });
  });
  return { seen, closed };
}

/** A whole session: open, " " with settings, the texts (after `pauseMs`), "" to end. */
async function speak(socket: WebSocket, pauseMs = 0): Promise<Seen> {
  const { seen, closed } = listen(socket);
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ text: ' ', voice_settings: { stability: 0.5, similarity_boost: 0.8 }, generation_config: { chunk_length_schedule: [50] } }));
  if (pauseMs > 0) await sleep(pauseMs);
  seen.firstTextAt = performance.now();
  for (const text of TEXTS) socket.send(JSON.stringify({ text, try_trigger_generation: true }));
  socket.send(JSON.stringify({ text: '' }));
  await closed;
  return seen;
}

describe('ElevenLabs WebSocket text-to-speech: traceTextToSpeechSocket', () => {
  let telemetry: TestTelemetry;
  let fake: FakeElevenLabsSocket;

  before(async () => {
    fake = await startFakeElevenLabsSocket({ bytesPerCharacter: BYTES_PER_CHARACTER, chunkSize: 1000, delayMs: 10, apiKey: API_KEY });
  });
  after(async () => {
    await fake.close();
  });
  beforeEach(() => {
    telemetry = telemetryWith();
  });
  afterEach(() => endTelemetry(telemetry));

  test('a whole session: characters, audio bytes and seconds, time to first audio from the first text, cost', async () => {
    const socket = open(fake);
    assert.equal(traceTextToSpeechSocket(socket), socket);
    // The text starts 50 ms after the open: time to first audio must not include them.
    const seen = await speak(socket, 50);
    assert.deepEqual(seen.close, [1000, '']);
    assert.deepEqual(seen.errors, []);
    const audioMessages = seen.messages.filter((m) => typeof ((m as unknown[])[1] as { audio?: unknown }).audio === 'string');
    assert.equal(audioMessages.length, 2); // 13 x 64 = 832 and 10 x 64 = 640 bytes: one message each
    assert.deepEqual((seen.messages.at(-1) as unknown[])[1], { isFinal: true });
    const bytes = CHARACTERS * BYTES_PER_CHARACTER;
    assert.equal(fake.sessions.at(-1)!.audioBytes, bytes);

    const span = onlySpan(telemetry);
    assert.equal(span.name, `text_to_speech ${MODEL}`);
    assert.equal(span.kind, SpanKind.CLIENT);
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    assert.equal(span.instrumentationScope.name, 'aimeter');
    const { timeToFirstChunk: ttfa, rest } = splitTimeToFirstChunk(span);
    assert.deepEqual(rest, {
      ...streamedCallAttributes('text_to_speech', 'elevenlabs', MODEL, fake.url),
      'aimeter.speech.voice.id': VOICE,
      'aimeter.speech.characters': CHARACTERS,
      'aimeter.speech.audio.size': bytes,
      // pcm_16000: 16-bit mono at 16 kHz, 32,000 bytes per second.
      'aimeter.speech.audio.duration': bytes / 32_000,
      'aimeter.response.chunks': 1,
    });
    const seconds = durationSeconds(span);
    assert.ok(ttfa >= 0.008, `ttfa ${ttfa}`);
    // Measured from the first text sent (after the test's mark) to the first audio (before the caller's listener).
    const window = (seen.firstAudioAt! - seen.firstTextAt!) / 1000;
    assert.ok(ttfa <= window && ttfa <= seconds - 0.045, `ttfa ${ttfa} must be within ${window} s and exclude the 50 ms before the first text (session ${seconds})`);

    const m = telemetry.scrape();
    const labels = { ...TTS, gen_ai_request_model: MODEL };
    assert.equal(sum(m, 'aimeter_text_to_speech_characters_total', labels), CHARACTERS);
    assert.equal(sum(m, 'aimeter_text_to_speech_audio_size_bytes_total', labels), bytes);
    assertClose(sum(m, 'aimeter_cost_usd_total', labels), (CHARACTERS * FLASH_V2_5_PER_MILLION) / 1e6, 'cost');
    assert.equal(sum(m, 'aimeter_text_to_speech_time_to_first_audio_seconds_count', labels), 1);
    assertClose(sum(m, 'aimeter_text_to_speech_time_to_first_audio_seconds_sum', labels), ttfa, 'ttfa metric');
    assert.equal(find(m, 'aimeter_text_to_speech_time_to_first_audio_seconds_bucket', { ...labels, le: '5' })[0]!.value, 1);
    assert.equal(sum(m, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', labels), 1);
    assert.equal(find(m, 'gen_ai_client_operation_time_per_output_chunk_seconds_count', TTS).length, 0);
    assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { ...labels, error_type: '' }), 1);
    assert.equal(find(m, 'aimeter_speech_to_text_time_to_first_transcript_seconds_count', TTS).length, 0);
  });

  test('options and defaults: model and voice from options, mp3 (no seconds derived), another provider name', async () => {
    const socket = open(fake, 'model_id=ignored_model', 'voice%20two');
    traceTextToSpeechSocket(socket, { model: 'eleven_multilingual_v2', provider: 'elevenlabs' });
    // A second call on the same socket traces nothing more.
    traceTextToSpeechSocket(socket, { model: 'other' });
    await speak(socket);
    const span = onlySpan(telemetry);
    assert.equal(span.name, 'text_to_speech eleven_multilingual_v2');
    assert.equal(span.attributes['aimeter.speech.voice.id'], 'voice two');
    assert.equal(span.attributes['aimeter.speech.audio.size'], CHARACTERS * BYTES_PER_CHARACTER);
    assert.equal(span.attributes['aimeter.speech.audio.duration'], undefined);
    // A socket that is closed already is not traced.
    traceTextToSpeechSocket(socket);
    assert.equal(telemetry.exporter.getFinishedSpans().length, 1);
  });

  test('errors: refused handshake (401, 429), close codes, dropped and refused connections', async () => {
    const stages = { ...fake, closeAfterFirst: fake.closeAfterText, dropAfterFirst: fake.dropAfterText };
    await assertLiveFailures(telemetry, TTS, stages, { code: 1008, reason: 'quota_exceeded' }, async (url) => {
      const socket = traceTextToSpeechSocket(new WebSocket(`${url}/v1/text-to-speech/${VOICE}/stream-input?model_id=${MODEL}`, { headers: { 'xi-api-key': API_KEY } }));
      const { seen, closed } = listen(socket);
      socket.on('open', () => {
        socket.send(JSON.stringify({ text: ' ' }));
        socket.send(JSON.stringify({ text: 'Hello. ' }));
      });
      await closed;
      return seen;
    });
    // A wrong key: ElevenLabs closes with 1008 (policy violation).
    telemetry.exporter.reset();
    const socket = traceTextToSpeechSocket(new WebSocket(`${fake.url}/v1/text-to-speech/${VOICE}/stream-input?model_id=${MODEL}`));
    const { closed } = listen(socket);
    socket.on('open', () => socket.send(JSON.stringify({ text: ' ', xi_api_key: 'wrong' })));
    await closed;
    assert.equal(onlySpan(telemetry).attributes['error.type'], 'close_1008');
    assert.equal(onlySpan(telemetry).attributes['aimeter.speech.characters'], 0);
  });

  test('content: no text by default; the text sent with capture on', async () => {
    await speak(traceTextToSpeechSocket(open(fake)));
    assert.equal(onlySpan(telemetry).attributes['gen_ai.input.messages'], undefined);
    telemetry.exporter.reset();
    setRuntimeSettings({ captureMessageContent: true });
    await speak(traceTextToSpeechSocket(open(fake)));
    assert.deepEqual(JSON.parse(onlySpan(telemetry).attributes['gen_ai.input.messages'] as string), [
      { role: 'user', parts: [{ type: 'text', content: TEXTS.join('') }] },
    ]);
  });

  test('differential: the caller receives the same messages, close and errors, and sees the same socket, traced or not', async () => {
    const run = async (traced: boolean) => {
      const own = await startFakeElevenLabsSocket({ bytesPerCharacter: 10, chunkSize: 7, delayMs: 1, apiKey: API_KEY });
      const wrap = (socket: WebSocket) => (traced ? traceTextToSpeechSocket(socket) : socket);
      try {
        const socket = wrap(open(own));
        const shape = { keys: Object.keys(socket), listeners: socket.eventNames().map((e) => [e, socket.listenerCount(e)]) };
        const ok = await speak(socket);
        own.closeAfterText(1011, 'internal');
        const failed = await speak(wrap(open(own)));
        own.rejectNext(401);
        const refused = wrap(open(own));
        const refusal = listen(refused);
        await refusal.closed;
        // Timing marks aside (they differ from run to run).
        const plain = ({ firstTextAt: _t, firstAudioAt: _a, ...seen }: Seen) => seen;
        return { shape, ok: plain(ok), failed: plain(failed), refused: plain(refusal.seen), received: own.sessions.map((s) => s.received) };
      } finally {
        await own.close();
      }
    };
    const without = await run(false);
    assert.equal(telemetry.exporter.getFinishedSpans().length, 0);
    const withAimeter = await run(true);
    assert.equal(telemetry.exporter.getFinishedSpans().length, 3);
    assert.deepEqual(withAimeter, without);
    assert.ok(without.ok.messages.length > 10, 'many small audio messages');
  });
});
