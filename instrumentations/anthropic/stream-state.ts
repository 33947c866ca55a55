/**
 * What an Anthropic Messages response says, read the same way for a whole Message and for a
 * streamed one: `StreamState` rebuilds the message (id, model, stop reason, usage, content) from
 * the stream's events as the SDK's own span reads them; `usageOf` turns an Anthropic usage block
 * into semconv usage (input INCLUDES cache reads and writes).
 */
import * as A from '../../src/semconv/attributes';
import { checkedQuantity } from '../../src/provider-data/usage';
import type { TokenUsage } from '../../src/tracing/genai-span';
import type { Json } from '../../src/tracing/values';

/** What a streamed Message's events say so far (as the SDK's own span reads them). */
export class StreamState {
  message: Json = {};
  usage: Json | undefined;
  started = false;
  private sawMessageDelta = false;
  private sawStop = false;
  private readonly blocks: Json[] = [];
  private readonly partialJson = new Map<number, string>();

  get complete(): boolean {
    return this.sawMessageDelta || this.sawStop;
  }

  /** Returns true for a content delta (a chunk of output). */
  onEvent(event: unknown): boolean {
    const e = event as Json | undefined;
    switch (e?.type) {
      case 'message_start': {
        const m = (e.message ?? {}) as Json;
        this.started = true;
        this.message = { id: m.id, model: m.model };
        this.usage = { ...((m.usage as Json | undefined) ?? {}) };
        return false;
      }
      case 'content_block_start': {
        const block = e.content_block as Json | undefined;
        if (block?.type === 'fallback' && (block.to as Json | undefined)?.model) {
          this.message.model = (block.to as Json).model;
        }
        if (typeof e.index === 'number' && block) this.blocks[e.index] = { ...block };
        return false;
      }
      case 'content_block_delta': {
        this.applyDelta(e.index, e.delta as Json | undefined);
        return true;
      }
      case 'message_delta': {
        const totals = (e.usage ?? {}) as Json;
        if (this.usage) {
          this.usage.output_tokens = totals.output_tokens;
          for (const name of ['input_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'output_tokens_details']) {
            if (totals[name] !== null && totals[name] !== undefined) this.usage[name] = totals[name];
          }
        }
        const delta = e.delta as Json | undefined;
        if (delta?.stop_reason !== null && delta?.stop_reason !== undefined) this.message.stop_reason = delta.stop_reason;
        this.sawMessageDelta = true;
        return false;
      }
      case 'message_stop':
        this.sawStop = true;
        return false;
      default:
        return false;
    }
  }

  private applyDelta(index: unknown, delta: Json | undefined): void {
    if (typeof index !== 'number' || !delta) return;
    const block = (this.blocks[index] ??= { type: 'text', text: '' });
    switch (delta.type) {
      case 'text_delta':
        block.text = String(block.text ?? '') + String(delta.text ?? '');
        break;
      case 'thinking_delta':
        block.thinking = String(block.thinking ?? '') + String(delta.thinking ?? '');
        break;
      case 'input_json_delta':
        this.partialJson.set(index, (this.partialJson.get(index) ?? '') + String(delta.partial_json ?? ''));
        break;
    }
  }

  /** The message content accumulated from the deltas. */
  content(): Json[] {
    return this.blocks
      .map((block, index) => {
        const json = this.partialJson.get(index);
        if (json === undefined) return block;
        let input: unknown = json;
        try {
          input = json === '' ? {} : JSON.parse(json);
        } catch {
          // Cut short: keep the text.
        }
        return { ...block, input };
      })
      .filter((b): b is Json => b !== undefined);
  }
}

/** Semconv usage from an Anthropic usage block; output counts only once final (`complete`). */
export function usageOf(usage: Json | undefined, complete: boolean): TokenUsage {
  if (!usage) return {};
  // Checked before they are added up (src/provider-data/usage.ts): one absurd part must not make the total absurd.
  const input = checkedQuantity(usage.input_tokens, A.ATTR_GEN_AI_USAGE_INPUT_TOKENS);
  const cacheRead = checkedQuantity(usage.cache_read_input_tokens, A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS);
  const cacheCreation = checkedQuantity(usage.cache_creation_input_tokens, A.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS);
  const details = usage.output_tokens_details as Json | undefined | null;
  return {
    inputTokens: input === undefined ? undefined : input + (cacheRead ?? 0) + (cacheCreation ?? 0),
    cacheReadTokens: cacheRead,
    cacheCreationTokens: cacheCreation,
    outputTokens: complete ? checkedQuantity(usage.output_tokens, A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS) : undefined,
    reasoningTokens: complete ? checkedQuantity(details?.thinking_tokens, A.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS) : undefined,
  };
}
