/**
 * Fastify (>= 4.27 / 5) publishes every route handler's start on the `fastify.request.handler`
 * tracing channel, with the route's template. Subscribing by name costs nothing until fastify is
 * loaded and needs no patch; the template is kept on the raw request until the span ends.
 */
import * as diagnostics from 'node:diagnostics_channel';

const ROUTE = Symbol('aimeter.fastify.route');
const HANDLER_START = 'tracing:fastify.request.handler:start';

interface HandlerStart {
  readonly request?: { readonly raw?: object };
  readonly route?: { readonly url?: unknown };
}

function onHandlerStart(message: unknown): void {
  const { request, route } = message as HandlerStart;
  if (request?.raw && typeof route?.url === 'string') (request.raw as { [ROUTE]?: string })[ROUTE] = route.url;
}

let subscribed = false;

export function watchFastifyRoutes(): void {
  if (subscribed) return;
  subscribed = true;
  diagnostics.subscribe(HANDLER_START, onHandlerStart);
}

export function unwatchFastifyRoutes(): void {
  if (!subscribed) return;
  subscribed = false;
  diagnostics.unsubscribe(HANDLER_START, onHandlerStart);
}

export function fastifyRoute(request: object): string | undefined {
  return (request as { [ROUTE]?: string })[ROUTE];
}
