/**
 * ElevenLabs text-to-speech: the real @elevenlabs/elevenlabs-js (2.x) over HTTP against a
 * loopback server speaking ElevenLabs' wire format (examples/fake-provider/elevenlabs.ts):
 * audio/mpeg bytes, chunked with small delays on /stream.
 */
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { ReadableStream as WebReadableStream } from 'node:stream/web';
import { SpanStatusCode } from '@opentelemetry/api';
import { ElevenLabsInstrumentation } from '../../instrumentations/elevenlabs';
import { setRuntimeSettings } from '../../src/config/runtime';
import { startFakeElevenLabs, type FakeElevenLabs } from '../../examples/fake-provider/elevenlabs';
import { find, sum } from '../helpers/exposition';
import type { TestTelemetry } from '../helpers/telemetry';
import { assertClose, assertNoSpanWhenDisabled, describeError, durationSeconds, endTelemetry, offThenOn, onlySpan, splitTimeToFirstChunk, streamedCallAttributes, telemetryWith, thrown } from './util';

// The instrumentation hooks `require` when constructed: load the SDK after it.
const instrumentation = new ElevenLabsInstrumentation();
const sdk = require('@elevenlabs/elevenlabs-js') as typeof import('@elevenlabs/elevenlabs-js');
const { ElevenLabsClient, ElevenLabsError, ElevenLabs } = sdk;

// Rates from prices/prices.yaml (dollars per 1,000,000 characters).
const MULTILINGUAL_V2_PER_MILLION = 100.0;
const FLASH_V2_5_PER_MILLION = 50.0;

const API_KEY = 'el-test-key';
const VOICE = 'JBFqnCBsd6RMkjVDRZzb';
const MODEL = 'eleven_multilingual_v2';
/** 30 characters (code points); 31 UTF-16 code units because of the emoji. */
const TEXT = 'Hello from aimeter, ünïcödé 👋!';
const TEXT_CHARACTERS = 30;
const BYTES_PER_CHARACTER = 100;
const TEXT_BYTES = TEXT_CHARACTERS * BYTES_PER_CHARACTER; // 3000 bytes of audio
const CHUNK = 512;

function client(fake: FakeElevenLabs, apiKey = API_KEY) {
  return new ElevenLabsClient({ apiKey, baseUrl: fake.url, maxRetries: 0 });
}

function fakeOptions() {
  return { apiKey: API_KEY, bytesPerCharacter: BYTES_PER_CHARACTER, chunkSize: CHUNK, firstByteDelayMs: 20, chunkDelayMs: 4 };
}

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<{ bytes: Buffer; chunks: number }> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk));
  return { bytes: Buffer.concat(parts), chunks: parts.length };
}

const TTS = { gen_ai_operation_name: 'text_to_speech', gen_ai_provider_name: 'elevenlabs' };

