/**
 * End to end: an unmodified app (CommonJS and ESM) calls the real Deepgram and ElevenLabs SDKs
 * over HTTP, runs a Deepgram live session over a WebSocket and an ElevenLabs WebSocket session
 * traced with traceTextToSpeechSocket (loopback fakes) under `aimeter/register`; /metrics,
 * scraped over HTTP, holds the exact numbers. Apps: speech-app.ts / speech-app.mts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseExposition, sum } from '../helpers/exposition';
import { freePort, REPO_ROOT, scrape, startChildApp } from '../helpers/child-app';

// Rates from prices/prices.yaml: nova-3 $0.0043 per minute; eleven_multilingual_v2 $100 per 1M characters.
const STT = { gen_ai_operation_name: 'speech_to_text', gen_ai_provider_name: 'deepgram', gen_ai_request_model: 'nova-3' };
const TTS = { gen_ai_operation_name: 'text_to_speech', gen_ai_provider_name: 'elevenlabs', gen_ai_request_model: 'eleven_multilingual_v2' };
const CHARACTERS = 25; // 'twenty-five characters!!.'
// The WebSocket sessions (live-sessions.ts): 1.5 s of live audio; 23 characters, 64 bytes each.
const LIVE = { ...STT, gen_ai_response_model: 'nova-3' };
const TTS_SOCKET = { ...TTS, gen_ai_request_model: 'eleven_flash_v2_5' };
const SOCKET_CHARACTERS = 23;

for (const [kind, flag, file] of [
  ['CommonJS', '--require', 'speech-app.js'],
  ['ESM', '--import', 'speech-app.mjs'],
] as const) {
  test(`${kind}: Deepgram and ElevenLabs calls of an unmodified app are on /metrics, exactly`, async () => {
    const port = await freePort();
    const app = await startChildApp([flag, 'aimeter/register', path.join(REPO_ROOT, 'dist', 'test', 'speech', file)], {
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
    }, { timeoutMs: 60_000 }); // loading @elevenlabs/elevenlabs-js (thousands of files) takes 15 s on a loaded machine
    try {
      const m = parseExposition((await scrape(port)).body);
      // 2 pre-recorded calls of 45 s and a live session of 1.5 s.
      assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', STT), 3);
      assert.equal(sum(m, 'aimeter_speech_to_text_audio_duration_seconds_total', STT), 91.5);
      assert.equal(sum(m, 'aimeter_speech_to_text_real_time_factor_count', STT), 3);
      assert.ok(Math.abs(sum(m, 'aimeter_cost_usd_total', STT) - (91.5 / 60) * 0.0043) < 1e-9);
      assert.equal(sum(m, 'aimeter_speech_to_text_time_to_first_transcript_seconds_count', LIVE), 1);
      assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', TTS_SOCKET), 1);
      assert.equal(sum(m, 'aimeter_text_to_speech_characters_total', TTS_SOCKET), SOCKET_CHARACTERS);
      assert.equal(sum(m, 'aimeter_text_to_speech_audio_size_bytes_total', TTS_SOCKET), SOCKET_CHARACTERS * 64);
      assert.equal(sum(m, 'aimeter_text_to_speech_time_to_first_audio_seconds_count', TTS_SOCKET), 1);
      assert.ok(Math.abs(sum(m, 'aimeter_cost_usd_total', TTS_SOCKET) - (SOCKET_CHARACTERS * 50) / 1e6) < 1e-12);
      assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', TTS), 2);
      assert.equal(sum(m, 'aimeter_text_to_speech_characters_total', TTS), 2 * CHARACTERS);
      assert.equal(sum(m, 'aimeter_text_to_speech_audio_size_bytes_total', TTS), 2 * CHARACTERS * 40);
      assert.equal(sum(m, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', TTS), 2);
      assert.ok(Math.abs(sum(m, 'aimeter_cost_usd_total', TTS) - (2 * CHARACTERS * 100) / 1e6) < 1e-9);
    } finally {
      assert.equal(await app.stop(), 0);
    }
  });
}
