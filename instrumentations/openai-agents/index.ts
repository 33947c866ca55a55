/**
 * OpenAI Agents SDK (`@openai/agents`, `@openai/agents-core` 0.x): agent runs and function tool
 * calls as `invoke_agent` / `execute_tool` spans, with the model calls of the run (traced by the
 * openai instrumentation underneath) as their children. See docs/instrumentations/openai-agents.md.
 *
 * Target: the SDK's own tracing. Every span it makes goes to `MultiTracingProcessor`'s
 * `onSpanStart` / `onSpanEnd` (the fan-out to the registered TracingProcessors), so aimeter wraps
 * those two prototype methods instead of registering a processor: `setTraceProcessors([...])`
 * (which `@openai/agents` itself calls at load, to install OpenAI's exporter, and apps call to
 * replace it) would drop a registered processor, and the wrapped fan-out sees the spans whatever
 * processors are set, none included, without adding an export of its own. The SDK's spans are
 * read, never changed (spans.ts maps them). With the SDK's tracing disabled
 * (OPENAI_AGENTS_DISABLE_TRACING, NODE_ENV=test, RunConfig.tracingDisabled) it makes no spans and
 * aimeter sees no agents or tools; the model calls are still counted, without agent labels.
 *
 * The parent chain: the SDK never enters an OpenTelemetry context, so the bridge registers a
 * parent resolver (src/tracing/framework-parent.ts) that tells the kit's spans started inside an
 * SDK span which mirrored span they belong to.
 *
 * Where the class is found: the package entry exports it in later 0.x releases; the first ones
 * (0.1.0) keep it in `dist/tracing/processor.js` only, so that file is hooked too (CommonJS: an
 * ES module's internal files are not hooked, see docs/instrumentations/openai-agents.md). Both
 * paths patch the same prototype once (the patcher skips a method already wrapped).
 */
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { swallow } from '../../src/internal/errors';
import { defineInstrumentation, KitInstrumentation } from '../../src/tracing/define';
import { registerParentResolver } from '../../src/tracing/framework-parent';
import type { AgentsSpan, AgentsSpanBridge } from './spans';

export const OPENAI_AGENTS = defineInstrumentation({ name: 'openai-agents' });
export const OPENAI_AGENTS_INSTRUMENTATION_NAME = OPENAI_AGENTS.name;

const MODULE = '@openai/agents-core';
const SUPPORTED = ['>=0.1.0 <1'];
const COMPONENT = OPENAI_AGENTS.component;
const PROCESSOR_FILES = ['dist/tracing/processor.js'];

type FanOut = (this: unknown, ...args: unknown[]) => unknown;
type MultiTracingProcessorClass = { prototype?: { onSpanStart?: FanOut; onSpanEnd?: FanOut } };
interface AgentsCoreExports {
  MultiTracingProcessor?: MultiTracingProcessorClass;
  getCurrentSpan?: unknown;
}

export class OpenAIAgentsInstrumentation extends KitInstrumentation {
  /** Loaded with the SDK (the first patchExports): start-up loads the hook alone. */
  private bridge: AgentsSpanBridge | undefined;

  constructor(config: InstrumentationConfig = {}) {
    super(OPENAI_AGENTS, config);
  }

  protected init() {
    const files = this.classInFiles<MultiTracingProcessorClass>(MODULE, SUPPORTED, PROCESSOR_FILES, 'MultiTracingProcessor', (cls, patch) =>
      patch ? this.patchFanOut(cls?.prototype) : this.unpatchFanOut(cls?.prototype),
    );
    return [this.entryModule(MODULE, SUPPORTED, files)];
  }

  protected override patchExports(exports: unknown): void {
    const e = exports as AgentsCoreExports | undefined;
    // Also where the class came from the internal file (that hook ran first, inside the entry's load).
    if (this.bridge !== undefined || e?.MultiTracingProcessor !== undefined) this.bridgeOf().useCurrentSpan(e?.getCurrentSpan);
    this.patchFanOut(e?.MultiTracingProcessor?.prototype);
  }

  private bridgeOf(): AgentsSpanBridge {
    const { AgentsSpanBridge: Bridge } = require('./spans') as typeof import('./spans');
    return (this.bridge ??= new Bridge(() => this.tracer));
  }

  private patchFanOut(proto: object | undefined): void {
    if (!proto) return;
    const bridge = this.bridgeOf();
    this.patcher.wrap(proto, 'onSpanStart', (original: FanOut) =>
      function onSpanStart(this: unknown, ...args: unknown[]) {
        swallow(COMPONENT, undefined, () => bridge.started(args[0] as AgentsSpan));
        return original.apply(this, args);
      },
    );
    this.patcher.wrap(proto, 'onSpanEnd', (original: FanOut) =>
      function onSpanEnd(this: unknown, ...args: unknown[]) {
        swallow(COMPONENT, undefined, () => bridge.ended(args[0] as AgentsSpan));
        return original.apply(this, args);
      },
    );
    registerParentResolver(COMPONENT, (active) => bridge.parentFor(active));
  }

  protected override unpatchExports(exports: unknown): void {
    this.unpatchFanOut((exports as AgentsCoreExports | undefined)?.MultiTracingProcessor?.prototype);
  }

  private unpatchFanOut(proto: object | undefined): void {
    this.patcher.unwrap(proto, 'onSpanStart');
    this.patcher.unwrap(proto, 'onSpanEnd');
  }
}
