/**
 * The route template of an incoming request (`/api/chat/:topic`, not `/api/chat/greeting`), for
 * the server span's `http.route` and its name (`GET /api/chat/:topic`).
 *
 * instrumentation-http alone knows only the URL; the route is the framework's. OpenTelemetry's
 * framework instrumentations (-express, -fastify, -koa) supply it but also wrap every middleware
 * in a span of its own; aimeter only needs the template, so it reads it where each framework
 * leaves it, at the end of the request: express keeps it on the request, fastify publishes it on a
 * diagnostics channel (fastify-route.ts), koa's router puts it on its context (koa-route.ts).
 */
import { expressRoute } from './express-route';
import { fastifyRoute } from './fastify-route';
import { koaRoute } from './koa-route';

/** The route the framework matched for this request, if any. */
export function routeOf(request: object): string | undefined {
  return fastifyRoute(request) ?? koaRoute(request) ?? expressRoute(request);
}
