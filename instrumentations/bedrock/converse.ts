/**
 * What a Bedrock Converse / ConverseStream request and response say, in semconv terms.
 *
 * Usage: Converse's `inputTokens` does NOT count the prompt cache (`totalTokens` = input + output
 * + cache reads + cache writes), so semconv input = inputTokens + cacheReadInputTokens +
 * cacheWriteInputTokens; the cache write is `cache_creation` (v1.41) / `cache_write` (newest).
 * Finish reasons are Bedrock's own spelling (`end_turn`, `max_tokens`, `tool_use`, ...).
 */
import type { Attributes } from '@opentelemetry/api';
import * as A from '../../src/semconv/attributes';
import { checkedQuantity } from '../../src/provider-data/usage';
import type { GenAiSpan, TokenUsage } from '../../src/tracing/genai-span';
import { num, obj, str, type Json } from '../../src/tracing/values';

/** Request parameters of a Converse input (`inferenceConfig`). */
export function converseRequestAttributes(input: Json | undefined): Attributes {
  const config = obj(input?.inferenceConfig);
  const out: Attributes = {};
  if (num(config?.temperature) !== undefined) out[A.ATTR_GEN_AI_REQUEST_TEMPERATURE] = config!.temperature;
  if (num(config?.topP) !== undefined) out[A.ATTR_GEN_AI_REQUEST_TOP_P] = config!.topP;
  if (num(config?.maxTokens) !== undefined) out[A.ATTR_GEN_AI_REQUEST_MAX_TOKENS] = config!.maxTokens;
  const stop = config?.stopSequences;
  if (Array.isArray(stop) && stop.length > 0 && stop.every((s) => typeof s === 'string')) out[A.ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = stop as string[];
  return out;
}

/** Semconv usage of a Converse `usage` block (input INCLUDES cache reads and writes). */
export function converseUsageOf(usage: unknown): TokenUsage | undefined {
  const u = obj(usage);
  if (!u) return undefined;
  return cacheInclusiveUsage(u.inputTokens, u.outputTokens, u.cacheReadInputTokens, u.cacheWriteInputTokens);
}

/**
 * Semconv usage from counts where the input EXCLUDES the cache (Converse, Nova and Bedrock's
 * invocation metrics all report it so): each count checked before they are added up.
 */
export function cacheInclusiveUsage(input: unknown, output: unknown, cacheRead: unknown, cacheWrite: unknown): TokenUsage {
  const fresh = checkedQuantity(input, A.ATTR_GEN_AI_USAGE_INPUT_TOKENS);
  const read = checkedQuantity(cacheRead, A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS);
  const write = checkedQuantity(cacheWrite, A.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS);
  return {
    inputTokens: fresh === undefined ? undefined : fresh + (read ?? 0) + (write ?? 0),
    outputTokens: checkedQuantity(output, A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS),
    cacheReadTokens: read,
    cacheCreationTokens: write,
  };
}

/** Stop reason and usage of a whole ConverseResponse. */
export function recordConverse(span: GenAiSpan, output: Json | undefined): void {
  if (!output) return;
  const reason = str(output.stopReason);
  span.setResponse({ finishReasons: reason ? [reason] : [] });
  const usage = converseUsageOf(output.usage);
  if (usage) span.setUsage(usage);
}

/**
 * What a ConverseStream's events say so far: one chunk per `contentBlockDelta`, the stop reason
 * of `messageStop`, the usage of `metadata`, and (content capture only) the text.
 */
export class ConverseStreamState {
  stopReason: string | undefined;
  usage: TokenUsage | undefined;
  private readonly texts: string[] | undefined;

  constructor(capture: boolean) {
    this.texts = capture ? [] : undefined;
  }

  /** Returns true for an event that carries output (a chunk). */
  onEvent(event: unknown): boolean {
    const e = obj(event);
    if (!e) return false;
    const delta = obj(e.contentBlockDelta);
    if (delta) {
      const text = obj(delta.delta)?.text;
      if (this.texts && typeof text === 'string') {
        const index = typeof delta.contentBlockIndex === 'number' ? delta.contentBlockIndex : 0;
        this.texts[index] = (this.texts[index] ?? '') + text;
      }
      return true;
    }
    const stop = obj(e.messageStop);
    if (stop) this.stopReason = str(stop.stopReason) ?? this.stopReason;
    const metadata = obj(e.metadata);
    if (metadata) this.usage = converseUsageOf(metadata.usage) ?? this.usage;
    return false;
  }

  record(span: GenAiSpan): void {
    span.setResponse({ finishReasons: this.stopReason ? [this.stopReason] : [] });
    if (this.usage) span.setUsage(this.usage);
  }

  /** The streamed text (content capture only). */
  text(): string | undefined {
    return this.texts && this.texts.length > 0 ? this.texts.join('') : undefined;
  }
}

// ---------------------------------------------------------------- content (capture only)

/** A Converse content block as a semconv message part (other blocks: their kind only). */
function partOf(block: unknown): Json | undefined {
  const b = obj(block);
  if (!b) return undefined;
  if (typeof b.text === 'string') return { type: 'text', content: b.text };
  const toolUse = obj(b.toolUse);
  if (toolUse) return { type: 'tool_call', id: toolUse.toolUseId, name: toolUse.name, arguments: toolUse.input };
  const toolResult = obj(b.toolResult);
  if (toolResult) return { type: 'tool_call_response', id: toolResult.toolUseId, response: toolResult.content };
  const reasoning = obj(obj(b.reasoningContent)?.reasoningText);
  if (reasoning && typeof reasoning.text === 'string') return { type: 'reasoning', content: reasoning.text };
  // Images, documents, cache points...: the block's kind, never its data.
  const kind = Object.keys(b)[0];
  return { type: kind ?? 'unknown' };
}

function partsOf(content: unknown): Json[] {
  return (Array.isArray(content) ? content : []).map(partOf).filter((p): p is Json => p !== undefined);
}

/** `gen_ai.system_instructions` and `gen_ai.input.messages` of a Converse input. */
export function converseInputContent(input: Json | undefined): Attributes {
  const out: Attributes = {};
  if (Array.isArray(input?.system) && input.system.length > 0) out[A.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS] = JSON.stringify(partsOf(input.system));
  if (Array.isArray(input?.messages)) {
    out[A.ATTR_GEN_AI_INPUT_MESSAGES] = JSON.stringify(input.messages.map((m: unknown) => ({ role: obj(m)?.role, parts: partsOf(obj(m)?.content) })));
  }
  return out;
}

/** `gen_ai.output.messages`: one assistant message of `content` blocks. */
export function outputMessages(content: unknown, stopReason: string | undefined): Attributes {
  const message: Json = { role: 'assistant', parts: partsOf(content) };
  if (stopReason) message.finish_reason = stopReason;
  return { [A.ATTR_GEN_AI_OUTPUT_MESSAGES]: JSON.stringify([message]) };
}
