/**
 * LangChain.js (`@langchain/core` 1.x): every tool invocation as an `execute_tool {name}` span
 * (gen_ai.tool.name, gen_ai.tool.call.id, type `function`; arguments and result only with
 * content capture on); every run of a v1 agent (`createAgent` of the `langchain` package) as an
 * `invoke_agent {name}` span. See docs/instrumentations/langchain.md.
 *
 * Agents: `ReactAgent.prototype.invoke` and `.stream`, the two ways to run what createAgent
 * returns (ReactAgent is not exported from `langchain`'s entry: hooked in its own file). Both
 * call the compiled LangGraph graph inside the span's context, so every node (the model node, the
 * ToolNode) runs under it: the tools' execute_tool spans and the provider SDK's model spans are
 * its children and carry its agent label. Not a LangChain callback handler, for the reasons below.
 *
 * Target: `StructuredTool.prototype.call`, which `invoke()` (and so agents, ToolNode and
 * `bindTools` loops), `Tool` and `DynamicStructuredTool` / `tool()` all end in exactly once
 * (subclasses override `call` and reach it through `super.call`). A wrapper rather than a
 * LangChain callback handler (handleToolStart / handleToolEnd): a callback is told about the
 * tool, it does not run it, so the tool's own model calls could not become its children (the
 * OTel context is never entered), its timings would include the callback queue
 * (LANGCHAIN_CALLBACKS_BACKGROUND), and a handler has to be injected into every CallbackManager
 * the app configures. The wrapper runs the tool inside its span: whatever the tool calls
 * (a model, another tool) is its child.
 *
 * Model calls: LangChain's chat models call the provider SDK (`@langchain/openai` uses `openai`),
 * which aimeter's instrumentation of that SDK traces; this layer makes no chat span, so each
 * call is counted once.
 */
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { swallow } from '../../src/internal/errors';
import { defineInstrumentation, KitInstrumentation } from '../../src/tracing/define';
import type { GenAiSpan } from '../../src/tracing/genai-span';
import type { ToolLike } from './tool-span';

export const LANGCHAIN = defineInstrumentation({ name: 'langchain' });
export const LANGCHAIN_INSTRUMENTATION_NAME = LANGCHAIN.name;

const MODULE = '@langchain/core';
const SUPPORTED = ['>=1.0.0 <2'];
/** `@langchain/core/tools`: its CommonJS and ES module builds. */
const TOOL_FILES = ['dist/tools/index.cjs', 'dist/tools/index.js'];
const TOOLS_ENTRY = '@langchain/core/tools';
/** `langchain` 1.x: createAgent's ReactAgent, in its CommonJS and ES module builds. */
const AGENT_MODULE = 'langchain';
/** From the first 1.x release, 1.0.1 (there is no 1.0.0). */
const AGENT_SUPPORTED = ['>=1.0.1 <2'];
const AGENT_FILES = ['dist/agents/ReactAgent.cjs', 'dist/agents/ReactAgent.js'];
/** The ways to run an agent; `streamEvents` is not one of them here (see the doc page). */
const AGENT_METHODS = ['invoke', 'stream'] as const;
const COMPONENT = LANGCHAIN.component;

type ToolCallFn = (this: unknown, ...args: unknown[]) => unknown;
interface StructuredToolClass {
  prototype?: { call?: ToolCallFn };
}
interface ReactAgentClass {
  prototype?: Partial<Record<(typeof AGENT_METHODS)[number], ToolCallFn>>;
}

/**
 * Calls `original` inside the span `start` opens, and hands what it returned to `settle`. The span
 * fails with a synchronous throw, which the caller still gets; if the span cannot be started,
 * `original` runs untraced. Telemetry's own failures are swallowed.
 */
function runInSpan(
  original: ToolCallFn,
  self: unknown,
  args: unknown[],
  start: () => GenAiSpan,
  settle: (span: GenAiSpan, result: unknown) => void,
): unknown {
  const span = swallow(COMPONENT, undefined, start);
  if (span === undefined) return original.apply(self, args);
  let result: unknown;
  try {
    result = span.run(() => original.apply(self, args));
  } catch (error) {
    swallow(COMPONENT, undefined, () => span.fail(error));
    throw error;
  }
  swallow(COMPONENT, undefined, () => settle(span, result));
  return result;
}

export class LangChainInstrumentation extends KitInstrumentation {
  constructor(config: InstrumentationConfig = {}) {
    super(LANGCHAIN, config);
  }