describe('elevenlabs: text-to-speech spans and metrics', () => {
  let telemetry: TestTelemetry;
  let fake: FakeElevenLabs;

  beforeEach(async () => {
    telemetry = telemetryWith(instrumentation);
    fake = await startFakeElevenLabs(fakeOptions());
  });
  afterEach(async () => {
    await fake.close();
    await endTelemetry(telemetry);
  });

  test('stream: characters, bytes, time to first audio byte, cost', async () => {
    const audio = await client(fake).textToSpeech.stream(VOICE, { text: TEXT, modelId: MODEL, outputFormat: 'mp3_44100_128' });
    assert.ok(audio instanceof WebReadableStream);
    // Nothing is read yet: the span is still open.
    assert.equal(telemetry.exporter.getFinishedSpans().length, 0);
    const { bytes, chunks } = await readAll(audio);
    assert.deepEqual(bytes, fake.audioFor(TEXT));
    assert.equal(bytes.length, TEXT_BYTES);
    assert.ok(chunks >= 2, `expected several chunks, got ${chunks}`);

    // The request went over the wire as ElevenLabs expects it.
    const req = fake.requests[0]!;
    assert.equal(req.path, `/v1/text-to-speech/${VOICE}/stream`);
    assert.equal(req.query.output_format, 'mp3_44100_128');
    assert.equal(req.headers['xi-api-key'], API_KEY);
    assert.equal(req.json?.model_id, MODEL);

    const span = onlySpan(telemetry);
    assert.equal(span.name, `text_to_speech ${MODEL}`);
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    const { timeToFirstChunk: ttfb, rest } = splitTimeToFirstChunk(span);
    assert.deepEqual(rest, {
      ...streamedCallAttributes('text_to_speech', 'elevenlabs', MODEL, fake.url),
      'aimeter.speech.voice.id': VOICE,
      'aimeter.speech.characters': TEXT_CHARACTERS,
      'aimeter.speech.audio.size': TEXT_BYTES,
      'gen_ai.response.id': 'req_00000000000000000001',
      // One chunk() per call (the first audio byte): network chunking of audio means nothing.
      'aimeter.response.chunks': 1,
    });
    const seconds = durationSeconds(span);
    // The fake waits 20 ms before the first byte, then sends 512-byte chunks 4 ms apart.
    assert.ok(ttfb >= 0.015 && ttfb < seconds, `ttfb ${ttfb} vs duration ${seconds}`);

    const m = telemetry.scrape();
    const labels = { ...TTS, gen_ai_request_model: MODEL };
    assert.equal(sum(m, 'aimeter_text_to_speech_characters_total', labels), 30);
    assert.equal(sum(m, 'aimeter_text_to_speech_audio_size_bytes_total', labels), 3000);
    // 30 characters at $100 per million.
    assertClose(sum(m, 'aimeter_cost_usd_total', labels), (TEXT_CHARACTERS * MULTILINGUAL_V2_PER_MILLION) / 1e6, 'cost');
    assertClose(sum(m, 'aimeter_cost_usd_total', labels), 0.003, 'cost (literal)');
    assert.equal(sum(m, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', labels), 1);
    assertClose(sum(m, 'gen_ai_client_operation_time_to_first_chunk_seconds_sum', labels), ttfb, 'ttfb metric');
    // 0.015 <= ttfb: never in the 0.01 bucket; a loopback call stays under 1.28 s.
    assert.equal(find(m, 'gen_ai_client_operation_time_to_first_chunk_seconds_bucket', { ...labels, le: '0.01' })[0]!.value, 0);
    assert.equal(find(m, 'gen_ai_client_operation_time_to_first_chunk_seconds_bucket', { ...labels, le: '1.28' })[0]!.value, 1);
    assert.equal(find(m, 'gen_ai_client_operation_time_per_output_chunk_seconds_count', TTS).length, 0);
    assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { ...labels, error_type: '' }), 1);
    assertClose(sum(m, 'gen_ai_client_operation_duration_seconds_sum', labels), seconds, 'duration');
    assert.equal(find(m, 'aimeter_tokens_total', TTS).length, 0);
    assert.equal(sum(m, 'aimeter_unpriced_operations_total', TTS), 0);
  });

  test('convert: whole body, bytes and characters, time to first byte, flash price', async () => {
    const audio = await client(fake).textToSpeech.convert(VOICE, { text: 'Short one.', modelId: 'eleven_flash_v2_5' });
    const { bytes } = await readAll(audio);
    assert.equal(bytes.length, 1000);
    assert.equal(fake.requests[0]!.path, `/v1/text-to-speech/${VOICE}`);
    const span = onlySpan(telemetry);
    assert.equal(span.name, 'text_to_speech eleven_flash_v2_5');
    assert.equal(span.attributes['gen_ai.request.stream'], false);
    assert.equal(span.attributes['aimeter.speech.characters'], 10);
    assert.equal(span.attributes['aimeter.speech.audio.size'], 1000);
    const ttfb = span.attributes['gen_ai.response.time_to_first_chunk'] as number;
    assert.ok(ttfb >= 0.015 && ttfb <= durationSeconds(span), `ttfb ${ttfb}`);
    const m = telemetry.scrape();
    const labels = { ...TTS, gen_ai_request_model: 'eleven_flash_v2_5' };
    assertClose(sum(m, 'aimeter_cost_usd_total', labels), (10 * FLASH_V2_5_PER_MILLION) / 1e6, 'cost');
    assert.equal(sum(m, 'aimeter_text_to_speech_audio_size_bytes_total', labels), 1000);
    assert.equal(sum(m, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', labels), 1);
  });

  test('no modelId: no request model, counted as unpriced (never guessed)', async () => {
    await readAll(await client(fake).textToSpeech.convert(VOICE, { text: 'abc' }));
    const span = onlySpan(telemetry);
    assert.equal(span.name, 'text_to_speech');
    assert.equal(span.attributes['gen_ai.request.model'], undefined);
    const m = telemetry.scrape();
    assert.equal(sum(m, 'aimeter_unpriced_operations_total', TTS), 1);
    assert.equal(sum(m, 'aimeter_text_to_speech_characters_total', TTS), 3);
  });

  test('withRawResponse(): headers and body, same measurements', async () => {
    const { data, rawResponse } = await client(fake).textToSpeech.stream(VOICE, { text: TEXT, modelId: MODEL }).withRawResponse();
    assert.equal(rawResponse.status, 200);
    assert.equal(rawResponse.headers.get('content-type'), 'audio/mpeg');
    assert.equal(rawResponse.headers.get('character-cost'), '30');
    const { bytes } = await readAll(data);
    assert.equal(bytes.length, TEXT_BYTES);
    assert.equal(onlySpan(telemetry).attributes['aimeter.speech.audio.size'], TEXT_BYTES);
  });

  test('a BYOB reader still works on the body (it stays a byte stream)', async () => {
    const audio = await client(fake).textToSpeech.stream(VOICE, { text: TEXT, modelId: MODEL });
    const reader = audio.getReader({ mode: 'byob' });
    const parts: Buffer[] = [];
    for (;;) {
      const { done, value } = await reader.read(new Uint8Array(700));
      if (done) break;
      parts.push(Buffer.from(value));
    }
    assert.deepEqual(Buffer.concat(parts), fake.audioFor(TEXT));
    assert.equal(onlySpan(telemetry).attributes['aimeter.speech.audio.size'], TEXT_BYTES);
  });

  test('abandoned stream (reader cancelled): span ends with what was read', async () => {
    const audio = await client(fake).textToSpeech.stream(VOICE, { text: TEXT, modelId: MODEL });
    const reader = audio.getReader();
    const first = await reader.read();
    assert.equal(first.value!.byteLength, CHUNK);
    await reader.cancel('not needed');
    const span = onlySpan(telemetry);
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    assert.equal(span.attributes['aimeter.response.abandoned'], true);
    assert.equal(span.attributes['aimeter.speech.audio.size'], CHUNK);
    assert.equal(span.attributes['aimeter.response.chunks'], 1);
    assert.equal(span.attributes['aimeter.speech.characters'], TEXT_CHARACTERS); // generation was billed
    const m = telemetry.scrape();
    assert.equal(sum(m, 'aimeter_text_to_speech_audio_size_bytes_total', TTS), CHUNK);
    assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { ...TTS, error_type: '' }), 1);
  });

  test('abandoned stream (break out of for await): span ends', async () => {
    const audio = await client(fake).textToSpeech.stream(VOICE, { text: TEXT, modelId: MODEL });
    let seen = 0;
    for await (const chunk of audio) {
      seen += chunk.byteLength;
      if (seen >= 2 * CHUNK) break;
    }
    const span = onlySpan(telemetry);
    assert.equal(span.attributes['aimeter.response.abandoned'], true);
    assert.equal(span.attributes['aimeter.speech.audio.size'], seen);
  });

  test('stream that breaks mid-way: error span with the bytes seen', async () => {
    fake.breakNext({ afterBytes: 2048 });
    const audio = await client(fake).textToSpeech.stream(VOICE, { text: TEXT, modelId: MODEL });
    let seen = 0;
    const error = await thrown(async () => {
      for await (const chunk of audio) seen += chunk.byteLength;
    });
    assert.equal(seen, 2048);
    assert.ok(error instanceof TypeError);
    const span = onlySpan(telemetry);
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes['error.type'], 'connection_error');
    assert.equal(span.attributes['aimeter.speech.audio.size'], 2048);
    assert.ok((span.attributes['gen_ai.response.time_to_first_chunk'] as number) > 0);
    const m = telemetry.scrape();
    assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { ...TTS, error_type: 'connection_error' }), 1);
  });

  const errorCases: Array<{ name: string; arrange(fake: FakeElevenLabs): void; apiKey?: string; errorType: string; status: number; cls: string }> = [
    { name: '401 (bad key)', arrange: () => undefined, apiKey: 'wrong', errorType: '401', status: 401, cls: 'ElevenLabsError' },
    { name: '429', arrange: (f) => f.failNext({ status: 429 }), errorType: 'rate_limit', status: 429, cls: 'ElevenLabsError' },
    { name: '500', arrange: (f) => f.failNext({ status: 500 }), errorType: '500', status: 500, cls: 'ElevenLabsError' },
    { name: '422', arrange: (f) => f.failNext({ status: 422 }), errorType: '422', status: 422, cls: 'UnprocessableEntityError' },
  ];
  for (const c of errorCases) {
    for (const method of ['stream', 'convert'] as const) {
      test(`${method} error ${c.name}: error span, normalised error.type, nothing billed`, async () => {
        c.arrange(fake);
        const error = await thrown(() => client(fake, c.apiKey).textToSpeech[method](VOICE, { text: TEXT, modelId: MODEL }));
        assert.ok(error instanceof ElevenLabsError);
        assert.equal(error.constructor.name, c.cls);
        assert.equal(error.statusCode, c.status);
        const span = onlySpan(telemetry);
        assert.equal(span.status.code, SpanStatusCode.ERROR);
        assert.equal(span.attributes['error.type'], c.errorType);
        assert.equal(span.attributes['aimeter.speech.characters'], undefined);
        const m = telemetry.scrape();
        assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { ...TTS, error_type: c.errorType }), 1);
        assert.equal(find(m, 'aimeter_cost_usd_total', TTS).length, 0);
        assert.equal(find(m, 'aimeter_text_to_speech_characters_total', TTS).length, 0);
      });
    }
  }
  test('422 is the SDK class UnprocessableEntityError', async () => {
    fake.failNext({ status: 422 });
    const error = await thrown(() => client(fake).textToSpeech.convert(VOICE, { text: TEXT, modelId: MODEL }));
    assert.ok(error instanceof ElevenLabs.UnprocessableEntityError);
  });

  test('timeout: error.type timeout', async () => {
    fake.hangNext();
    const error = await thrown(() => client(fake).textToSpeech.stream(VOICE, { text: TEXT, modelId: MODEL }, { timeoutInSeconds: 0.2 }));
    assert.ok(error instanceof ElevenLabsError);
    const span = onlySpan(telemetry);
    assert.equal(span.attributes['error.type'], 'timeout');
    assert.ok(durationSeconds(span) >= 0.19);
  });

  test('content: no text on the span by default', async () => {
    await readAll(await client(fake).textToSpeech.stream(VOICE, { text: TEXT, modelId: MODEL }));
    const span = onlySpan(telemetry);
    assert.equal(span.attributes['gen_ai.input.messages'], undefined);
    assert.ok(!JSON.stringify(span.attributes).includes('aimeter, ünïcödé'));
  });

  test('content: text as gen_ai.input.messages when capture is on', async () => {
    setRuntimeSettings({ captureMessageContent: true });
    await readAll(await client(fake).textToSpeech.stream(VOICE, { text: TEXT, modelId: MODEL }));
    const span = onlySpan(telemetry);
    assert.deepEqual(JSON.parse(String(span.attributes['gen_ai.input.messages'])), [{ role: 'user', parts: [{ type: 'text', content: TEXT }] }]);
    assert.equal(span.attributes['gen_ai.output.messages'], undefined);
  });

  test('a custom fetch whose body is a Node Readable: the very same object, observed in place', async () => {
    let given: Readable | undefined;
    const nodeFetch = async (url: string, init: RequestInit) => {
      const response = await fetch(url, init);
      given = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
      return {
        ok: response.ok,
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
        url: response.url,
        redirected: response.redirected,
        type: response.type,
        body: given,
      };
    };
    const c = new ElevenLabsClient({ apiKey: API_KEY, baseUrl: fake.url, maxRetries: 0, fetch: nodeFetch as unknown as typeof fetch });
    const audio = (await c.textToSpeech.stream(VOICE, { text: TEXT, modelId: MODEL })) as unknown as Readable;
    assert.equal(audio, given);
    const { bytes } = await readAll(audio);
    assert.equal(bytes.length, TEXT_BYTES);
    const span = onlySpan(telemetry);
    assert.equal(span.attributes['aimeter.speech.audio.size'], TEXT_BYTES);
    assert.ok((span.attributes['gen_ai.response.time_to_first_chunk'] as number) > 0);
  });
});

