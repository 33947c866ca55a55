/**
 * Anthropic (`@anthropic-ai/sdk` 0.x and 1.x): `messages.create` (plain and `stream: true`), the
 * `messages.stream()` helper, and the same on `beta.messages`.
 *
 * SDK >= 0.134 (so all of 1.x) traces its own calls with OpenTelemetry, on by default, through
 * the GLOBAL tracer provider (scope `com.anthropic.sdk.typescript`, span
 * `anthropic.messages.create`). aimeter then makes no span of its own for the call: the metrics
 * come from the SDK's span (normalised in src/processor/scope-normalisers.ts), and aimeter only
 * adds the chunk count on streamed calls. Without the SDK's tracing (older SDKs, or
 * `ANTHROPIC_OPEN_TELEMETRY=false` / `openTelemetry: false`), aimeter makes the span itself.
 * Details in messages.ts and docs/instrumentations/anthropic.md.
 */
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  isWrapped,
  type InstrumentationConfig,
} from '@opentelemetry/instrumentation';
import { packageVersion } from '../../src/internal/package-info';
import { tracedCreate } from './messages';
import { clientPrototype, withholdingTraceContext } from './trace-context';

export const ANTHROPIC_INSTRUMENTATION_NAME = 'anthropic';

const MODULE = '@anthropic-ai/sdk';
const SUPPORTED = ['>=0.20.0 <2'];

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

/** Marks aimeter's wrapper of `create` (value: the function it wraps). */
const ORIGINAL = Symbol.for('aimeter.instrumentation-anthropic.original');

function ourOriginal(fn: unknown): AnyFn | undefined {
  const original = typeof fn === 'function' ? (fn as { [ORIGINAL]?: unknown })[ORIGINAL] : undefined;
  return typeof original === 'function' ? (original as AnyFn) : undefined;
}
interface ClassLike {
  prototype?: Record<string, unknown>;
  Messages?: ClassLike;
  Beta?: ClassLike;
}

/** The Messages prototypes (stable and beta) reachable from the package's exports. */
function messagesPrototypes(exports: unknown): Array<Record<string, unknown>> {
  const e = exports as { Anthropic?: ClassLike; default?: ClassLike & { default?: ClassLike } } | undefined;
  const client = e?.Anthropic ?? e?.default?.default ?? e?.default;
  const found = new Set<Record<string, unknown>>();
  for (const cls of [client?.Messages, client?.Beta?.Messages]) {
    const proto = cls?.prototype;
    if (proto && typeof proto.create === 'function') found.add(proto);
  }
  return [...found];
}

export class AnthropicInstrumentation extends InstrumentationBase {
  constructor(config: InstrumentationConfig = {}) {
    super('aimeter/instrumentation-anthropic', packageVersion(), config);
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition(
        MODULE,
        SUPPORTED,
        (exports: unknown) => {
          this.patch(exports);
          return exports;
        },
        (exports: unknown) => {
          this.unpatch(exports);
          return exports;
        },
      ),
    ];
  }

  private patch(exports: unknown): void {
    const tracer = () => this.tracer;
    for (const proto of messagesPrototypes(exports)) {
      // A wrapper left by an earlier aimeter instance (re-registration, or a second copy of the
      // SDK that InstrumentationBase's disable() did not reach) is replaced, never stacked.
      const stale = ourOriginal(proto.create);
      if (stale) proto.create = stale;
      this._wrap(proto, 'create', (original: unknown) => {
        const wrapped = tracedCreate(original as AnyFn, tracer) as AnyFn & { [ORIGINAL]?: unknown };
        wrapped[ORIGINAL] = original;
        return wrapped;
      });
    }
    const client = clientPrototype(exports);
    if (client && !isWrapped(client.fetchWithTimeout)) {
      this._wrap(client, 'fetchWithTimeout', (original: unknown) => withholdingTraceContext(original as AnyFn));
    }
  }

  private unpatch(exports: unknown): void {
    for (const proto of messagesPrototypes(exports)) {
      if (ourOriginal(proto.create) && isWrapped(proto.create)) this._unwrap(proto, 'create');
    }
    const client = clientPrototype(exports);
    if (client && isWrapped(client.fetchWithTimeout)) this._unwrap(client, 'fetchWithTimeout');
  }
}
