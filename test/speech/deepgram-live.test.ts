/**
 * Deepgram live transcription: the real @deepgram/sdk (5.x) over a WebSocket (its own
 * ReconnectingWebSocket over `ws`) against a loopback server speaking Deepgram's live wire format
 * (examples/fake-provider/deepgram-live.ts): one span per connection, audio seconds, time to first
 * transcript, errors, and the caller's events unchanged.
 */
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { DeepgramInstrumentation } from '../../instrumentations/deepgram';
import { setRuntimeSettings } from '../../src/config/runtime';
import { startFakeDeepgramLive, type FakeDeepgramLive } from '../../examples/fake-provider/deepgram-live';
import { find, sum } from '../helpers/exposition';
import type { TestTelemetry } from '../helpers/telemetry';
import { assertClose, assertLiveFailures, durationSeconds, endTelemetry, onlySpan, splitTimeToFirstChunk, streamedCallAttributes, telemetryWith } from './util';

// The instrumentation hooks `require` when constructed: load the SDK after it.
const instrumentation = new DeepgramInstrumentation();
const sdk = require('@deepgram/sdk') as typeof import('@deepgram/sdk');
const { DeepgramClient, DefaultDeepgramClient } = sdk;

const NOVA_3_PER_MINUTE = 0.0043; // prices/prices.yaml
const API_KEY = 'dg-live-key';
/** linear16 at 16 kHz mono: 32,000 bytes per second; 16,000 bytes = 0.5 s. */
const HALF_SECOND = Buffer.alloc(16_000, 1);
const STT = { gen_ai_operation_name: 'speech_to_text', gen_ai_provider_name: 'deepgram' };
const LINEAR16 = { model: 'nova-3', encoding: 'linear16', sample_rate: 16000, reconnectAttempts: 0 } as const;

type Socket = Awaited<ReturnType<InstanceType<typeof DeepgramClient>['listen']['v1']['connect']>>;

function client(fake: FakeDeepgramLive, apiKey = API_KEY) {
  return new DeepgramClient({ apiKey, baseUrl: fake.url });
}

/** Everything the caller's handlers receive, in order. */
function record(socket: Socket, marks: { transcriptAt?: number } = {}): { events: unknown[]; closed: Promise<unknown> } {
  const events: unknown[] = [];
  let closed!: (value: unknown) => void;
  const promise = new Promise((resolve) => (closed = resolve));
  socket.on('open', () => events.push(['open']));
  socket.on('message', (message) => {
    const m = message as { type?: string; channel?: { alternatives?: Array<{ transcript?: string }> } };
    if (m.type === 'Results' && m.channel?.alternatives?.[0]?.transcript) marks.transcriptAt ??= performance.now();
    events.push(['message', message]);
  });
  socket.on('error', (error) => events.push(['error', error?.constructor?.name, error?.message]));
  socket.on('close', (event) => {
    const e = event as { code?: unknown; reason?: unknown; wasClean?: unknown };
    events.push(['close', e.code, e.reason, e.wasClean]);
    closed(e.code);
  });
  return { events, closed: promise };
}

/** A full session: open, 3 x 0.5 s of audio (the first silent), CloseStream, wait for the close. */
async function session(socket: Socket, beforeAudioMs = 0, marks: { audioAt?: number; transcriptAt?: number } = {}): Promise<unknown[]> {
  const { events, closed } = record(socket, marks);
  socket.connect();
  await socket.waitForOpen();
  if (beforeAudioMs > 0) await sleep(beforeAudioMs);
  marks.audioAt = performance.now();
  for (let i = 0; i < 3; i++) socket.sendMedia(HALF_SECOND);
  socket.sendCloseStream({ type: 'CloseStream' });
  await closed;
  await settled();
  return events;
}

