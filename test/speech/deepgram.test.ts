/**
 * Deepgram pre-recorded speech-to-text: the real @deepgram/sdk (5.x) over HTTP against a
 * loopback server speaking Deepgram's wire format (examples/fake-provider/deepgram.ts).
 */
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { DeepgramInstrumentation } from '../../instrumentations/deepgram';
import { setRuntimeSettings } from '../../src/config/runtime';
import { startFakeDeepgram, type FakeDeepgram } from '../../examples/fake-provider/deepgram';
import { find, sum } from '../helpers/exposition';
import type { TestTelemetry } from '../helpers/telemetry';
import { assertClose, assertNoSpanWhenDisabled, describeError, durationSeconds, endTelemetry, offThenOn, onlySpan, telemetryWith, thrown } from './util';

// The instrumentation hooks `require` when constructed: load the SDK after it.
const instrumentation = new DeepgramInstrumentation();
const sdk = require('@deepgram/sdk') as typeof import('@deepgram/sdk');
const { DeepgramClient, DeepgramError, DeepgramTimeoutError } = sdk;

// Rates from prices/prices.yaml (pay-as-you-go pre-recorded, per minute of audio).
const NOVA_3_PER_MINUTE = 0.0043;
const NOVA_2_PER_MINUTE = 0.0043;

const AUDIO = Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt fake audio bytes for the loopback server', 'latin1');
const API_KEY = 'dg-test-key';

function client(fake: FakeDeepgram, apiKey = API_KEY) {
  return new DeepgramClient({ apiKey, baseUrl: fake.url, maxRetries: 0 });
}

const STT = { gen_ai_operation_name: 'speech_to_text', gen_ai_provider_name: 'deepgram' };

