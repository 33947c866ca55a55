/** Small helpers shared by the manual-API tests. */
import assert from 'node:assert/strict';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function close(actual: number, expected: number, what = ''): void {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: expected ${expected}, got ${actual}`);
}

export function spanNamed(exporter: InMemorySpanExporter, name: string): ReadableSpan {
  const spans = exporter.getFinishedSpans().filter((s) => s.name === name);
  assert.equal(spans.length, 1, `exactly one finished span named ${name}; have: ${exporter.getFinishedSpans().map((s) => s.name).join(', ')}`);
  return spans[0]!;
}

export function parentId(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

export function durationSeconds(span: ReadableSpan): number {
  return span.duration[0] + span.duration[1] / 1e9;
}
