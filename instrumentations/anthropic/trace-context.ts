/**
 * `@anthropic-ai/sdk` >= 0.134 sends its call span's trace context with every request it makes
 * (its `propagation` option, on by default), through `fetch`. The request goes to the Anthropic
 * API or whatever AI gateway the client's base URL names, so by default aimeter takes those
 * headers off again, just before the SDK's `fetchWithTimeout` sends them (see
 * src/privacy/trace-context.ts; OTEL_INSTRUMENTATION_GENAI_PROPAGATE_TRACE_CONTEXT=true keeps them).
 * Only headers the SDK injected are touched: the call has the SDK's span (`__span`) and the client
 * propagates.
 */
import { swallow } from '../../src/internal/errors';
import { propagatesToGenAiHosts, removeTraceHeaders } from '../../src/privacy/trace-context';

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

interface PropagatingClient {
  openTelemetry?: { propagation?: unknown };
}

/** The prototype that defines `fetchWithTimeout` (BaseAnthropic's), reached from the package's exports. */
export function clientPrototype(exports: unknown): Record<string, unknown> | undefined {
  const e = exports as { Anthropic?: { prototype?: object }; default?: { prototype?: object; default?: { prototype?: object } } } | undefined;
  let proto: object | null | undefined = (e?.Anthropic ?? e?.default?.default ?? e?.default)?.prototype;
  while (proto && proto !== Object.prototype) {
    if (Object.prototype.hasOwnProperty.call(proto, 'fetchWithTimeout')) return proto as Record<string, unknown>;
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return undefined;
}

/** `fetchWithTimeout(url, init, ms, controller, requestOptions, ...)` without the SDK's trace headers. */
export function withholdingTraceContext(original: AnyFn, component: string): AnyFn {
  return function fetchWithTimeout(this: unknown, ...args: unknown[]): unknown {
    swallow(component, undefined, () => {
      const init = args[1] as { headers?: unknown } | undefined;
      const requestOptions = args[4] as { __span?: unknown } | undefined;
      const client = this as PropagatingClient;
      if (requestOptions?.__span && client?.openTelemetry?.propagation && !propagatesToGenAiHosts()) removeTraceHeaders(init?.headers);
    });
    return original.apply(this, args);
  };
}
