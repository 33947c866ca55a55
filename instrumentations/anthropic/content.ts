/**
 * Anthropic Messages request/response content as the GenAI semantic conventions' JSON
 * attributes (`gen_ai.system_instructions`, `gen_ai.input.messages`, `gen_ai.output.messages`,
 * `gen_ai.tool.definitions`). Only called when content capture is on.
 */
import type { Attributes } from '@opentelemetry/api';
import * as A from '../../src/semconv/attributes';

type Json = Record<string, unknown>;

/** Anthropic stop_reason -> semconv finish_reason. */
export function finishReasonOf(stopReason: unknown): string | undefined {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_call';
    case 'refusal':
      return 'content_filter';
    default:
      return typeof stopReason === 'string' ? stopReason : undefined;
  }
}

function partOf(block: unknown): Json | undefined {
  if (typeof block === 'string') return { type: 'text', content: block };
  if (!block || typeof block !== 'object') return undefined;
  const b = block as Json;
  switch (b.type) {
    case 'text':
      return { type: 'text', content: b.text };
    case 'thinking':
      return { type: 'reasoning', content: b.thinking };
    case 'redacted_thinking':
      return { type: 'reasoning', content: '[redacted]' };
    case 'tool_use':
    case 'server_tool_use':
      return { type: 'tool_call', id: b.id, name: b.name, arguments: b.input };
    case 'tool_result':
      return { type: 'tool_call_response', id: b.tool_use_id, response: b.content };
    default:
      // Images, documents and other blocks: their kind only, never their (possibly large) data.
      return { type: typeof b.type === 'string' ? b.type : 'unknown' };
  }
}

function partsOf(content: unknown): Json[] {
  const blocks = Array.isArray(content) ? content : [content];
  return blocks.map(partOf).filter((p): p is Json => p !== undefined);
}

/** Content attributes known when the request is made. */
export function requestContentAttributes(params: Json): Attributes {
  const out: Attributes = {};
  if (params.system !== undefined && params.system !== null) {
    out[A.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS] = JSON.stringify(partsOf(params.system));
  }
  if (Array.isArray(params.messages)) {
    const messages = params.messages.map((m: Json) => ({ role: m?.role, parts: partsOf(m?.content) }));
    out[A.ATTR_GEN_AI_INPUT_MESSAGES] = JSON.stringify(messages);
  }
  if (Array.isArray(params.tools) && params.tools.length > 0) {
    const tools = params.tools.map((t: Json) =>
      t && typeof t === 'object' && 'input_schema' in t
        ? { type: 'function', name: t.name, description: t.description, parameters: t.input_schema }
        : { type: typeof t?.type === 'string' ? t.type : 'unknown', name: t?.name },
    );
    out[A.ATTR_GEN_AI_TOOL_DEFINITIONS] = JSON.stringify(tools);
  }
  return out;
}

/** `gen_ai.output.messages` for the assistant message `content` that ended with `stopReason`. */
export function responseContentAttributes(content: unknown, stopReason: unknown): Attributes {
  const message: Json = { role: 'assistant', parts: partsOf(content ?? []) };
  const finish = finishReasonOf(stopReason);
  if (finish) message.finish_reason = finish;
  return { [A.ATTR_GEN_AI_OUTPUT_MESSAGES]: JSON.stringify([message]) };
}