describe('deepgram: speech-to-text spans and metrics', () => {
  let telemetry: TestTelemetry;
  let fake: FakeDeepgram;

  beforeEach(async () => {
    telemetry = telemetryWith(instrumentation);
    fake = await startFakeDeepgram({ duration: 90, transcript: 'the quick brown fox jumps over the lazy dog', apiKey: API_KEY, delayMs: 10 });
  });
  afterEach(async () => {
    await fake.close();
    await endTelemetry(telemetry);
  });

  test('transcribeFile: span attributes, audio seconds, real-time factor, cost', async () => {
    const response = await client(fake).listen.v1.media.transcribeFile(AUDIO, { model: 'nova-3', smart_format: true });
    assert.ok('results' in response);
    assert.equal(response.results.channels[0]!.alternatives![0]!.transcript, 'the quick brown fox jumps over the lazy dog');

    // The request really went over the wire as Deepgram expects it.
    assert.equal(fake.requests.length, 1);
    assert.equal(fake.requests[0]!.query.model, 'nova-3');
    assert.equal(fake.requests[0]!.headers.authorization, `Token ${API_KEY}`);
    assert.deepEqual(fake.requests[0]!.body, AUDIO);

    const span = onlySpan(telemetry);
    assert.equal(span.name, 'speech_to_text nova-3');
    assert.equal(span.kind, SpanKind.CLIENT);
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    const port = Number(new URL(fake.url).port);
    assert.deepEqual(span.attributes, {
      'gen_ai.operation.name': 'speech_to_text',
      'gen_ai.provider.name': 'deepgram',
      'gen_ai.request.model': 'nova-3',
      'server.address': '127.0.0.1',
      'server.port': port,
      'gen_ai.response.model': 'nova-3',
      'gen_ai.response.id': '00000000-0000-4000-8000-000000000001',
      'aimeter.speech.audio.duration': 90,
    });

    const m = telemetry.scrape();
    const labels = { ...STT, gen_ai_request_model: 'nova-3', gen_ai_response_model: 'nova-3' };
    assert.equal(sum(m, 'aimeter_speech_to_text_audio_duration_seconds_total', labels), 90);
    // 90 s = 1.5 min at $0.0043/min.
    assertClose(sum(m, 'aimeter_cost_usd_total', labels), 1.5 * NOVA_3_PER_MINUTE, 'cost');
    assertClose(sum(m, 'aimeter_cost_usd_total', labels), 0.00645, 'cost (literal)');
    assert.equal(sum(m, 'aimeter_operation_cost_usd_count', labels), 1);
    // Real-time factor = client duration / seconds of audio.
    const seconds = durationSeconds(span);
    assert.ok(seconds > 0.01 && seconds < 5, `duration ${seconds}`);
    assert.equal(sum(m, 'aimeter_speech_to_text_real_time_factor_count', labels), 1);
    assertClose(sum(m, 'aimeter_speech_to_text_real_time_factor_sum', labels), seconds / 90, 'real-time factor');
    // A fast loopback call over 90 s of audio lands in the lowest bucket (0.01).
    assert.equal(find(m, 'aimeter_speech_to_text_real_time_factor_bucket', { ...labels, le: '0.01' })[0]!.value, 1);
    assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { ...labels, error_type: '' }), 1);
    assertClose(sum(m, 'gen_ai_client_operation_duration_seconds_sum', labels), seconds, 'duration sum');
    // Speech is not tokens, and is priced.
    assert.equal(find(m, 'aimeter_tokens_total', STT).length, 0);
    assert.equal(sum(m, 'aimeter_unpriced_operations_total', STT), 0);
    // No streaming metrics for a pre-recorded call.
    assert.equal(find(m, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', STT).length, 0);
  });

  test('transcribeUrl: model nova-2, seconds from metadata.duration, cost', async () => {
    await fake.close();
    fake = await startFakeDeepgram({ duration: 42.25, transcript: 'hello' });
    const response = await client(fake).listen.v1.media.transcribeUrl({ url: 'https://example.com/a.wav', model: 'nova-2' });
    assert.ok('metadata' in response);
    assert.equal(response.metadata.duration, 42.25);
    assert.deepEqual(JSON.parse(fake.requests[0]!.body.toString('utf8')), { url: 'https://example.com/a.wav' });

    const span = onlySpan(telemetry);
    assert.equal(span.name, 'speech_to_text nova-2');
    assert.equal(span.attributes['aimeter.speech.audio.duration'], 42.25);
    assert.equal(span.attributes['gen_ai.response.model'], 'nova-2');
    // The audio URL is user data: never on the span.
    assert.ok(!JSON.stringify(span.attributes).includes('example.com'));

    const m = telemetry.scrape();
    const labels = { ...STT, gen_ai_request_model: 'nova-2' };
    assert.equal(sum(m, 'aimeter_speech_to_text_audio_duration_seconds_total', labels), 42.25);
    assertClose(sum(m, 'aimeter_cost_usd_total', labels), (42.25 / 60) * NOVA_2_PER_MINUTE, 'cost');
    assertClose(sum(m, 'aimeter_speech_to_text_real_time_factor_sum', labels), durationSeconds(span) / 42.25, 'rtf');
  });

  test('withRawResponse() still works and the span is the same', async () => {
    const { data, rawResponse } = await client(fake).listen.v1.media.transcribeFile(AUDIO, { model: 'nova-3' }).withRawResponse();
    assert.equal(rawResponse.status, 200);
    assert.equal(rawResponse.headers.get('dg-request-id'), '00000000-0000-4000-8000-000000000001');
    assert.ok('metadata' in data);
    assert.equal(onlySpan(telemetry).attributes['aimeter.speech.audio.duration'], 90);
  });

  test('several calls add up exactly', async () => {
    const c = client(fake);
    for (let i = 0; i < 3; i++) await c.listen.v1.media.transcribeFile(AUDIO, { model: 'nova-3' });
    const m = telemetry.scrape();
    const labels = { ...STT, gen_ai_request_model: 'nova-3' };
    assert.equal(sum(m, 'aimeter_speech_to_text_audio_duration_seconds_total', labels), 270);
    assertClose(sum(m, 'aimeter_cost_usd_total', labels), 4.5 * NOVA_3_PER_MINUTE, 'cost');
    assert.equal(sum(m, 'aimeter_speech_to_text_real_time_factor_count', labels), 3);
    assert.equal(telemetry.exporter.getFinishedSpans().length, 3);
  });

  test('the span is a child of the active span', async () => {
    const tracer = trace.getTracer('test');
    await tracer.startActiveSpan('request', async (parent) => {
      await client(fake).listen.v1.media.transcribeFile(AUDIO, { model: 'nova-3' });
      parent.end();
    });
    const spans = telemetry.exporter.getFinishedSpans();
    const stt = spans.find((s) => s.name === 'speech_to_text nova-3')!;
    const parent = spans.find((s) => s.name === 'request')!;
    assert.equal(stt.parentSpanContext?.spanId, parent.spanContext().spanId);
  });

  test('callback (asynchronous) requests: no audio seconds, no cost, not unpriced', async () => {
    const response = await client(fake).listen.v1.media.transcribeUrl({ url: 'https://example.com/a.wav', model: 'nova-3', callback: 'https://example.com/hook' });
    assert.deepEqual(response, { request_id: '00000000-0000-4000-8000-000000000001' });
    const span = onlySpan(telemetry);
    assert.equal(span.attributes['gen_ai.response.id'], '00000000-0000-4000-8000-000000000001');
    assert.equal(span.attributes['aimeter.speech.audio.duration'], undefined);
    const m = telemetry.scrape();
    assert.equal(find(m, 'aimeter_speech_to_text_audio_duration_seconds_total', STT).length, 0);
    assert.equal(find(m, 'aimeter_cost_usd_total', STT).length, 0);
    assert.equal(sum(m, 'aimeter_unpriced_operations_total', STT), 0);
    assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', STT), 1);
  });

  test('an unexpected response shape never reaches the caller as an aimeter error', async () => {
    const odd = { metadata: { duration: 'long', model_info: 7, models: null, request_id: 12 }, results: { channels: [null, { alternatives: 'x' }] } };
    fake.failNext({ status: 200, body: odd });
    setRuntimeSettings({ captureMessageContent: true });
    const response = await client(fake).listen.v1.media.transcribeFile(AUDIO, { model: 'nova-3' });
    assert.deepEqual(response, odd);
    const span = onlySpan(telemetry);
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    assert.equal(span.attributes['aimeter.speech.audio.duration'], undefined);
    assert.equal(span.attributes['gen_ai.response.model'], undefined);
    assert.equal(span.attributes['gen_ai.output.messages'], undefined);
  });

  test('content: no transcript on the span by default', async () => {
    await client(fake).listen.v1.media.transcribeFile(AUDIO, { model: 'nova-3' });
    const span = onlySpan(telemetry);
    assert.equal(span.attributes['gen_ai.output.messages'], undefined);
    assert.ok(!JSON.stringify(span.attributes).includes('quick brown fox'));
  });

  test('content: transcript per channel when capture is on', async () => {
    await fake.close();
    fake = await startFakeDeepgram({ duration: 3, transcript: 'left and right', channels: 2 });
    setRuntimeSettings({ captureMessageContent: true });
    await client(fake).listen.v1.media.transcribeFile(AUDIO, { model: 'nova-3', multichannel: true });
    const span = onlySpan(telemetry);
    assert.deepEqual(JSON.parse(String(span.attributes['gen_ai.output.messages'])), [
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'left and right' },
          { type: 'text', content: 'left and right' },
        ],
      },
    ]);
    assert.equal(span.attributes['gen_ai.input.messages'], undefined);
  });

  const errorCases: Array<{ name: string; arrange(fake: FakeDeepgram): void; apiKey?: string; errorType: string; status: number }> = [
    { name: '401 (bad key)', arrange: () => undefined, apiKey: 'wrong-key', errorType: '401', status: 401 },
    { name: '429', arrange: (f) => f.failNext({ status: 429 }), errorType: 'rate_limit', status: 429 },
    { name: '500', arrange: (f) => f.failNext({ status: 500 }), errorType: '500', status: 500 },
    { name: '400 (BadRequestError)', arrange: (f) => f.failNext({ status: 400 }), errorType: '400', status: 400 },
  ];
  for (const c of errorCases) {
    test(`error ${c.name}: error span, normalised error.type, no audio or cost`, async () => {
      c.arrange(fake);
      const error = await thrown(() => client(fake, c.apiKey).listen.v1.media.transcribeFile(AUDIO, { model: 'nova-3' }));
      assert.ok(error instanceof DeepgramError);
      assert.equal(error.statusCode, c.status);
      const span = onlySpan(telemetry);
      assert.equal(span.status.code, SpanStatusCode.ERROR);
      assert.equal(span.attributes['error.type'], c.errorType);
      // Content capture is off: the class name, not the message (which quotes the response body).
      assert.equal(span.status.message, error.constructor.name);
      assert.equal(span.attributes['aimeter.speech.audio.duration'], undefined);
      const m = telemetry.scrape();
      assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { ...STT, gen_ai_request_model: 'nova-3', error_type: c.errorType }), 1);
      assert.equal(find(m, 'aimeter_cost_usd_total', STT).length, 0);
      assert.equal(find(m, 'aimeter_speech_to_text_real_time_factor_count', STT).length, 0);
      assert.equal(sum(m, 'aimeter_unpriced_operations_total', STT), 0);
    });
  }

  test('timeout: error.type timeout (the SDK throws DeepgramError with cause "timeout")', async () => {
    fake.hangNext();
    const error = await thrown(() => client(fake).listen.v1.media.transcribeFile(AUDIO, { model: 'nova-3' }, { timeoutInSeconds: 0.2 }));
    // What @deepgram/sdk 5.x really throws on Node's fetch: the abort reason 'timeout' surfaces
    // as an "unknown" transport error, not as DeepgramTimeoutError.
    assert.ok(error instanceof DeepgramError || error instanceof DeepgramTimeoutError);
    const span = onlySpan(telemetry);
    assert.equal(span.attributes['error.type'], 'timeout');
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    const seconds = durationSeconds(span);
    assert.ok(seconds >= 0.19 && seconds < 2, `span lasted ${seconds}s`);
    assert.equal(sum(telemetry.scrape(), 'gen_ai_client_operation_duration_seconds_count', { ...STT, error_type: 'timeout' }), 1);
  });

  test('connection refused: error.type connection_error', async () => {
    const closed = await startFakeDeepgram();
    await closed.close();
    // (Short timeout: the SDK leaves its timeout timer running when fetch rejects.)
    const error = await thrown(() => client(closed).listen.v1.media.transcribeFile(AUDIO, { model: 'nova-3' }, { timeoutInSeconds: 1 }));
    assert.ok(error instanceof DeepgramError);
    assert.equal(onlySpan(telemetry).attributes['error.type'], 'connection_error');
  });

  test('abort: error.type cancelled', async () => {
    fake.hangNext();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    // (timeoutInSeconds kept short: the SDK leaves its timeout timer running after an abort.)
    await thrown(() => client(fake).listen.v1.media.transcribeFile(AUDIO, { model: 'nova-3' }, { abortSignal: controller.signal, timeoutInSeconds: 1 }));
    const span = onlySpan(telemetry);
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes['error.type'], 'cancelled');
  });
});

