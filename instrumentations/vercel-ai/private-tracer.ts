/**
 * The tracer the AI SDK gets when aimeter turns its telemetry on, the caller named no tracer and
 * content capture is off: the SDK's own (`trace.getTracer('ai')`, resolved per call from the global
 * provider), except that failures keep the error's message off the span.
 *
 * The SDK ends a failed span with `recordException({name, message, stack})` and
 * `setStatus({code: ERROR, message})`. Providers quote the input in their errors (a 400 naming the
 * flagged prompt, a validation error echoing a field), so, as aimeter's own spans do
 * (docs/privacy.md, "Error messages"), these spans get `error.type` from the error's name and the
 * name as the status description, and no exception event (message and stack). With
 * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true` the SDK's tracer is used as it is.
 */
import { type Exception, type Span, SpanStatusCode, type SpanStatus, trace, type Tracer } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '../../src/semconv/attributes';
import { errorTypeOf } from '../../src/tracing/error-type';

/** The name the SDK's default tracer has (its spans' instrumentation scope stays the same). */
const SDK_TRACER_NAME = 'ai';

type AnyFn = (...args: unknown[]) => unknown;

export const privateTracer: Tracer = {
  startSpan(...args: Parameters<Tracer['startSpan']>): Span {
    return privateSpan(trace.getTracer(SDK_TRACER_NAME).startSpan(...args));
  },
  // (name, fn), (name, options, fn) or (name, options, context, fn): the callback is last.
  startActiveSpan(...args: unknown[]): unknown {
    const fn = args[args.length - 1] as AnyFn;
    const tracer = trace.getTracer(SDK_TRACER_NAME) as unknown as { startActiveSpan: AnyFn };
    return tracer.startActiveSpan(...args.slice(0, -1), (span: Span) => fn(privateSpan(span)));
  },
} as Tracer;

/** `span`, with recordException and setStatus keeping the error's message off it (see above). */
function privateSpan(span: Span): Span {
  let errorName: string | undefined;
  const recordException = (exception: Exception): void => {
    const name = typeof exception === 'object' && exception !== null && typeof exception.name === 'string' ? exception.name : undefined;
    if (name === undefined) return;
    errorName = name;
    // No constructor: the name alone decides (AbortError -> cancelled, TimeoutError -> timeout).
    span.setAttribute(ATTR_ERROR_TYPE, errorTypeOf({ name, constructor: undefined }));
  };
  const setStatus = (status: SpanStatus): Span =>
    span.setStatus(status.code === SpanStatusCode.ERROR ? { code: SpanStatusCode.ERROR, ...(errorName ? { message: errorName } : {}) } : status);
  return new Proxy(span, {
    get(target, key) {
      if (key === 'recordException') return recordException;
      if (key === 'setStatus') return setStatus;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as AnyFn).bind(target) : value;
    },
  });
}