  protected init() {
    const files = this.classInFiles<StructuredToolClass>(MODULE, SUPPORTED, TOOL_FILES, 'StructuredTool', (cls, patch) =>
      patch ? this.patchTool(cls) : this.patcher.unwrap(cls?.prototype, 'call'),
    );
    // ESM: import-in-the-middle wraps only the specifiers it is told (the add-hook channel of the
    // preload), so `@langchain/core/tools` is named as a module of its own; its file hook above
    // then fires too (the patcher installs one wrapper).
    const agentFiles = this.classInFiles<ReactAgentClass>(AGENT_MODULE, AGENT_SUPPORTED, AGENT_FILES, 'ReactAgent', (cls, patch) =>
      patch ? this.patchAgent(cls) : AGENT_METHODS.forEach((m) => this.patcher.unwrap(cls?.prototype, m)),
    );
    return [this.entryModule(MODULE, SUPPORTED, files), this.entryModule(TOOLS_ENTRY, SUPPORTED), this.entryModule(AGENT_MODULE, AGENT_SUPPORTED, agentFiles)];
  }

  protected override patchExports(exports: unknown): void {
    this.patchTool((exports as { StructuredTool?: StructuredToolClass } | undefined)?.StructuredTool);
    this.patchAgentFactory(exports);
  }

  protected override unpatchExports(exports: unknown): void {
    this.patcher.unwrap((exports as { StructuredTool?: StructuredToolClass } | undefined)?.StructuredTool?.prototype, 'call');
    if (exports && typeof exports === 'object') this.patcher.unwrap(exports, 'createAgent');
    for (const prototype of this.agentPrototypes) AGENT_METHODS.forEach((m) => this.patcher.unwrap(prototype, m));
  }

  /** ReactAgent prototypes patched through createAgent (ESM), for unpatching. */
  private readonly agentPrototypes = new Set<object>();

  /**
   * ESM: import-in-the-middle wraps only the specifiers it is told, and ReactAgent.js is imported
   * by a relative path inside `langchain`, so its file hook never fires. `langchain`'s namespace
   * is wrapped, though: its `createAgent` patches the class of the first agent it makes. CommonJS
   * (a bundle's read-only getters) is left to the file hook.
   */
  private patchAgentFactory(exports: unknown): void {
    if (!exports || typeof exports !== 'object') return;
    const descriptor = Object.getOwnPropertyDescriptor(exports, 'createAgent');
    if (!descriptor || !(descriptor.configurable || descriptor.writable)) return;
    const patchAgentOf = (agent: unknown) => {
      const prototype: unknown = agent && typeof agent === 'object' ? Object.getPrototypeOf(agent) : undefined;
      if (!prototype || typeof prototype !== 'object' || this.agentPrototypes.has(prototype)) return;
      this.agentPrototypes.add(prototype);
      this.patchAgent({ prototype });
    };
    this.patcher.wrap(exports, 'createAgent', (original: ToolCallFn) =>
      function createAgent(this: unknown, ...args: unknown[]) {
        const agent = original.apply(this, args);
        swallow(COMPONENT, undefined, () => patchAgentOf(agent));
        return agent;
      },
    );
  }

  private patchAgent(cls: ReactAgentClass | undefined): void {
    const tracer = () => this.tracer;
    const spans = require('./agent-span') as typeof import('./agent-span');
    for (const method of AGENT_METHODS) {
      const settle = method === 'invoke' ? spans.settleInvoke : spans.settleStream;
      this.patcher.wrap(cls?.prototype, method, (original: ToolCallFn) =>
        function run(this: unknown, ...args: unknown[]) {
          // Inside the span's context: the graph's nodes, so the model calls and tools, run under it.
          return runInSpan(original, this, args, () => spans.startAgentSpan(tracer(), this), settle);
        },
      );
    }
  }

  private patchTool(cls: StructuredToolClass | undefined): void {
    const tracer = () => this.tracer;
    // The span code is loaded with the SDK (the first patch): start-up loads the hook alone.
    const { startToolSpan, settleCall } = require('./tool-span') as typeof import('./tool-span');
    this.patcher.wrap(cls?.prototype, 'call', (original: ToolCallFn) =>
      function call(this: unknown, ...args: unknown[]) {
        // Always inside the span's context (as traceTool does): what a tool calls is why it is traced.
        return runInSpan(original, this, args, () => startToolSpan(tracer(), this as ToolLike, args[0], args[1]), settleCall);
      },
    );
  }
}
