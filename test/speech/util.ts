/** Helpers shared by the speech instrumentation tests. */
import assert from 'node:assert/strict';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { TestTelemetry } from '../helpers/telemetry';

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
