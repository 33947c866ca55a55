/**
 * Streams returned from traced functions: the caller gets exactly the same values (differential:
 * the same producer consumed untraced and traced), the span ends when the stream ends, fails,
 * or is abandoned, and time to first chunk is recorded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traceLlm, traceSpeechToText, traceTextToSpeech } from '../../src/api';
import { setupTelemetry } from '../helpers/telemetry';
import { sum } from '../helpers/exposition';
import { close, durationSeconds, sleep, spanNamed } from './util';

interface Chunk {
  readonly delta: string;
  readonly usage?: { prompt: number; completion: number };
}

/** A fake model stream: a first-chunk delay, then chunks a few ms apart, usage on the last. */
async function* modelStream(log: string[] = [], failAfter?: number): AsyncGenerator<Chunk, string, undefined> {
  try {
    await sleep(25);
    const parts = ['Hel', 'lo', ' world'];
    for (let i = 0; i < parts.length; i++) {
      if (failAfter === i) throw new StreamBroke('connection reset mid-stream');
      if (i > 0) await sleep(8);
      yield { delta: parts[i]!, ...(i === parts.length - 1 ? { usage: { prompt: 12, completion: 3 } } : {}) };
    }
    return 'done';
  } finally {
    log.push('finally');
  }
}

class StreamBroke extends Error {
  override name = 'StreamBroke';
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of iterable) out.push(value);
  return out;
}

const gpt = { provider: 'openai', model: 'gpt-4o-mini' } as const;

test('differential: a returned async generator yields the same values, traced or not', async () => {
  const plain = await collect(modelStream());
  const t = setupTelemetry();
  try {
    const traced = await collect(
      traceLlm({ ...gpt, usageFromChunk: (c: Chunk) => (c.usage ? { inputTokens: c.usage.prompt, outputTokens: c.usage.completion } : undefined) }, () =>
        modelStream(),
      ),
    );
    assert.deepEqual(traced, plain);
    assert.equal(traced.length, 3);

    const span = spanNamed(t.exporter, 'chat gpt-4o-mini');
    assert.equal(span.attributes['gen_ai.request.stream'], true, 'marked as a stream automatically');
    assert.equal(span.attributes['aimeter.response.chunks'], 3);
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 12);
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], 3);
    const ttfc = span.attributes['gen_ai.response.time_to_first_chunk'] as number;
    assert.ok(ttfc >= 0.02, `TTFT ${ttfc} covers the first-chunk delay`);
    assert.ok(ttfc < durationSeconds(span), `TTFT ${ttfc} < duration ${durationSeconds(span)}`);
    assert.ok(durationSeconds(span) >= 0.035, 'the span lasted until the stream ended');

    const m = t.scrape();
    assert.equal(sum(m, 'gen_ai_client_operation_time_to_first_chunk_seconds_count'), 1);
    close(sum(m, 'gen_ai_client_operation_time_to_first_chunk_seconds_sum'), ttfc, 'TTFT metric');
    assert.equal(sum(m, 'gen_ai_client_operation_time_per_output_chunk_seconds_count'), 1);
    assert.equal(sum(m, 'aimeter_tokens_total', { gen_ai_token_type: 'input' }), 12);
    close(sum(m, 'aimeter_cost_usd_total'), (12 * 0.15 + 3 * 0.6) / 1e6, 'stream cost');
  } finally {
    await t.shutdown();
  }
});

test('a promise of a stream (async fn) is handed back as a promise of the observed stream', async () => {
  const t = setupTelemetry();
  try {
    const stream = await traceLlm({ ...gpt, stream: true }, async () => {
      await sleep(1);
      return modelStream();
    });
    assert.equal(t.exporter.getFinishedSpans().length, 0, 'span still open until the stream is consumed');
    const values = await collect(stream);
    assert.deepEqual(values.map((c) => c.delta), ['Hel', 'lo', ' world']);
    const span = spanNamed(t.exporter, 'chat gpt-4o-mini');
    assert.equal(span.attributes['aimeter.response.chunks'], 3);
    assert.ok((span.attributes['gen_ai.response.time_to_first_chunk'] as number) < durationSeconds(span));
  } finally {
    await t.shutdown();
  }
});

