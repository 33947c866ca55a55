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
import type { Tracer } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { runtimeSettings } from '../../src/config/runtime';
import { swallow } from '../../src/internal/errors';
import * as A from '../../src/semconv/attributes';
import { Operation } from '../../src/semconv/operations';
import { defineInstrumentation, KitInstrumentation } from '../../src/tracing/define';
import { GenAiSpan } from '../../src/tracing/genai-span';
import { isThenable, obj, str } from '../../src/tracing/values';

export const LANGCHAIN = defineInstrumentation({ name: 'langchain' });
export const LANGCHAIN_INSTRUMENTATION_NAME = LANGCHAIN.name;

const MODULE = '@langchain/core';
const SUPPORTED = ['>=1.0.0 <2'];
/** `@langchain/core/tools`: its CommonJS and ES module builds. */
const TOOL_FILES = ['dist/tools/index.cjs', 'dist/tools/index.js'];
const TOOLS_ENTRY = '@langchain/core/tools';
const COMPONENT = LANGCHAIN.component;

type ToolCallFn = (this: unknown, ...args: unknown[]) => unknown;
interface ToolLike {
  readonly name?: unknown;
}
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

/**
 * A LangChain ToolCall (`{ type: 'tool_call', id, name, args }`), as `invoke` passes it on or a
 * caller does; recognised as LangChain does (by its type), so a tool whose own input has `name`
 * and `args` fields is not mistaken for one.
 */
function toolCallOf(value: unknown): { id?: string; args?: unknown } | undefined {
  const call = obj(value);
  if (!call || call.type !== 'tool_call') return undefined;
  return { id: str(call.id), args: call.args };
}

function startToolSpan(tracer: Tracer, tool: ToolLike, arg: unknown, config: unknown): GenAiSpan {
  const direct = toolCallOf(arg);
  const fromConfig = toolCallOf(obj(config)?.toolCall);
  const attributes: Record<string, string> = { [A.ATTR_GEN_AI_TOOL_TYPE]: 'function' };
  const callId = direct?.id ?? fromConfig?.id;
  if (callId) attributes[A.ATTR_GEN_AI_TOOL_CALL_ID] = callId;
  if (runtimeSettings().captureMessageContent) {
    const args = direct ? direct.args : arg;
    const text = typeof args === 'string' ? args : JSON.stringify(args);
    if (typeof text === 'string') attributes[A.ATTR_GEN_AI_TOOL_CALL_ARGUMENTS] = text;
  }
  return GenAiSpan.start(tracer, { operation: Operation.ExecuteTool, toolName: str(tool?.name) ?? 'tool', attributes });
}

function settle(span: GenAiSpan, result: unknown): void {
  if (runtimeSettings().captureMessageContent) {
    // A ToolMessage (invoked with a tool call) or the tool's own output.
    const message = obj(result);
    const content = message !== undefined && 'content' in message ? message.content : result;
    const text = typeof content === 'string' ? content : JSON.stringify(content);
    if (typeof text === 'string') span.span.setAttribute(A.ATTR_GEN_AI_TOOL_CALL_RESULT, text);
  }
  span.end();
}
