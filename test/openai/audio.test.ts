/**
 * Audio: transcriptions / translations (speech_to_text: seconds of audio from the response or from
 * the WAV upload, token usage for token-billed models, real-time factor, dollars) and speech
 * (text_to_speech: characters, bytes, time to first byte; the Response stays fully usable).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sum } from '../helpers/exposition';
import { fakeWav } from '../../examples/fake-provider/openai';
import { startHarness, waitForSpans, type Harness } from './harness';

let h: Harness;
let tmp: string;
before(async () => {
  h = await startHarness({ fake: { chunkDelayMs: 5 } });
  tmp = mkdtempSync(path.join(os.tmpdir(), 'aimeter-openai-audio-'));
});
after(async () => {
  await h.close();
});

const PER_MINUTE_WHISPER = 0.006;
const TTS1_PER_CHAR = 15e-6;

describe('speech_to_text', () => {
  test('whisper-1 verbose_json: duration from the response, RTF, dollars', async () => {
    h.reset();
    const file = await h.mod.toFile(fakeWav(2.5), 'clip.wav', { type: 'audio/wav' });
    const res = await h.client().audio.transcriptions.create({ model: 'whisper-1', file, response_format: 'verbose_json' });
    assert.equal(res.duration, 2.5);
    const [span] = await waitForSpans(h, 1);
    assert.equal(span!.name, 'speech_to_text whisper-1');
    assert.equal(span!.attributes['gen_ai.operation.name'], 'speech_to_text');
    assert.equal(span!.attributes['aimeter.speech.audio.duration'], 2.5);
    const m = h.telemetry.scrape();
    const where = { gen_ai_operation_name: 'speech_to_text', gen_ai_request_model: 'whisper-1' };
    assert.equal(sum(m, 'aimeter_speech_to_text_audio_duration_seconds_total', where), 2.5);
    assert.ok(Math.abs(sum(m, 'aimeter_cost_usd_total', where) - (2.5 * PER_MINUTE_WHISPER) / 60) < 1e-12);
    const duration = span!.duration[0] + span!.duration[1] / 1e9;
    assert.equal(sum(m, 'aimeter_speech_to_text_real_time_factor_count', where), 1);
    assert.ok(Math.abs(sum(m, 'aimeter_speech_to_text_real_time_factor_sum', where) - duration / 2.5) < 1e-9);
  });

  test('whisper-1 json: seconds from usage {type: duration}', async () => {
    h.reset();
    const file = await h.mod.toFile(fakeWav(2.5), 'clip.wav');
    const res = await h.client().audio.transcriptions.create({ model: 'whisper-1', file });
    assert.deepEqual(res.usage, { type: 'duration', seconds: 3 });
    const [span] = await waitForSpans(h, 1);
    assert.equal(span!.attributes['aimeter.speech.audio.duration'], 3);
  });

  test('gpt-4o-transcribe json: token usage, seconds from the WAV header of a File', async () => {
    h.reset();
    const file = await h.mod.toFile(fakeWav(2.5), 'clip.wav');
    const res = await h.client().audio.transcriptions.create({ model: 'gpt-4o-transcribe', file, prompt: 'names: Ada Lovelace' });
    // audio tokens = ceil(2.5 * 10) = 25, text tokens = 3 -> input 28; output = 7 words.
    assert.equal(res.usage.type, 'tokens');
    const [span] = await waitForSpans(h, 1);
    assert.equal(span!.attributes['gen_ai.usage.input_tokens'], 28);
    assert.equal(span!.attributes['gen_ai.usage.output_tokens'], 7);
    assert.equal(span!.attributes['aimeter.speech.audio.duration'], 2.5);
  });

  test('text format from an fs.ReadStream: seconds from the file header', async () => {
    h.reset();
    const wavPath = path.join(tmp, 'a.wav');
    writeFileSync(wavPath, fakeWav(1.5, 8000));
    const text = await h.client().audio.transcriptions.create({ model: 'whisper-1', file: createReadStream(wavPath), response_format: 'text' });
    assert.equal(typeof text, 'string');
    const [span] = await waitForSpans(h, 1);
    assert.equal(span!.attributes['aimeter.speech.audio.duration'], 1.5);
  });

  test('translations: json has no usage -> seconds from the upload; verbose_json duration', async () => {
    h.reset();
    const client = h.client();
    await client.audio.translations.create({ model: 'whisper-1', file: await h.mod.toFile(fakeWav(4), 'fr.wav') });
    await client.audio.translations.create({ model: 'whisper-1', file: await h.mod.toFile(fakeWav(1.25), 'fr.wav'), response_format: 'verbose_json' });
    const spans = await waitForSpans(h, 2);
    assert.deepEqual(spans.map((s) => s.attributes['aimeter.speech.audio.duration']), [4, 1.25]);
    assert.ok(spans.every((s) => s.attributes['gen_ai.operation.name'] === 'speech_to_text'));
  });

  test('streamed transcription: chunks and token usage from transcript.text.done', async () => {
    h.reset();
    const stream = await h.client().audio.transcriptions.create({ model: 'gpt-4o-mini-transcribe', file: await h.mod.toFile(fakeWav(2), 'a.wav'), stream: true });
    const types: string[] = [];
    for await (const e of stream) types.push(e.type);
    assert.equal(types.at(-1), 'transcript.text.done');
    const [span] = await waitForSpans(h, 1);
    assert.equal(span!.attributes['aimeter.response.chunks'], 7);
    assert.equal(span!.attributes['gen_ai.usage.input_tokens'], 20);
    assert.equal(span!.attributes['gen_ai.usage.output_tokens'], 7);
    assert.equal(span!.attributes['aimeter.speech.audio.duration'], 2);
  });

  test('unsupported audio container: no seconds rather than a guess', async () => {
    h.reset();
    await h.client().audio.transcriptions.create({ model: 'gpt-4o-transcribe', file: await h.mod.toFile(Buffer.alloc(3200, 1), 'a.mp3') });
    const [span] = await waitForSpans(h, 1);
    assert.equal(span!.attributes['aimeter.speech.audio.duration'], undefined);
    assert.equal(span!.attributes['gen_ai.usage.input_tokens'], 1);
  });
});

describe('text_to_speech', () => {
  const input = 'Hello world, this is a test of speech.'; // 38 characters -> 1.9 s of audio

  test('mp3: characters, bytes, time to first byte, dollars; the Response is untouched (arrayBuffer)', async () => {
    const run = async () => {
      const res = await h.client().audio.speech.create({ model: 'tts-1', voice: 'alloy', input });
      return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
    };
    h.ours!.disable();
    const off = await run();
    h.ours!.enable();
    h.reset();
    const on = await run();
    assert.equal(on.status, off.status);
    assert.equal(on.type, off.type);
    assert.ok(on.bytes.equals(off.bytes));
    assert.equal(on.bytes.length, 30400);
    const [span] = await waitForSpans(h, 1);
    assert.equal(span!.name, 'text_to_speech tts-1');
    assert.equal(span!.attributes['gen_ai.operation.name'], 'text_to_speech');
    assert.equal(span!.attributes['gen_ai.output.type'], 'speech');
    assert.equal(span!.attributes['aimeter.speech.characters'], 38);
    assert.equal(span!.attributes['aimeter.speech.audio.size'], 30400);
    const ttfb = span!.attributes['gen_ai.response.time_to_first_chunk'] as number;
    const duration = span!.duration[0] + span!.duration[1] / 1e9;
    assert.ok(ttfb > 0 && ttfb < duration, `TTFB ${ttfb} < ${duration}`);
    // The body arrives over 8 chunks 5 ms apart; a busy event loop may see the first chunk late,
    // so ask only that first-byte time is clearly before the end (two gaps of margin).
    assert.ok(duration - ttfb >= 0.005 * 2, `the first byte (${ttfb}s) comes well before the end (${duration}s)`);
    const m = h.telemetry.scrape();
    const where = { gen_ai_operation_name: 'text_to_speech', gen_ai_request_model: 'tts-1' };
    assert.equal(sum(m, 'aimeter_text_to_speech_characters_total', where), 38);
    assert.equal(sum(m, 'aimeter_text_to_speech_audio_size_bytes_total', where), 30400);
    assert.ok(Math.abs(sum(m, 'aimeter_cost_usd_total', where) - 38 * TTS1_PER_CHAR) < 1e-12);
    assert.equal(sum(m, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', where), 1);
  });

  test('pcm read through .body: same bytes as without aimeter, audio seconds from the size', async () => {
    const run = async () => {
      const res = await h.client().audio.speech.create({ model: 'gpt-4o-mini-tts', voice: 'alloy', input, response_format: 'pcm' });
      const parts: Buffer[] = [];
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) parts.push(Buffer.from(chunk));
      return Buffer.concat(parts);
    };
    h.ours!.disable();
    const off = await run();
    h.ours!.enable();
    h.reset();
    const on = await run();
    assert.ok(on.equals(off));
    assert.equal(on.length, 91200);
    const [span] = await waitForSpans(h, 1);
    assert.equal(span!.attributes['aimeter.speech.audio.size'], 91200);
    assert.equal(span!.attributes['aimeter.speech.audio.duration'], 1.9);
  });

  test('wav: audio seconds from the header; errors end the span with error.type', async () => {
    h.reset();
    const res = await h.client().audio.speech.create({ model: 'tts-1', voice: 'alloy', input, response_format: 'wav' });
    assert.equal((await res.arrayBuffer()).byteLength, 91244);
    await assert.rejects(h.client().audio.speech.create({ model: 'fail-500', voice: 'alloy', input }), (e: any) => e.status === 500);
    const spans = await waitForSpans(h, 2);
    assert.equal(spans[0]!.attributes['aimeter.speech.audio.duration'], 1.9);
    assert.equal(spans[1]!.attributes['error.type'], '500');
    assert.equal(spans[1]!.attributes['aimeter.speech.characters'], 38);
  });
});