test('breaking out of the stream early ends the span and closes the producer', async () => {
  const t = setupTelemetry();
  try {
    const log: string[] = [];
    const stream = traceLlm(gpt, () => modelStream(log));
    for await (const chunk of stream) {
      assert.equal(chunk.delta, 'Hel');
      break;
    }
    assert.deepEqual(log, ['finally'], 'return() reached the generator');
    const span = spanNamed(t.exporter, 'chat gpt-4o-mini');
    assert.equal(span.attributes['aimeter.response.chunks'], 1);
    assert.equal(span.attributes['error.type'], undefined, 'abandoning is not an error');
    assert.equal(sum(t.scrape(), 'gen_ai_client_operation_duration_seconds_count', { error_type: '' }), 1);
  } finally {
    await t.shutdown();
  }
});

test('an error mid-stream reaches the caller unchanged and fails the span', async () => {
  let plainError: unknown;
  try {
    await collect(modelStream([], 1));
  } catch (error) {
    plainError = error;
  }
  const t = setupTelemetry();
  try {
    const received: string[] = [];
    let tracedError: unknown;
    try {
      for await (const chunk of traceLlm(gpt, () => modelStream([], 1))) received.push(chunk.delta);
    } catch (error) {
      tracedError = error;
    }
    assert.deepEqual(received, ['Hel']);
    assert.ok(tracedError instanceof StreamBroke);
    assert.equal((tracedError as Error).message, (plainError as Error).message);
    const span = spanNamed(t.exporter, 'chat gpt-4o-mini');
    assert.equal(span.attributes['error.type'], 'StreamBroke');
    assert.equal(sum(t.scrape(), 'gen_ai_client_operation_duration_seconds_count', { error_type: 'StreamBroke' }), 1);
  } finally {
    await t.shutdown();
  }
});