/** Lets the span of a close end (it waits for the end of the close's turn). */
async function settled(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

describe('deepgram live: one span per WebSocket session', () => {
  let telemetry: TestTelemetry;
  let fake: FakeDeepgramLive;

  before(async () => {
    fake = await startFakeDeepgramLive({ words: ['', 'hello', 'world'], apiKey: API_KEY, delayMs: 10 });
  });
  after(async () => {
    await fake.close();
  });
  beforeEach(() => {
    telemetry = telemetryWith(instrumentation);
  });
  afterEach(() => endTelemetry(telemetry));

  test('a whole session: attributes, Deepgram-reported seconds, time to first transcript from the first audio, cost', async () => {
    const socket = await client(fake).listen.v1.connect({ ...LINEAR16 });
    // Audio starts 60 ms after the open: time to first transcript must not include them.
    const marks: { audioAt?: number; transcriptAt?: number } = {};
    const events = await session(socket, 60, marks);
    const sessionSeen = fake.sessions.at(-1)!;
    assert.equal(sessionSeen.query.model, 'nova-3');
    assert.equal(sessionSeen.headers.authorization, `Token ${API_KEY}`);
    assert.deepEqual(sessionSeen.received.slice(0, 3), [{ bytes: 16000 }, { bytes: 16000 }, { bytes: 16000 }]);
    const types = events.map((e) => (e as unknown[])[0] === 'message' ? ((e as unknown[])[1] as { type: string }).type : (e as unknown[])[0]);
    assert.deepEqual(types, ['open', 'Results', 'Results', 'UtteranceEnd', 'Results', 'UtteranceEnd', 'Metadata', 'close']);

    const span = onlySpan(telemetry);
    assert.equal(span.name, 'speech_to_text nova-3');
    assert.equal(span.kind, SpanKind.CLIENT);
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    const { timeToFirstChunk: ttft, rest } = splitTimeToFirstChunk(span);
    assert.deepEqual(rest, {
      ...streamedCallAttributes('speech_to_text', 'deepgram', 'nova-3', fake.url),
      'aimeter.speech.audio.duration': 1.5,
      'gen_ai.response.model': 'nova-3',
      'gen_ai.response.id': sessionRequestId(fake.sessions.length),
      // One mark: the first non-empty transcript (the first result is silence).
      'aimeter.response.chunks': 1,
    });
    // The second result (the first with words) leaves >= 2 x 10 ms after the first audio; the
    // 60 ms before the audio are not counted.
    const seconds = durationSeconds(span);
    assert.ok(ttft >= 0.018, `ttft ${ttft}`);
    // From the first audio sent (after the test's mark) to the first transcript (before the caller's handler).
    const window = (marks.transcriptAt! - marks.audioAt!) / 1000;
    assert.ok(ttft <= window && ttft <= seconds - 0.055, `ttft ${ttft} must be within ${window} s and exclude the 60 ms before the first audio (session ${seconds})`);

    const m = telemetry.scrape();
    const labels = { ...STT, gen_ai_request_model: 'nova-3', gen_ai_response_model: 'nova-3' };
    assert.equal(sum(m, 'aimeter_speech_to_text_audio_duration_seconds_total', labels), 1.5);
    assertClose(sum(m, 'aimeter_cost_usd_total', labels), (1.5 / 60) * NOVA_3_PER_MINUTE, 'cost');
    assert.equal(sum(m, 'aimeter_speech_to_text_time_to_first_transcript_seconds_count', labels), 1);
    assertClose(sum(m, 'aimeter_speech_to_text_time_to_first_transcript_seconds_sum', labels), ttft, 'ttft metric');
    assert.equal(find(m, 'aimeter_speech_to_text_time_to_first_transcript_seconds_bucket', { ...labels, le: '0.01' }).length, 0);
    assert.equal(find(m, 'aimeter_speech_to_text_time_to_first_transcript_seconds_bucket', { ...labels, le: '5' })[0]!.value, 1);
    // v1.41 conventions (the default): also in time_to_first_chunk; no time per chunk derived.
    assert.equal(sum(m, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', labels), 1);
    assert.equal(find(m, 'gen_ai_client_operation_time_per_output_chunk_seconds_count', STT).length, 0);
    assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { ...labels, error_type: '' }), 1);
    assertClose(sum(m, 'gen_ai_client_operation_duration_seconds_sum', labels), seconds, 'duration');
  });

  test('seconds without Metadata: the end of the last result, else the bytes sent at the configured encoding', async () => {
    const noMetadata = await startFakeDeepgramLive({ words: ['one', 'two'], metadata: false, delayMs: 1 });
    try {
      await session(await client(noMetadata).listen.v1.connect({ ...LINEAR16 }));
      assert.equal(onlySpan(telemetry).attributes['aimeter.speech.audio.duration'], 1.5);
    } finally {
      await noMetadata.close();
    }
    // Closed by the caller before any result: only the bytes say how much audio was sent.
    const slow = await startFakeDeepgramLive({ delayMs: 500 });
    try {
      for (const [args, bytes, seconds] of [
        [{ model: 'nova-3', encoding: 'linear16', sample_rate: 16000 }, 48_000, 1.5],
        [{ model: 'nova-3', encoding: 'mulaw', sample_rate: 8000, channels: 2 }, 16_000, 1],
        [{ model: 'nova-3', encoding: 'linear32', sample_rate: '48000' }, 96_000, 0.5],
        [{ model: 'nova-3', encoding: 'opus', sample_rate: 48000 }, 5_000, undefined],
        [{ model: 'nova-3' }, 5_000, undefined],
      ] as const) {
        telemetry.exporter.reset();
        const socket = await client(slow).listen.v1.connect({ ...args, reconnectAttempts: 0 } as Parameters<InstanceType<typeof DeepgramClient>['listen']['v1']['connect']>[0]);
        socket.connect();
        await socket.waitForOpen();
        socket.sendMedia(Buffer.alloc(bytes));
        socket.close();
        const span = onlySpan(telemetry);
        assert.equal(span.status.code, SpanStatusCode.UNSET, JSON.stringify(args));
        assert.equal(span.attributes['aimeter.speech.audio.duration'], seconds, JSON.stringify(args));
        assert.equal(span.attributes['gen_ai.response.time_to_first_chunk'], undefined);
      }
    } finally {
      await slow.close();
    }
  });

  test('DefaultDeepgramClient (connects at once) and createConnection: one span each, child of the active span', async () => {
    const tracer = trace.getTracer('test');
    await tracer.startActiveSpan('request', async (parent) => {
      const socket = await new DefaultDeepgramClient({ apiKey: API_KEY, baseUrl: fake.url }).listen.v1.connect({ ...LINEAR16, Authorization: `Token ${API_KEY}` });
      const { closed } = record(socket as unknown as Socket);
      await socket.waitForOpen();
      socket.sendMedia(HALF_SECOND);
      socket.sendCloseStream({ type: 'CloseStream' });
      await closed;
      await settled();
      const created = await client(fake).listen.v1.createConnection({ ...LINEAR16 });
      await session(created);
      parent.end();
    });
    const spans = telemetry.exporter.getFinishedSpans().filter((s) => s.name === 'speech_to_text nova-3');
    assert.equal(spans.length, 2);
    const parent = telemetry.exporter.getFinishedSpans().find((s) => s.name === 'request')!;
    for (const span of spans) assert.equal(span.parentSpanContext?.spanId ?? (span as unknown as { parentSpanId?: string }).parentSpanId, parent.spanContext().spanId);
    assert.deepEqual(
      spans.map((s) => s.attributes['aimeter.speech.audio.duration']),
      [0.5, 1.5],
    );
  });

  test('errors: refused handshake (401, 429), close codes, dropped and refused connections', async () => {
    const stages = { ...fake, closeAfterFirst: fake.closeAfterAudio, dropAfterFirst: fake.dropAfterAudio };
    await assertLiveFailures(telemetry, STT, stages, { code: 1011, reason: 'NET-0001' }, async (url) => {
      const socket = await new DeepgramClient({ apiKey: API_KEY, baseUrl: url }).listen.v1.connect({ ...LINEAR16 });
      const { events, closed } = record(socket);
      socket.connect();
      socket.socket.addEventListener('open', () => socket.sendMedia(HALF_SECOND));
      await closed;
      await settled();
      return events;
    });
  });

  test('content: no transcript by default; the final transcripts with capture on', async () => {
    await session(await client(fake).listen.v1.connect({ ...LINEAR16 }));
    assert.equal(onlySpan(telemetry).attributes['gen_ai.output.messages'], undefined);
    telemetry.exporter.reset();
    setRuntimeSettings({ captureMessageContent: true });
    await session(await client(fake).listen.v1.connect({ ...LINEAR16 }));
    assert.deepEqual(JSON.parse(onlySpan(telemetry).attributes['gen_ai.output.messages'] as string), [
      { role: 'assistant', parts: [{ type: 'text', content: 'hello world' }] },
    ]);
  });

  test('differential: the caller receives the same events and messages (callbacks and for await), with and without aimeter', async () => {
    const run = async () => {
      // A fresh fake per run: request ids restart.
      const own = await startFakeDeepgramLive({ words: ['', 'hello', 'world'], apiKey: API_KEY, delayMs: 1 });
      try {
        const callbacks = await session(await client(own).listen.v1.connect({ ...LINEAR16 }));
        const iterated: unknown[] = [];
        const socket = await client(own).listen.v1.connect({ ...LINEAR16 });
        socket.connect();
        await socket.waitForOpen();
        socket.sendMedia(HALF_SECOND);
        socket.sendMedia(HALF_SECOND);
        socket.sendCloseStream({ type: 'CloseStream' });
        for await (const message of socket as unknown as AsyncIterable<unknown>) iterated.push(message);
        own.closeAfterAudio(1011, 'NET-0001');
        const failed = await client(own).listen.v1.connect({ ...LINEAR16 });
        const failure = record(failed);
        failed.connect();
        await failed.waitForOpen();
        failed.sendMedia(HALF_SECOND);
        await failure.closed;
        own.rejectNext(401);
        const refused = await client(own).listen.v1.connect({ ...LINEAR16 });
        const refusal = record(refused);
        refused.connect();
        await refusal.closed;
        await settled();
        return { callbacks, iterated, failed: failure.events, refused: refusal.events, received: own.sessions.map((s) => s.received) };
      } finally {
        await own.close();
      }
    };
    instrumentation.disable();
    const without = await run();
    assert.equal(telemetry.exporter.getFinishedSpans().length, 0);
    instrumentation.enable();
    const withAimeter = await run();
    assert.equal(telemetry.exporter.getFinishedSpans().length, 4);
    assert.deepEqual(withAimeter, without);
    assert.ok((without.iterated as unknown[]).length >= 4, JSON.stringify(without.iterated));
  });
});

function sessionRequestId(n: number): string {
  return `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`;
}
