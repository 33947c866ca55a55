/**
 * Koa keeps the matched route on its context (`ctx._matchedRoute`, set by @koa/router), which
 * the raw request does not link to. This instrumentation wraps `Application#createContext` to
 * leave the context on the request, so the route can be read when the server span ends. It makes
 * no spans.
 */
import { InstrumentationBase, InstrumentationNodeModuleDefinition, type InstrumentationConfig } from '@opentelemetry/instrumentation';
import { packageVersion } from '../internal/package-info';

export const KOA_ROUTE_INSTRUMENTATION_NAME = 'koa';

const CONTEXT = Symbol('aimeter.koa.context');
/** Marks our wrapper (value: the function it wraps), so that it is never stacked. */
const ORIGINAL = Symbol.for('aimeter.koa-route.original');

type CreateContext = ((this: unknown, req: object, res: object) => unknown) & { [ORIGINAL]?: CreateContext };
interface KoaApplication {
  prototype?: { createContext?: CreateContext };
}

function applicationOf(exports: unknown): KoaApplication | undefined {
  // CommonJS: the Application class itself; ESM (import-in-the-middle): a namespace with `default`.
  const e = exports as (KoaApplication & { default?: KoaApplication }) | undefined;
  return typeof e?.prototype?.createContext === 'function' ? e : e?.default;
}

export class KoaRouteInstrumentation extends InstrumentationBase {
  constructor(config: InstrumentationConfig = {}) {
    super('aimeter/instrumentation-koa-route', packageVersion(), config);
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition(
        'koa',
        ['>=2.0.0 <4'],
        (exports: unknown) => {
          patch(applicationOf(exports));
          return exports;
        },
        (exports: unknown) => {
          unpatch(applicationOf(exports));
          return exports;
        },
      ),
    ];
  }
}

function patch(app: KoaApplication | undefined): void {
  const proto = app?.prototype;
  const original = proto?.createContext;
  if (!proto || typeof original !== 'function' || original[ORIGINAL]) return;
  const wrapped: CreateContext = function (this: unknown, req, res) {
    const ctx = original.call(this, req, res);
    (req as { [CONTEXT]?: unknown })[CONTEXT] = ctx;
    return ctx;
  };
  wrapped[ORIGINAL] = original;
  proto.createContext = wrapped;
}

function unpatch(app: KoaApplication | undefined): void {
  const proto = app?.prototype;
  const original = proto?.createContext?.[ORIGINAL];
  if (proto && original) proto.createContext = original;
}

export function koaRoute(request: object): string | undefined {
  const matched = (request as { [CONTEXT]?: { _matchedRoute?: unknown } })[CONTEXT]?._matchedRoute;
  return typeof matched === 'string' ? matched : undefined;
}
