/**
 * End to end: an unmodified app (CommonJS and ESM) calls the real Deepgram and ElevenLabs SDKs
 * over HTTP (loopback fakes) under `aimeter/register`; /metrics, scraped over HTTP, holds the
 * exact numbers. Apps: speech-app.ts / speech-app.mts.
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

for (const [kind, flag, file] of [
  ['CommonJS', '--require', 'speech-app.js'],
  ['ESM', '--import', 'speech-app.mjs'],
] as const) {
  test(`${kind}: Deepgram and ElevenLabs calls of an unmodified app are on /metrics, exactly`, async () => {
    const port = await freePort();
    const app = await startChildApp([flag, 'aimeter/register', path.join(REPO_ROOT, 'dist', 'test', 'speech', file)], {
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
    });
    try {
      const m = parseExposition((await scrape(port)).body);
      assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', STT), 2);
      assert.equal(sum(m, 'aimeter_speech_to_text_audio_duration_seconds_total', STT), 90);
      assert.equal(sum(m, 'aimeter_speech_to_text_real_time_factor_count', STT), 2);
      assert.ok(Math.abs(sum(m, 'aimeter_cost_usd_total', STT) - 1.5 * 0.0043) < 1e-9);
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
