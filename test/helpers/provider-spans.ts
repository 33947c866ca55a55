/**
 * Assertions shared by the tests of the model-provider instrumentations whose spans end a turn
 * after the call settles (Bedrock, Gemini): waiting for them, and what a streamed call's span
 * must say about its timing and about an abandoned stream.
 */
import assert from 'node:assert/strict';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { TestTelemetry } from './telemetry';

/** The finished spans once there are `count` of them (polled for half a second), failing on any other number. */
export async function waitForSpans(telemetry: TestTelemetry, count = 1): Promise<ReadableSpan[]> {
  for (let i = 0; i < 100 && telemetry.exporter.getFinishedSpans().length < count; i++) await new Promise((r) => setTimeout(r, 5));
  const finished = telemetry.exporter.getFinishedSpans();
  assert.equal(finished.length, count, `${count} span(s)`);
  return finished;
}

/** A streamed call's time to first chunk: measured, after the start and before the end of its span. */
export function assertTimeToFirstChunkWithin(span: ReadableSpan): void {
  const ttfc = span.attributes['gen_ai.response.time_to_first_chunk'] as number;
  const duration = span.duration[0] + span.duration[1] / 1e9;
  assert.ok(ttfc > 0 && ttfc < duration, `0 < ttfc ${ttfc} < duration ${duration}`);
}

/** The span of a stream its caller left after the first chunk: ended, marked abandoned, without the final usage. */
export function assertAbandonedAfterFirstChunk(span: ReadableSpan): void {
  assert.equal(span.attributes['aimeter.response.abandoned'], true);
  assert.equal(span.attributes['aimeter.response.chunks'], 1);
  assert.equal(span.attributes['gen_ai.usage.output_tokens'], undefined, 'no final usage was read');
}