describe('deepgram: differential (what the caller gets is identical with and without aimeter)', () => {
  after(() => setRuntimeSettings({ captureMessageContent: false }));

  const both = <T>(scenario: (fake: FakeDeepgram) => Promise<T>) =>
    offThenOn(instrumentation, () => startFakeDeepgram({ duration: 61.5, transcript: 'same words either way', apiKey: API_KEY }), scenario);

  test('transcribeFile result', async () => {
    const r = await both((f) => client(f).listen.v1.media.transcribeFile(AUDIO, { model: 'nova-3' }));
    assert.deepEqual(r.on, r.off);
    assert.equal(r.spans, 1);
  });

  test('transcribeUrl result with withRawResponse()', async () => {
    const r = await both(async (f) => {
      const promise = client(f).listen.v1.media.transcribeUrl({ url: 'https://example.com/a.wav', model: 'nova-3' });
      const { data, rawResponse } = await promise.withRawResponse();
      return { data, status: rawResponse.status, requestId: rawResponse.headers.get('dg-request-id'), promiseClass: promise.constructor.name };
    });
    assert.deepEqual(r.on, r.off);
    assert.equal(r.on.promiseClass, 'HttpResponsePromise');
    assert.equal(r.spans, 1);
  });

  for (const [name, arrange, apiKey] of [
    ['401', () => undefined, 'bad-key'],
    ['429', (f: FakeDeepgram) => f.failNext({ status: 429 }), API_KEY],
    ['500', (f: FakeDeepgram) => f.failNext({ status: 500 }), API_KEY],
  ] as const) {
    test(`error ${name}`, async () => {
      const r = await both(async (f) => {
        arrange(f);
        return describeError(await thrown(() => client(f, apiKey).listen.v1.media.transcribeFile(AUDIO, { model: 'nova-3' })));
      });
      assert.deepEqual(r.on, r.off);
      assert.equal(r.on.class, 'DeepgramError');
      assert.equal(r.spans, 1);
    });
  }

  test('timeout', async () => {
    const r = await both(async (f) => {
      f.hangNext();
      return describeError(await thrown(() => client(f).listen.v1.media.transcribeFile(AUDIO, { model: 'nova-3' }, { timeoutInSeconds: 0.1 })));
    });
    assert.deepEqual(r.on, r.off);
    assert.ok(r.on.class === 'DeepgramError' || r.on.class === 'DeepgramTimeoutError');
  });

  test('disabled means no span at all', () =>
    assertNoSpanWhenDisabled(instrumentation, () => startFakeDeepgram({ apiKey: API_KEY }), (fake) => client(fake).listen.v1.media.transcribeFile(AUDIO, { model: 'nova-3' })));
});
