/**
 * The SERVER span of every incoming node:http / node:https request (issue 15, cost per request).
 *
 * @opentelemetry/instrumentation-http still patches `Server.prototype.emit` (its module hooks,
 * enable and disable) and still makes the CLIENT spans; what runs inside that patch for a
 * 'request' event is aimeter's. instrumentation-http's own incoming path cost about 100 us of CPU
 * per request in the in-request bench (over half of aimeter's added instructions), and most of
 * that went to things that are not the span: to bind the request and the response to the span's
 * context it replaces eight methods on each, and then wraps every listener added to them in a
 * closure of its own, with a WeakMap per event to find it again on removeListener; two more
 * listeners to end the span; a closure per hook call; a Set of spans not yet ended.
 *
 * Here each emitter gets one wrapper, of `emit`: every listener runs in the request's context,
 * as before, and the span ends in the same wrapper, at the response's 'close' (or its 'error',
 * before any listener sees it, as instrumentation-http's errorMonitor did). The attributes, the
 * status rule and the metric are instrumentation-http's own functions, so the span is the one it
 * made: same name, kind, attributes, status, parent (the incoming `traceparent`), RPC metadata for
 * framework instrumentations, and `http.server.request.duration` where a meter provider is set.
 * aimeter adds the framework's route (`http.route`, span name `GET /route`; route.ts), the query
 * values redacted (`url.query`, src/privacy/), and no span for aimeter's own servers.
 *
 * One difference, on purpose: listeners that were already on the request or response before the
 * 'request' event (Node's own, such as the response's 'finish' handler) run in the request's
 * context too. That is where Node runs them already: the response's 'finish' comes from its own
 * write, made by the handler.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, diag, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { getRPCMetadata, RPCType, setRPCMetadata, suppressTracing } from '@opentelemetry/core';
import type { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { getIncomingRequestAttributes, getIncomingStableRequestMetricAttributesOnResponse, parseResponseStatus, setSpanWithError } from '@opentelemetry/instrumentation-http/build/src/utils';
import { recordInternalError } from '../internal/errors';
import { redactQueryValues } from '../privacy/query-string';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_URL_QUERY,
  ATTR_URL_SCHEME,
} from '../semconv/attributes';
import { isOwnServerRequest } from './own-servers';
import { routeOf } from './route';

const COMPONENT = 'http-server-span';

type Emit = (this: unknown, ...args: unknown[]) => boolean;
type Component = 'http' | 'https';

/** What of HttpInstrumentation this module uses: the tracer it was given, its duration histogram, the method that makes its patch. */
interface HttpInternals {
  readonly tracer: Tracer;
  _recordServerDuration(durationMs: number, attributes: Attributes): void;
  _getPatchIncomingRequestFunction(component: Component): (original: Emit) => Emit;
}

/**
 * Makes `instrumentation`'s `Server.prototype.emit` patch this module's. False (and
 * instrumentation-http's own path stays) if the instrumentation is not the one this was written
 * against; test/core/server-span.test.ts fails then.
 */
export function useLeanServerSpans(instrumentation: HttpInstrumentation): boolean {
  const internals = instrumentation as unknown as HttpInternals;
  if (typeof internals._getPatchIncomingRequestFunction !== 'function' || typeof internals._recordServerDuration !== 'function') return false;
  internals._getPatchIncomingRequestFunction = (component) => (original) => patchedEmit(internals, component, original);
  return true;
}

function patchedEmit(http: HttpInternals, component: Component, original: Emit): Emit {
  return function emit(this: unknown) {
    // eslint-disable-next-line prefer-rest-params -- passed on as they came, without a copy
    const args = arguments as unknown as unknown[];
    const event = args[0];
    if (event !== 'request') return original.apply(this, args);
    let ctx: Context | undefined;
    let request: RequestSpan | undefined;
    try {
      const incoming = args[1] as IncomingMessage;
      if (isOwnServerRequest(incoming)) {
        ctx = suppressTracing(context.active());
      } else {
        request = new RequestSpan(http, component, incoming, args[2] as ServerResponse);
        ctx = request.context;
      }
    } catch (error) {
      recordInternalError(COMPONENT, error);
    }
    if (ctx === undefined) return original.apply(this, args);
    return context.with(ctx, handle, undefined, original, this, args, request);
  };
}

/** The application's handling of the request, in the span's context; a synchronous throw ends the span with it. */
function handle(original: Emit, server: unknown, args: unknown[], request: RequestSpan | undefined): boolean {
  try {
    return original.apply(server, args);
  } catch (error) {
    request?.fail(error);
    throw error;
  }
}

class RequestSpan {
  readonly context: Context;
  private readonly span: Span;
  private readonly startedAt = performance.now();
  private readonly metricAttributes: Attributes;
  private ended = false;

