/**
 * The OpenAI Agents SDK's own spans (agent, task, turn, function, response, generation, handoff,
 * ...) mirrored as OpenTelemetry GenAI spans, and the OTel parent of whatever an aimeter span
 * starts inside one of them (framework-parent.ts).
 *
 * - `agent` -> `invoke_agent {name}` with gen_ai.agent.name;
 * - `function` -> `execute_tool {name}` with gen_ai.tool.name, type `function` (arguments and result
 *   only with content capture on);
 * - every other kind gets no span of its own: it stands for its parent. The model calls are NOT
 *   made from the `response` / `generation` spans: the provider SDK's instrumentation underneath
 *   (aimeter's openai 4-7) traces each HTTP call with its usage, and the bridge makes that span the
 *   child of the agent (or of the tool it runs in). Counting the framework's generation spans too
 *   would count every call twice; `task` and `turn` carry roll-ups of the same calls.
 */
import { context as otelContext, trace, type Context, type Tracer } from '@opentelemetry/api';
import { runtimeSettings } from '../../src/config/runtime';
import * as A from '../../src/semconv/attributes';
import { Operation } from '../../src/semconv/operations';
import { GenAiSpan } from '../../src/tracing/genai-span';
import { str } from '../../src/tracing/values';

/** The parts of an Agents SDK span read here (its Span class, any version since 0.1). */
export interface AgentsSpan {
  readonly spanId?: string;
  readonly parentId?: string | null;
  readonly spanData?: { readonly type?: string; readonly name?: unknown; readonly input?: unknown; readonly output?: unknown };
  readonly error?: { readonly message?: unknown } | null;
}

interface Entry {
  /** The context this span's children start under: its own OTel span's, or its parent's. */
  readonly ctx: Context;
  readonly genAi: GenAiSpan | undefined;
  /** The OTel span that was active when the outermost mirrored span started (see parentFor). */
  readonly outer: string | undefined;
}

/** Where the SDK keeps its current span (agents-core tracing/context: one storage for every copy of the SDK). */
const STORAGE = Symbol.for('openai.agents.core.asyncLocalStorage');
/** Spans that never end (a run abandoned mid-way) are forgotten past this many. */
const MAX_OPEN = 10_000;

/** A run that ended with an error: the SDK's span error has a message only (which may quote content). */
class AgentsSpanError extends Error {
  override name = 'AgentsSpanError';
}

export class AgentsSpanBridge {
  private readonly open = new Map<string, Entry>();
  /** The loaded SDK's `getCurrentSpan`, read where the storage is not global (see currentSpanId). */
  private sdkCurrentSpan: (() => unknown) | undefined;

  constructor(private readonly tracer: () => Tracer) {}

  /** An SDK span started (MultiTracingProcessor.onSpanStart, synchronously inside the SDK's span scope). */
  started(span: AgentsSpan): void {
    const id = span.spanId;
    if (typeof id !== 'string') return;
    const parent = typeof span.parentId === 'string' ? this.open.get(span.parentId) : undefined;
    const base = parent?.ctx ?? otelContext.active();
    const genAi = this.mirror(span, base);
    if (this.open.size >= MAX_OPEN) {
      const oldest = this.open.keys().next().value;
      if (oldest !== undefined) this.open.delete(oldest);
    }
    this.open.set(id, { ctx: genAi ? genAi.context : base, genAi, outer: parent ? parent.outer : activeSpanId(base) });
  }

  /** An SDK span ended. */
  ended(span: AgentsSpan): void {
    const id = span.spanId;
    if (typeof id !== 'string') return;
    const entry = this.open.get(id);
    if (entry === undefined) return;
    this.open.delete(id);
    const genAi = entry.genAi;
    if (genAi === undefined) return;
    const data = span.spanData;
    if (data?.type === 'function' && runtimeSettings().captureMessageContent) {
      const input = str(data.input);
      const output = str(data.output);
      if (input) genAi.span.setAttribute(A.ATTR_GEN_AI_TOOL_CALL_ARGUMENTS, input);
      if (output) genAi.span.setAttribute(A.ATTR_GEN_AI_TOOL_CALL_RESULT, output);
    }
    if (span.error) {
      const message = typeof span.error.message === 'string' ? span.error.message : '';
      genAi.fail(new AgentsSpanError(message), '_OTHER');
    } else {
      genAi.end();
    }
  }

  /**
   * The parent for an aimeter span starting now: the mirrored span the SDK is inside (the agent,
   * or the tool the call is made from), as long as the app has not entered an OTel context of its
   * own inside the run (the active OTel span is still the one around the run: then that context,
   * e.g. a traceTool() inside a tool, is the more specific parent and is kept).
   */
  parentFor(active: Context): Context | undefined {
    if (this.open.size === 0) return undefined;
    const current = this.currentSpanId();
    if (typeof current !== 'string') return undefined;
    const entry = this.open.get(current);
    if (entry === undefined || activeSpanId(active) !== entry.outer) return undefined;
    return entry.ctx;
  }

  /** The entry's `getCurrentSpan` of a loaded copy of the SDK (patchExports). */
  useCurrentSpan(getCurrentSpan: unknown): void {
    if (typeof getCurrentSpan === 'function') this.sdkCurrentSpan = getCurrentSpan as () => unknown;
  }

  /**
   * The SDK's current span: from its global storage (one for every copy of the SDK, later 0.x),
   * else from the SDK's own `getCurrentSpan` (0.1.0 keeps the storage in a module variable).
   */
  private currentSpanId(): unknown {
    const storage = (globalThis as Record<symbol, { getStore?(): unknown } | undefined>)[STORAGE];
    if (storage !== undefined) {
      const store = storage.getStore?.() as { active?: boolean; span?: AgentsSpan } | undefined;
      return store?.active === true ? store.span?.spanId : undefined;
    }
    return (this.sdkCurrentSpan?.() as AgentsSpan | null | undefined)?.spanId;
  }

  private mirror(span: AgentsSpan, parent: Context): GenAiSpan | undefined {
    const data = span.spanData;
    const name = str(data?.name);
    if (data?.type === 'agent') {
      return GenAiSpan.start(this.tracer(), { operation: Operation.InvokeAgent, agentName: name ?? 'agent', parent });
    }
    if (data?.type === 'function') {
      return GenAiSpan.start(this.tracer(), {
        operation: Operation.ExecuteTool,
        toolName: name ?? 'tool',
        attributes: { [A.ATTR_GEN_AI_TOOL_TYPE]: 'function' },
        parent,
      });
    }
    return undefined;
  }
}

function activeSpanId(ctx: Context): string | undefined {
  return trace.getSpan(ctx)?.spanContext().spanId;
}
