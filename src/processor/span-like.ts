/**
 * The parts of a span the processor reads. Declared structurally, instead of importing
 * sdk-trace-base's types, so that the processor plugs into OTel JS 2.x and 3.x alike.
 */
import type { Attributes, HrTime, SpanContext, SpanStatus } from '@opentelemetry/api';

export interface ReadableSpanLike {
  readonly name: string;
  readonly attributes: Attributes;
  readonly duration: HrTime;
  /** When the span started and ended (every SDK version has them; optional for hand-made spans). */
  readonly startTime?: HrTime;
  readonly endTime?: HrTime;
  readonly status: SpanStatus;
  spanContext(): SpanContext;
  /** OTel JS 2.x/3.x. */
  readonly parentSpanContext?: SpanContext;
  /** OTel JS 1.x. */
  readonly parentSpanId?: string;
  /** OTel JS 2.x/3.x: who made the span (selects a scope normaliser, see scope-normalisers.ts). */
  readonly instrumentationScope?: { readonly name: string };
  /** OTel JS 1.x spelling of the same. */
  readonly instrumentationLibrary?: { readonly name: string };
  /** Span events (the SDK's TimedEvent): read for `exception.type` where a producer sets no `error.type`. */
  readonly events?: ReadonlyArray<{ readonly name: string; readonly attributes?: Attributes }>;
  /** On a span that is still open (onStart): lets the processor add the context's conversation id and variant. */
  setAttribute?(key: string, value: string): unknown;
}
