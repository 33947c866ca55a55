/** The execute_tool span of one LangChain tool invocation: its call id, arguments and result (content capture only). */
import type { Tracer } from '@opentelemetry/api';
import { runtimeSettings } from '../../src/config/runtime';
import * as A from '../../src/semconv/attributes';
import { Operation } from '../../src/semconv/operations';
import { GenAiSpan } from '../../src/tracing/genai-span';
import { swallow } from '../../src/internal/errors';
import { isThenable, obj, str } from '../../src/tracing/values';
// index.ts loads this module lazily, from inside its patches, so its exports are complete by then
// (start-up loads each instrumentation's index alone: test/core/preload-order.test.ts).
import { LANGCHAIN } from './index';

const COMPONENT = LANGCHAIN.component;

export interface ToolLike {
  readonly name?: unknown;
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

export function startToolSpan(tracer: Tracer, tool: ToolLike, arg: unknown, config: unknown): GenAiSpan {
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

/** What `call` returned: a result now, or the tool's own promise (the caller gets it; the span ends beside it). */
export function settleCall(span: GenAiSpan, result: unknown): void {
  if (!isThenable(result)) {
    settle(span, result);
    return;
  }
  result.then(
    (value) => swallow(COMPONENT, undefined, () => settle(span, value)),
    (error: unknown) => swallow(COMPONENT, undefined, () => span.fail(error)),
  );
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
