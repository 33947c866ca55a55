/** Helpers shared by the speech instrumentation tests. */
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { SpanStatusCode, type Attributes } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { setRuntimeSettings } from '../../src/config/runtime';
import { sum } from '../helpers/exposition';
import { setupTelemetry, type TestTelemetry } from '../helpers/telemetry';

/** The one finished span of the test (fails when there is not exactly one). */
export function onlySpan(telemetry: TestTelemetry): ReadableSpan {
  const spans = telemetry.exporter.getFinishedSpans();
  assert.equal(spans.length, 1, `expected exactly one span, got ${spans.map((s) => s.name).join(', ') || 'none'}`);
  return spans[0]!;
}

export function durationSeconds(span: ReadableSpan): number {
  return span.duration[0] + span.duration[1] / 1e9;
}

export function assertClose(actual: number, expected: number, message?: string, tolerance = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${message ?? 'value'}: expected ${expected}, got ${actual}`);
}

/** What a caller can observe of an error thrown by an SDK, for differential comparison. */
export function describeError(error: unknown): Record<string, unknown> {
  const e = error as { constructor?: { name?: string }; name?: unknown; message?: unknown; statusCode?: unknown; body?: unknown; rawResponse?: { status?: unknown } };
  return {
    class: e?.constructor?.name,
    name: e?.name,
    message: e?.message,
    statusCode: e?.statusCode,
    body: e?.body,
    rawStatus: e?.rawResponse?.status,
  };
}

/** Runs `fn`, returning the error it throws (fails when it does not throw). */
export async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to throw');
}

/**
 * A fresh TestTelemetry for one test, with `instrumentation` registered and enabled again:
 * registerInstrumentations does not re-enable an instrumentation a previous shutdown disabled.
 */
export function telemetryWith(instrumentation?: Instrumentation): TestTelemetry {
  const telemetry = setupTelemetry({ instrumentations: instrumentation ? [instrumentation] : [] });
  instrumentation?.enable();
  return telemetry;
}

/** After a test: content capture off again (a test may have turned it on), the telemetry shut down. */
export async function endTelemetry(telemetry: TestTelemetry): Promise<void> {
  setRuntimeSettings({ captureMessageContent: false });
  await telemetry.shutdown();
}

/**
 * Runs `scenario` against a fresh fake with the instrumentation off (as if aimeter were absent),
 * then on with content capture on (the most intrusive setting): what the caller got each time,
 * and how many spans the second run made.
 */
export async function offThenOn<F extends { close(): Promise<void> }, T>(
  instrumentation: Instrumentation,
  startFake: () => Promise<F>,
  scenario: (fake: F) => Promise<T>,
): Promise<{ off: T; on: T; spans: number }> {
  instrumentation.disable();
  let fake = await startFake();
  const off = await scenario(fake).finally(() => fake.close());
  const telemetry = telemetryWith(instrumentation);
  setRuntimeSettings({ captureMessageContent: true });
  fake = await startFake();
  try {
    const on = await scenario(fake);
    return { off, on, spans: telemetry.exporter.getFinishedSpans().length };
  } finally {
    await fake.close();
    await endTelemetry(telemetry);
  }
}

/** With the instrumentation disabled, `call` against a fresh fake makes no span at all. */
export async function assertNoSpanWhenDisabled<F extends { close(): Promise<void> }>(
  instrumentation: Instrumentation,
  startFake: () => Promise<F>,
  call: (fake: F) => Promise<unknown>,
): Promise<void> {
  instrumentation.disable();
  const telemetry = setupTelemetry({ instrumentations: [] });
  const fake = await startFake();
  try {
    await call(fake);
    assert.equal(telemetry.exporter.getFinishedSpans().length, 0);
  } finally {
    await fake.close();
    await telemetry.shutdown();
  }
}

/** A live-speech fake's staged failures (deepgram-live.ts, elevenlabs-ws.ts), named alike. */
export interface LiveFake {
  readonly url: string;
  rejectNext(status: number): void;
  closeAfterFirst(code: number, reason: string): void;
  dropAfterFirst(): void;
}

/**
 * The failures a live-speech session can meet, each with the error.type its span must carry:
 * refused handshakes (401, 429), a close with `code` at the first message, a dropped connection,
 * a refused one (a port nothing listens on). `run` opens a session on the URL it is given, makes
 * it reach its first message, and resolves at the close with what the caller saw.
 */
export async function assertLiveFailures(
  telemetry: TestTelemetry,
  labels: Record<string, string>,
  fake: LiveFake,
  close: { code: number; reason: string },
  run: (url: string) => Promise<unknown>,
): Promise<void> {
  const refused = `ws://127.0.0.1:${await closedPort()}`;
  for (const [name, stage, expected, url] of [
    ['401', () => fake.rejectNext(401), '401', fake.url],
    ['429', () => fake.rejectNext(429), 'rate_limit', fake.url],
    [String(close.code), () => fake.closeAfterFirst(close.code, close.reason), `close_${close.code}`, fake.url],
    ['drop', () => fake.dropAfterFirst(), 'connection_error', fake.url],
    ['refused', () => undefined, 'connection_error', refused],
  ] as const) {
    telemetry.exporter.reset();
    const count = () => sum(telemetry.scrape(), 'gen_ai_client_operation_duration_seconds_count', { ...labels, error_type: expected });
    const before = count();
    stage();
    const seen = await run(url);
    const span = onlySpan(telemetry);
    assert.equal(span.status.code, SpanStatusCode.ERROR, name);
    assert.equal(span.attributes['error.type'], expected, `${name}: ${JSON.stringify(seen)}`);
    assert.equal(count() - before, 1, name);
  }
}

/** A loopback port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A streamed speech span's time to first chunk (measured: a test bounds it) and the rest of its
 * attributes, which a test compares whole.
 */
export function splitTimeToFirstChunk(span: ReadableSpan): { timeToFirstChunk: number; rest: Attributes } {
  const { ['gen_ai.response.time_to_first_chunk']: timeToFirstChunk, ...rest } = span.attributes;
  return { timeToFirstChunk: timeToFirstChunk as number, rest };
}

/** What every span of a streamed speech call starts with: the call, its model, and the fake it went to. */
export function streamedCallAttributes(operation: 'speech_to_text' | 'text_to_speech', provider: string, model: string, fakeUrl: string): Attributes {
  return {
    'gen_ai.operation.name': operation,
    'gen_ai.provider.name': provider,
    'gen_ai.request.model': model,
    'gen_ai.request.stream': true,
    'server.address': '127.0.0.1',
    'server.port': Number(new URL(fakeUrl).port),
  };
}