describe('elevenlabs: differential (what the caller gets is identical with and without aimeter)', () => {
  after(() => setRuntimeSettings({ captureMessageContent: false }));

  const both = <T>(scenario: (fake: FakeElevenLabs) => Promise<T>) => offThenOn(instrumentation, () => startFakeElevenLabs(fakeOptions()), scenario);

  const describeBody = (body: unknown) => ({
    webStream: body instanceof WebReadableStream,
    tag: Object.prototype.toString.call(body),
    locked: (body as WebReadableStream).locked,
  });

  for (const method of ['stream', 'convert'] as const) {
    test(`${method}: same type, same bytes (for await)`, async () => {
      const r = await both(async (f) => {
        const audio = await client(f).textToSpeech[method](VOICE, { text: TEXT, modelId: MODEL });
        const shape = describeBody(audio);
        const { bytes } = await readAll(audio);
        return { shape, bytes: bytes.toString('base64') };
      });
      assert.deepEqual(r.on, r.off);
      assert.equal(r.on.shape.webStream, true);
      assert.equal(r.spans, 1);
    });
  }

  test('stream consumed through Response / Readable.fromWeb / pipeTo / tee', async () => {
    const r = await both(async (f) => {
      const c = client(f);
      const viaResponse = Buffer.from(await new Response(await c.textToSpeech.stream(VOICE, { text: TEXT, modelId: MODEL })).arrayBuffer());
      const viaNode = (await readAll(Readable.fromWeb((await c.textToSpeech.stream(VOICE, { text: 'node', modelId: MODEL })) as WebReadableStream<Uint8Array>))).bytes;
      const sink: Buffer[] = [];
      await (await c.textToSpeech.stream(VOICE, { text: 'pipe', modelId: MODEL })).pipeTo(new WritableStream({ write: (chunk) => void sink.push(Buffer.from(chunk)) }));
      const [a, b] = (await c.textToSpeech.stream(VOICE, { text: 'tee', modelId: MODEL })).tee();
      const [ta, tb] = await Promise.all([readAll(a), readAll(b)]);
      return [viaResponse, viaNode, Buffer.concat(sink), ta.bytes, tb.bytes].map((x) => x.toString('base64'));
    });
    assert.deepEqual(r.on, r.off);
    assert.equal(r.spans, 4);
  });

  test('byob reads', async () => {
    const r = await both(async (f) => {
      const reader = (await client(f).textToSpeech.stream(VOICE, { text: TEXT, modelId: MODEL })).getReader({ mode: 'byob' });
      const sizes: number[] = [];
      for (;;) {
        const { done, value } = await reader.read(new Uint8Array(333));
        if (done) break;
        sizes.push(value.byteLength);
      }
      return sizes.reduce((a, b) => a + b, 0);
    });
    assert.deepEqual(r.on, r.off);
  });

  test('withRawResponse', async () => {
    const r = await both(async (f) => {
      const promise = client(f).textToSpeech.stream(VOICE, { text: TEXT, modelId: MODEL });
      const { data, rawResponse } = await promise.withRawResponse();
      return {
        promiseClass: promise.constructor.name,
        status: rawResponse.status,
        requestId: rawResponse.headers.get('request-id'),
        bytes: (await readAll(data)).bytes.toString('base64'),
      };
    });
    assert.deepEqual(r.on, r.off);
    assert.equal(r.on.promiseClass, 'HttpResponsePromise');
  });

  test('cancel after the first chunk', async () => {
    const r = await both(async (f) => {
      const reader = (await client(f).textToSpeech.stream(VOICE, { text: TEXT, modelId: MODEL })).getReader();
      const first = await reader.read();
      await reader.cancel();
      const after = await reader.read();
      return { first: Buffer.from(first.value!).toString('base64'), after };
    });
    assert.deepEqual(r.on, r.off);
    assert.deepEqual(r.on.after, { done: true, value: undefined });
    assert.equal(r.spans, 1);
  });

  test('stream breaking mid-way', async () => {
    const r = await both(async (f) => {
      f.breakNext({ afterBytes: 1536 });
      const audio = await client(f).textToSpeech.stream(VOICE, { text: TEXT, modelId: MODEL });
      let seen = 0;
      const error = await thrown(async () => {
        for await (const chunk of audio) seen += chunk.byteLength;
      });
      const e = error as Error & { cause?: { code?: string } };
      return { seen, class: e.constructor.name, message: e.message, causeCode: e.cause?.code };
    });
    assert.deepEqual(r.on, r.off);
    assert.equal(r.on.seen, 1536);
    assert.equal(r.spans, 1);
  });

  for (const [name, arrange, apiKey] of [
    ['401', () => undefined, 'bad'],
    ['429', (f: FakeElevenLabs) => f.failNext({ status: 429 }), API_KEY],
    ['500', (f: FakeElevenLabs) => f.failNext({ status: 500 }), API_KEY],
    ['422', (f: FakeElevenLabs) => f.failNext({ status: 422 }), API_KEY],
    ['timeout', (f: FakeElevenLabs) => f.hangNext(), API_KEY],
  ] as const) {
    test(`error ${name}`, async () => {
      const r = await both(async (f) => {
        arrange(f);
        return describeError(await thrown(() => client(f, apiKey).textToSpeech.stream(VOICE, { text: TEXT, modelId: MODEL }, { timeoutInSeconds: 0.3 })));
      });
      assert.deepEqual(r.on, r.off);
      assert.equal(r.spans, 1);
    });
  }

  test('disabled means no span at all', () =>
    assertNoSpanWhenDisabled(instrumentation, () => startFakeElevenLabs(fakeOptions()), async (fake) => readAll(await client(fake).textToSpeech.stream(VOICE, { text: TEXT, modelId: MODEL }))));
});
