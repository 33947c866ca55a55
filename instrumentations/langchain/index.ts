/**
 * LangChain.js (`@langchain/core` 1.x): every tool invocation as an `execute_tool {name}` span
 * (gen_ai.tool.name, gen_ai.tool.call.id, type `function`; arguments and result only with
 * content capture on). See docs/instrumentations/langchain.md.
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
import { isThenable } from '../../src/tracing/values';
import type { ToolLike } from './tool-span';

export const LANGCHAIN = defineInstrumentation({ name: 'langchain' });
export const LANGCHAIN_INSTRUMENTATION_NAME = LANGCHAIN.name;

const MODULE = '@langchain/core';
const SUPPORTED = ['>=1.0.0 <2'];
/** `@langchain/core/tools`: its CommonJS and ES module builds. */
const TOOL_FILES = ['dist/tools/index.cjs', 'dist/tools/index.js'];
const TOOLS_ENTRY = '@langchain/core/tools';
const COMPONENT = LANGCHAIN.component;

type ToolCallFn = (this: unknown, ...args: unknown[]) => unknown;
interface StructuredToolClass {
  prototype?: { call?: ToolCallFn };
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
    return [this.entryModule(MODULE, SUPPORTED, files), this.entryModule(TOOLS_ENTRY, SUPPORTED)];
  }

  protected override patchExports(exports: unknown): void {
    this.patchTool((exports as { StructuredTool?: StructuredToolClass } | undefined)?.StructuredTool);
  }

  protected override unpatchExports(exports: unknown): void {
    this.patcher.unwrap((exports as { StructuredTool?: StructuredToolClass } | undefined)?.StructuredTool?.prototype, 'call');
  }

  private patchTool(cls: StructuredToolClass | undefined): void {
    const tracer = () => this.tracer;
    // The span code is loaded with the SDK (the first patch): start-up loads the hook alone.
    const { startToolSpan, settle } = require('./tool-span') as typeof import('./tool-span');
    this.patcher.wrap(cls?.prototype, 'call', (original: ToolCallFn) =>
      function call(this: unknown, ...args: unknown[]) {
        const span = swallow(COMPONENT, undefined, () => startToolSpan(tracer(), this as ToolLike, args[0], args[1]));
        if (span === undefined) return original.apply(this, args);
        let result: unknown;
        try {
          // Always inside the span's context (as traceTool does): what a tool calls is why it is traced.
          result = span.run(() => original.apply(this, args));
        } catch (error) {
          swallow(COMPONENT, undefined, () => span.fail(error));
          throw error;
        }
        if (!isThenable(result)) {
          swallow(COMPONENT, undefined, () => settle(span, result));
          return result;
        }
        // The caller gets the tool's own promise; the span ends beside it.
        result.then(
          (value) => swallow(COMPONENT, undefined, () => settle(span, value)),
          (error: unknown) => swallow(COMPONENT, undefined, () => span.fail(error)),
        );
        return result;
      },
    );
  }
}