  constructor(
    private readonly http: HttpInternals,
    component: Component,
    private readonly request: IncomingMessage,
    private readonly response: ServerResponse,
  ) {
    const attributes = getIncomingRequestAttributes(request, { component, hookAttributes: redactedQuery(request), enableSyntheticSourceDetection: false }, diag);
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    this.span = http.tracer.startSpan(request.method || 'GET', { kind: SpanKind.SERVER, attributes }, parent);
    this.context = setRPCMetadata(trace.setSpan(parent, this.span), { type: RPCType.HTTP, span: this.span });
    this.metricAttributes = { [ATTR_HTTP_REQUEST_METHOD]: attributes[ATTR_HTTP_REQUEST_METHOD], [ATTR_URL_SCHEME]: attributes[ATTR_URL_SCHEME] };
    if (attributes[ATTR_NETWORK_PROTOCOL_VERSION]) this.metricAttributes[ATTR_NETWORK_PROTOCOL_VERSION] = attributes[ATTR_NETWORK_PROTOCOL_VERSION];
    runEmitsIn(request, this.context, undefined);
    runEmitsIn(response, this.context, this);
  }

  /** Called by the response's emit wrapper before the event's listeners run. */
  onResponseEvent(event: unknown, error: unknown): void {
    if (event === 'close') this.finish();
    else if (event === 'error') this.fail(error);
  }

  finish(): void {
    if (this.ended) return;
    this.ended = true;
    try {
      const { span, response } = this;
      const attributes: Attributes = { [ATTR_HTTP_RESPONSE_STATUS_CODE]: response.statusCode };
      const route = this.route();
      if (route !== undefined) {
        attributes[ATTR_HTTP_ROUTE] = route;
        span.updateName(`${this.request.method || 'GET'} ${route}`);
      }
      span.setAttributes(attributes);
      if (parseResponseStatus(SpanKind.SERVER, response.statusCode) === SpanStatusCode.ERROR) span.setStatus({ code: SpanStatusCode.ERROR });
      this.end(getIncomingStableRequestMetricAttributesOnResponse(attributes));
    } catch (error) {
      recordInternalError(COMPONENT, error);
    }
  }

  fail(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    try {
      const err = (error ?? {}) as Error;
      setSpanWithError(this.span, err);
      this.end({ [ATTR_ERROR_TYPE]: err.name });
    } catch (failure) {
      recordInternalError(COMPONENT, failure);
    }
  }

  /**
   * A framework instrumentation's route (on the RPC metadata, or set on the span), else the one
   * the framework left where route.ts reads it.
   */
  private route(): string | undefined {
    const fromMetadata = getRPCMetadata(this.context);
    if (fromMetadata?.type === RPCType.HTTP && fromMetadata.route !== undefined) return fromMetadata.route;
    const own = (this.span as { attributes?: Attributes }).attributes?.[ATTR_HTTP_ROUTE];
    if (typeof own === 'string') return own;
    return routeOf(this.request);
  }

  private end(metricAttributes: Attributes): void {
    this.span.end();
    this.http._recordServerDuration(performance.now() - this.startedAt, { ...this.metricAttributes, ...metricAttributes });
  }
}

/**
 * Every event of `emitter` is emitted in `ctx` (the request's span), so listeners the application
 * adds (a body parser's 'data' and 'end', a logger's 'finish') run there, whatever context was
 * current when the event came. `span`, for the response, hears each event first.
 */
function runEmitsIn(emitter: IncomingMessage | ServerResponse, ctx: Context, span: RequestSpan | undefined): void {
  const emit = emitter.emit as Emit;
  emitter.emit = function (this: unknown) {
    // eslint-disable-next-line prefer-rest-params -- passed on as they came, without a copy
    const args = arguments as unknown as unknown[];
    const event = args[0];
    if (span !== undefined && (event === 'close' || event === 'error')) span.onResponseEvent(event, args[1]);
    // Already there (the handler's own res.end() emits 'finish' in the request's context): no switch.
    if (context.active() === ctx) return emit.apply(this, args);
    return context.with(ctx, applyEmit, undefined, emit, this, args);
  } as typeof emitter.emit;
}

function applyEmit(emit: Emit, emitter: unknown, args: unknown[]): boolean {
  return emit.apply(emitter, args);
}

/** url.query with every value redacted, keys kept (src/privacy/query-string.ts); merged over instrumentation-http's. */
export function redactedQuery(request: IncomingMessage): Attributes {
  try {
    const url = request.url ?? '';
    const q = url.indexOf('?');
    if (q === -1) return {};
    const hash = url.indexOf('#', q);
    return { [ATTR_URL_QUERY]: redactQueryValues(url.slice(q + 1, hash === -1 ? undefined : hash)) };
  } catch (error) {
    recordInternalError(COMPONENT, error);
    return {};
  }
}