/** An SDK-style stream object: private state, extra methods, iterable once. */
class SdkStream {
  readonly controller = new AbortController();
  #parts: string[];
  #consumed = false;
  constructor(parts: string[]) {
    this.#parts = parts;
  }
  async *[Symbol.asyncIterator](): AsyncGenerator<string> {
    if (this.#consumed) throw new Error('Cannot iterate over a consumed stream');
    this.#consumed = true;
    for (const part of this.#parts) {
      await sleep(5);
      yield part;
    }
  }
  describe(): string {
    return `stream of ${this.#parts.length}`;
  }
}

test('an SDK stream object keeps its class, fields and methods; its iteration is observed', async () => {
  const t = setupTelemetry();
  try {
    const original = new SdkStream(['a', 'b']);
    const stream = await traceLlm(gpt, async () => original);
    assert.ok(stream instanceof SdkStream);
    assert.equal(stream.controller, original.controller, 'same controller object');
    assert.equal(stream.describe(), 'stream of 2', 'methods using private fields work');
    assert.equal(stream.describe, stream.describe, 'method identity is stable');
    assert.deepEqual(await collect(stream), ['a', 'b']);
    await assert.rejects(collect(stream), /consumed stream/, 'iterating twice fails as it would untraced');
    const span = spanNamed(t.exporter, 'chat gpt-4o-mini');
    assert.equal(span.attributes['aimeter.response.chunks'], 2);
  } finally {
    await t.shutdown();
  }
});

test('a function that consumes a stream itself reports chunks by hand', async () => {
  const t = setupTelemetry();
  try {
    const text = await traceLlm({ ...gpt, stream: true }, async (call) => {
      let out = '';
      for await (const chunk of modelStream()) {
        call.chunk();
        out += chunk.delta;
      }
      return out;
    });
    assert.equal(text, 'Hello world');
    const span = spanNamed(t.exporter, 'chat gpt-4o-mini');
    assert.equal(span.attributes['aimeter.response.chunks'], 3);
    assert.ok((span.attributes['gen_ai.response.time_to_first_chunk'] as number) >= 0.02);
  } finally {
    await t.shutdown();
  }
});

async function* audio(): AsyncGenerator<Buffer> {
  await sleep(20);
  for (let i = 0; i < 3; i++) {
    if (i > 0) await sleep(5);
    yield Buffer.alloc(1000 + i, i);
  }
}

test('text-to-speech stream: first audio byte, audio size counted, characters priced', async () => {
  const plain = await collect(audio());
  const t = setupTelemetry();
  try {
    const text = 'x'.repeat(1000);
    const chunks = await collect(traceTextToSpeech({ provider: 'openai', model: 'tts-1', characters: text.length }, () => audio()));
    assert.deepEqual(chunks, plain);
    const span = spanNamed(t.exporter, 'text_to_speech tts-1');
    assert.equal(span.attributes['aimeter.speech.audio.size'], 3003);
    assert.equal(span.attributes['aimeter.speech.characters'], 1000);
    assert.ok((span.attributes['gen_ai.response.time_to_first_chunk'] as number) >= 0.015);
    const m = t.scrape();
    assert.equal(sum(m, 'aimeter_text_to_speech_audio_size_bytes_total'), 3003);
    assert.equal(sum(m, 'aimeter_text_to_speech_characters_total'), 1000);
    // prices/prices.yaml: openai tts-1 $15 per 1M characters.
    close(sum(m, 'aimeter_cost_usd_total', { gen_ai_operation_name: 'text_to_speech' }), 0.015, 'tts cost');
    assert.equal(sum(m, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', { gen_ai_operation_name: 'text_to_speech' }), 1);
  } finally {
    await t.shutdown();
  }
});

test('text-to-speech: a bytes result is measured; setAudioSize wins over the automatic size', async () => {
  const t = setupTelemetry();
  try {
    const bytes = new Uint8Array(512);
    assert.equal(traceTextToSpeech({ provider: 'openai', model: 'tts-1', characters: 10 }, () => bytes), bytes);
    await traceTextToSpeech({ provider: 'openai', model: 'tts-1-hd' }, async (call) => {
      call.setCharacters(20);
      call.setAudioSize(4096);
      return new Uint8Array(10);
    });
    assert.equal(spanNamed(t.exporter, 'text_to_speech tts-1').attributes['aimeter.speech.audio.size'], 512);
    assert.equal(spanNamed(t.exporter, 'text_to_speech tts-1-hd').attributes['aimeter.speech.audio.size'], 4096);
    // tts-1: 10 chars * $15/1M; tts-1-hd: 20 chars * $30/1M.
    close(sum(t.scrape(), 'aimeter_cost_usd_total'), (10 * 15 + 20 * 30) / 1e6, 'tts cost');
  } finally {
    await t.shutdown();
  }
});

test('speech-to-text: audio seconds, real-time factor and per-minute price', async () => {
  const t = setupTelemetry();
  try {
    const transcript = await traceSpeechToText({ provider: 'openai', model: 'gpt-4o-mini-transcribe' }, async (call) => {
      await sleep(5);
      call.setAudioDuration(30);
      call.setResponse({ model: 'gpt-4o-mini-transcribe' });
      return { text: 'hello' };
    });
    assert.deepEqual(transcript, { text: 'hello' });
    await traceSpeechToText({ provider: 'openai', model: 'gpt-4o-mini-transcribe', audioSeconds: 90 }, () => 'ok');
    const m = t.scrape();
    assert.equal(sum(m, 'aimeter_speech_to_text_audio_duration_seconds_total'), 120);
    assert.equal(sum(m, 'aimeter_speech_to_text_real_time_factor_count'), 2);
    // prices/prices.yaml: gpt-4o-mini-transcribe $0.003 per minute -> 2 minutes.
    close(sum(m, 'aimeter_cost_usd_total', { gen_ai_operation_name: 'speech_to_text' }), 0.006, 'stt cost');
  } finally {
    await t.shutdown();
  }
});
