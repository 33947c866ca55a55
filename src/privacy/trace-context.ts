/**
 * Trace context is not sent to AI provider hosts unless the user asks for it
 * (OTEL_INSTRUMENTATION_GENAI_PROPAGATE_TRACE_CONTEXT=true).
 *
 * A `traceparent` header tells a third party the app's trace and span ids (and `baggage`, whatever
 * the app put there) with every model call. Requests to the app's own services keep it: that is
 * what distributed tracing is for. The hosts that count as AI providers are in genai-hosts.ts.
 *
 * Where it is enforced: the outgoing requests of `node:http` / `node:https` (the configured
 * HttpInstrumentation, src/sdk/http-instrumentation.ts) and the requests of a provider SDK that
 * propagates by itself (`@anthropic-ai/sdk` >= 0.134, instrumentations/anthropic). `fetch` is not
 * instrumented by aimeter, so nothing else injects trace context there.
 */
import { propagation } from '@opentelemetry/api';
import { runtimeSettings } from '../config/runtime';
import { isGenAiHost } from './genai-hosts';

/** The header names the registered propagator writes (traceparent, tracestate, baggage, b3, ...). */
export function propagationFields(): string[] {
  try {
    return propagation.fields();
  } catch {
    return ['traceparent', 'tracestate', 'baggage'];
  }
}

export function propagatesToGenAiHosts(): boolean {
  return runtimeSettings().propagateTraceContextToGenAi;
}

/** True when trace context must not be sent to this server. */
export function withholdTraceContext(host: string, port: number | undefined): boolean {
  return !propagatesToGenAiHosts() && isGenAiHost(host, port);
}

/** Removes the propagation headers from a fetch `Headers` or a plain header object, in place. */
export function removeTraceHeaders(headers: unknown): void {
  if (headers === null || typeof headers !== 'object') return;
  const fields = propagationFields();
  const h = headers as { delete?: (name: string) => void };
  if (typeof h.delete === 'function') {
    for (const field of fields) h.delete(field);
    return;
  }
  const record = headers as Record<string, unknown>;
  for (const name of Object.keys(record)) {
    if (fields.includes(name.toLowerCase())) delete record[name];
  }
}
