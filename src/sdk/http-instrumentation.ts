/**
 * The `node:http` / `node:https` instrumentation as aimeter configures it: private by default.
 *
 * - Query strings: every value is redacted, keys kept (`url.query` of incoming requests,
 *   `url.full` of outgoing ones: `?q=REDACTED&api_key=REDACTED`). @opentelemetry/instrumentation-http
 *   0.223 emits only the stable HTTP semconv (url.full, url.path, url.query; no http.target or
 *   http.url any more) and on its own redacts just a few signature keys (sig, X-Amz-Signature, ...).
 *   The start-span hooks' attributes are merged over the instrumentation's own, so the raw query
 *   never reaches the span.
 * - Trace context: not sent to AI provider hosts (see src/privacy/trace-context.ts); the request
 *   hook takes the propagation headers off the ClientRequest before its headers are written.
 * - SERVER spans: made by src/http/server-span.ts inside instrumentation-http's patch (the route,
 *   no span for aimeter's own servers, a fraction of the cost per request).
 */
import type { ClientRequest, RequestOptions } from 'node:http';
import type { Attributes } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { isOwnServerRequest } from '../http/own-servers';
import { redactedQuery, useLeanServerSpans } from '../http/server-span';
import { setRuntimeSettings } from '../config/runtime';
import { recordInternalError } from '../internal/errors';
import { REDACTED, redactUrlQuery } from '../privacy/query-string';
import type * as TraceContextRules from '../privacy/trace-context';
import { ATTR_URL_FULL } from '../semconv/attributes';

const COMPONENT = 'http-instrumentation';

export interface HttpInstrumentationSettings {
  /** OTEL_INSTRUMENTATION_GENAI_PROPAGATE_TRACE_CONTEXT (default: from the environment). */
  readonly propagateTraceContextToGenAi?: boolean;
}

export function createHttpInstrumentation(settings: HttpInstrumentationSettings = {}): HttpInstrumentation {
  if (settings.propagateTraceContextToGenAi !== undefined) {
    setRuntimeSettings({ propagateTraceContextToGenAi: settings.propagateTraceContextToGenAi });
  }
  const instrumentation = new HttpInstrumentation({
    // Used only if instrumentation-http's own incoming path ran (useLeanServerSpans said no): the
    // query still redacted, still no spans for aimeter's own servers.
    ignoreIncomingRequestHook: isOwnServerRequest,
    startIncomingSpanHook: redactedQuery,
    startOutgoingSpanHook: outgoingUrl,
    requestHook: (_span, request) => {
      if (isClientRequest(request)) withholdFromGenAiHost(request);
    },
  });
  if (!useLeanServerSpans(instrumentation)) recordInternalError(COMPONENT, new Error('instrumentation-http is not the release src/http/server-span.ts was written against: its own SERVER spans are used (no http.route)'));
  return instrumentation;
}

/**
 * url.full of an outgoing request, built as the instrumentation builds it (protocol, credentials
 * redacted, host, port unless 80/443, path) with the query values redacted.
 */
function outgoingUrl(options: RequestOptions): Attributes {
  try {
    const path = options.path ?? '/';
    if (!path.includes('?')) return {};
    const protocol = options.protocol || 'http:';
    const headerHost = (options.headers as Record<string, unknown> | undefined)?.host;
    let host = options.host || options.hostname || (typeof headerHost === 'string' ? headerHost : '') || 'localhost';
    const port = String(options.port ?? '');
    if (!host.includes(':') && port && port !== '80' && port !== '443') host += `:${port}`;
    const auth = options.auth ? `${REDACTED}:${REDACTED}@` : '';
    return { [ATTR_URL_FULL]: `${protocol}//${auth}${host}${redactUrlQuery(path)}` };
  } catch (error) {
    recordInternalError(COMPONENT, error);
    return {};
  }
}

function isClientRequest(request: unknown): request is ClientRequest {
  return typeof (request as ClientRequest | null)?.removeHeader === 'function' && typeof (request as ClientRequest).getHeader === 'function';
}

/** The host rules (trace-context.ts, genai-hosts.ts), loaded at the first outgoing request, not at start-up (issue 10). */
let traceContextRules: typeof TraceContextRules | undefined;

function withholdFromGenAiHost(request: ClientRequest): void {
  try {
    if (request.headersSent) return;
    const { propagationFields, withholdTraceContext } = (traceContextRules ??= require('../privacy/trace-context') as typeof TraceContextRules);
    const { host, port } = destination(request);
    if (!withholdTraceContext(host, port)) return;
    for (const field of propagationFields()) request.removeHeader(field);
  } catch (error) {
    recordInternalError(COMPONENT, error);
  }
}

/** Host and port of a ClientRequest (the Host header carries the port unless it is the default). */
function destination(request: ClientRequest): { host: string; port: number | undefined } {
  const defaultPort = request.protocol === 'https:' ? 443 : 80;
  const header = request.getHeader('host');
  if (typeof header === 'string' && header !== '') {
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(header);
    if (m) return { host: m[1]!, port: m[2] ? Number(m[2]) : defaultPort };
  }
  return { host: request.host, port: defaultPort };
}
