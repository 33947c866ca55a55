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
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { defineInstrumentation, KitInstrumentation } from '../../src/tracing/define';

// The call code (messages.ts, trace-context.ts) is loaded when the SDK is, in patchExports:
// start-up loads the hook alone (issue 10).
const messages = () => require('./messages') as typeof import('./messages');
const traceContext = () => require('./trace-context') as typeof import('./trace-context');

export const ANTHROPIC = defineInstrumentation({ name: 'anthropic' });
export const ANTHROPIC_INSTRUMENTATION_NAME = ANTHROPIC.name;

const MODULE = '@anthropic-ai/sdk';
const SUPPORTED = ['>=0.20.0 <2'];

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

export class AnthropicInstrumentation extends KitInstrumentation {
  constructor(config: InstrumentationConfig = {}) {
    super(ANTHROPIC, config);
  }

  protected init() {
    return [this.entryModule(MODULE, SUPPORTED)];
  }

  protected override patchExports(exports: unknown): void {
    const { tracedCreate } = messages();
    const { clientPrototype, withholdingTraceContext } = traceContext();
    const tracer = () => this.tracer;
    for (const proto of messagesPrototypes(exports)) {
      this.patcher.wrap(proto, 'create', (original) => tracedCreate(original, tracer, this.component));
    }
    this.patcher.wrap(clientPrototype(exports), 'fetchWithTimeout', (original) => withholdingTraceContext(original, this.component));
  }

  protected override unpatchExports(exports: unknown): void {
    for (const proto of messagesPrototypes(exports)) this.patcher.unwrap(proto, 'create');
    this.patcher.unwrap(traceContext().clientPrototype(exports), 'fetchWithTimeout');
  }
}
