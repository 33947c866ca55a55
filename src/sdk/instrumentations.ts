/**
 * Step one of start(): every instrumentation, constructed before anything else of the pipeline
 * is loaded. Constructing an InstrumentationBase puts its require hook (and import-in-the-middle
 * hook) in place, and only modules loaded AFTER that are patched: had aimeter loaded `http`,
 * `https`, express, prom-client or an exporter first, an app whose framework is the one holding
 * `http` would get no server span (issue 16). So this module loads only the instrumentations.
 */
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { createInstrumentations } from '../../instrumentations';
import { HTTP_INSTRUMENTATION_NAME } from '../config/env';
import { watchFastifyRoutes } from '../http/fastify-route';
import { KoaRouteInstrumentation } from '../http/koa-route';
import { createHttpInstrumentation, type HttpInstrumentationSettings } from './http-instrumentation';

export function installInstrumentations(
  disabled: ReadonlySet<string>,
  extra: readonly Instrumentation[] = [],
  httpSettings: HttpInstrumentationSettings = {},
): Instrumentation[] {
  // OTEL_NODE_DISABLED_INSTRUMENTATIONS=http: no HTTP spans; the route watchers only name those spans.
  if (disabled.has(HTTP_INSTRUMENTATION_NAME)) return [...createInstrumentations(disabled), ...extra];
  // The one place aimeter constructs HttpInstrumentation: private by default, with the route.
  const http = createHttpInstrumentation(httpSettings);
  watchFastifyRoutes();
  return [http, new KoaRouteInstrumentation(), ...createInstrumentations(disabled), ...extra];
}
