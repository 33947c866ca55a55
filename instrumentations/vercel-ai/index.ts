/**
 * Vercel AI SDK (`ai` 6.x): its own telemetry turned on where the caller did not set it.
 *
 * The SDK traces itself (`experimental_telemetry`): a span per call (`ai.generateText`), per model
 * call inside it (`ai.generateText.doGenerate`, one per step and per retry), per tool execution
 * (`ai.toolCall`), per embedding call. Its providers (`@ai-sdk/openai`, `@ai-sdk/anthropic`, ...)
 * call the API with fetch, not through the provider SDKs aimeter patches, so these spans are the
 * only record of the calls; the processor reads them (src/processor/vercel-ai.ts) and counts each
 * model call once, nested provider spans included (lineage.ts). But the SDK makes them only when
 * `isEnabled: true` is passed on every call, so this instrumentation adds it to the options of
 * `generateText`, `streamText`, `generateObject`, `streamObject`, `embed`, `embedMany` and of the
 * agent class (`ToolLoopAgent#prepareCall`, which every `generate` / `stream` of an agent goes
 * through), content recording off unless opted in (telemetry-settings.ts). It makes no span of its
 * own. Built on the kit (docs/instrumentations/adding.md); see docs/instrumentations/vercel-ai.md.
 *
 * Targets: the entry point's functions. Its CommonJS build exports them as read-only getters, so
 * the require hook hands out a patchable copy of the exports (src/tracing/exports.ts); the ESM
 * build's namespace is patched in place through import-in-the-middle.
 */
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { defineInstrumentation, KitInstrumentation } from '../../src/tracing/define';
import { patchableExports } from '../../src/tracing/exports';
import { isThenable, obj } from '../../src/tracing/values';

export const VERCEL_AI = defineInstrumentation({ name: 'vercel-ai' });
export const VERCEL_AI_INSTRUMENTATION_NAME = VERCEL_AI.name;

const MODULE = 'ai';
const SUPPORTED = ['>=6.0.0 <7'];

/** The functions that take one options object with `experimental_telemetry` first. */
const FUNCTIONS = ['generateText', 'streamText', 'generateObject', 'streamObject', 'embed', 'embedMany'] as const;

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

export class VercelAiInstrumentation extends KitInstrumentation {
  constructor(config: InstrumentationConfig = {}) {
    super(VERCEL_AI, config);
  }

  protected init() {
    return [this.entryModule(MODULE, SUPPORTED)];
  }

  protected override patchExports(exports: unknown): object | void {
    const given = obj(exports);
    if (given === undefined) return;
    const target = patchableExports(given, FUNCTIONS[0]);
    for (const name of FUNCTIONS) this.patcher.wrap(target, name, (original) => this.firstArgumentWithDefaults(original));
    this.patcher.wrap(agentPrototype(target), 'prepareCall', (original) => this.resolvedWithDefaults(original));
    return target === given ? undefined : target;
  }

  protected override unpatchExports(exports: unknown): void {
    const given = obj(exports);
    if (given === undefined) return;
    // The copy patchExports handed out, when it made one (the caller holds it).
    const target = patchableExports(given, FUNCTIONS[0]);
    for (const name of FUNCTIONS) this.patcher.unwrap(target, name);
    this.patcher.unwrap(agentPrototype(target), 'prepareCall');
  }

  /** `generateText(options)` and its kin: the same call, options with the telemetry defaults. */
  private firstArgumentWithDefaults(original: AnyFn): AnyFn {
    const instrumentation = this;
    return function (this: unknown, ...args: unknown[]): unknown {
      let callArgs = args;
      try {
        const options = withTelemetryDefaults(args[0]);
        if (options !== args[0]) callArgs = [options, ...args.slice(1)];
      } catch (error) {
        instrumentation.internalError(error);
      }
      return original.apply(this, callArgs);
    };
  }

  /**
   * `ToolLoopAgent#prepareCall()`: resolves to the options its `generate` / `stream` pass to the
   * SDK's own generateText / streamText (not the exports patched above): they get the defaults too.
   */
  private resolvedWithDefaults(original: AnyFn): AnyFn {
    const instrumentation = this;
    const withDefaults = (options: unknown): unknown => {
      try {
        return withTelemetryDefaults(options);
      } catch (error) {
        instrumentation.internalError(error);
        return options;
      }
    };
    return function (this: unknown, ...args: unknown[]): unknown {
      const result = original.apply(this, args);
      return isThenable(result) ? Promise.resolve(result).then(withDefaults) : result;
    };
  }
}

/** Loaded with the SDK (the first call): start-up loads the hook alone. */
function withTelemetryDefaults(options: unknown): unknown {
  return (require('./telemetry-settings') as typeof import('./telemetry-settings')).withTelemetryDefaults(options);
}

function agentPrototype(exports: object): object | undefined {
  const agent = (exports as { ToolLoopAgent?: unknown }).ToolLoopAgent;
  return typeof agent === 'function' ? obj((agent as { prototype?: unknown }).prototype) : undefined;
}
