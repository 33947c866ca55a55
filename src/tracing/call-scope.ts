/**
 * Running a provider SDK call "inside" its span.
 *
 * The usual way (`context.with(spanContext, call)`) makes the span the active context for the
 * call and everything it awaits. On Node.js 20 the AsyncLocalStorage context manager switches on
 * promise hooks the first time any context is entered, and from then on EVERY promise of the
 * process pays a hook call: measured here at about 40 us per OpenAI chat call over loopback HTTP
 * and 75 us per streamed one, more than everything else aimeter does for the call.
 *
 * So aimeter enters the span's context only when a context is already active (an incoming
 * request, an agent run, the application's own spans): the hooks are on anyway and entering costs
 * next to nothing. A call made outside any context (a script, a queue worker, a voice bot's socket
 * handler without tracing) starts a root span and runs in the caller's empty context: aimeter
 * never switches the hooks on by itself. What that call loses is the parenting of spans started
 * in its asynchronous continuations (e.g. an undici/HTTP client span), which become traces of
 * their own.
 *
 * When another instrumentation of the same SDK method is nested inside aimeter's (it enters a
 * context of its own anyway, so the hooks are on regardless), the instrumentation asks for the
 * context to be entered always (`enter`), so that the other span is a child of aimeter's in the
 * trace. Spans started synchronously inside a call that did not enter its context are still
 * attributed to it through `syncParentSpanId()`, so the metrics processor counts such a pair once.
 */
import { context as otelContext, ROOT_CONTEXT, trace, type Context, type Span } from '@opentelemetry/api';

/** Span ids of aimeter calls whose SDK method is running synchronously right now, innermost last. */
const syncCalls: string[] = [];

/** The span id of the aimeter call whose SDK method is running synchronously, if any. */
export function syncParentSpanId(): string | undefined {
  return syncCalls.length === 0 ? undefined : syncCalls[syncCalls.length - 1];
}

/**
 * True when `fn` is another instrumentation's wrapper (shimmer, which InstrumentationBase uses,
 * marks its wrappers with `__wrapped` and `__original`): calls through it should enter the span's
 * context (see above).
 */
export function isInstrumentationWrapper(fn: unknown): boolean {
  if (typeof fn !== 'function') return false;
  const marked = fn as { __wrapped?: unknown; __original?: unknown };
  return marked.__wrapped === true || typeof marked.__original === 'function';
}

/** True when entering a context would not switch context propagation on by itself. */
export function isContextActive(parent: Context): boolean {
  return parent !== ROOT_CONTEXT;
}

/**
 * Calls `fn` for the call whose span is `span` (started under `parent`): inside the span's context
 * when `parent` is an active context or `enter` is set, else in the caller's context with the span
 * registered as the synchronous parent. Returns or throws exactly what `fn` does.
 */
export function callInSpan<A extends unknown[], R>(
  span: Span,
  parent: Context,
  fn: (...args: A) => R,
  thisArg: unknown,
  args: A,
  enter = false,
): R {
  if (enter || isContextActive(parent)) return otelContext.with(trace.setSpan(parent, span), fn, thisArg, ...args);
  syncCalls.push(span.spanContext().spanId);
  try {
    return fn.apply(thisArg, args);
  } finally {
    syncCalls.pop();
  }
}
