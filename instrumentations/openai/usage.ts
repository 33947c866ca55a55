/**
 * Usage and finish reasons as the OpenAI APIs report them (Chat Completions, Responses).
 * Counts are checked where they are read (src/provider-data/usage.ts), so that an absurd,
 * negative or non-numeric count is counted under the field it came in.
 */
import * as A from '../../src/semconv/attributes';
import { checkedQuantity } from '../../src/provider-data/usage';
import type { TokenUsage } from '../../src/tracing/genai-span';
import { obj, str } from '../../src/tracing/values';

const INPUT = A.ATTR_GEN_AI_USAGE_INPUT_TOKENS;
const OUTPUT = A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS;
const CACHE_READ = A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS;
const REASONING = A.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS;

export function chatUsage(u: unknown): TokenUsage | undefined {
  const usage = obj(u);
  if (!usage) return undefined;
  return {
    inputTokens: checkedQuantity(usage.prompt_tokens, INPUT),
    outputTokens: checkedQuantity(usage.completion_tokens, OUTPUT),
    // OpenAI: prompt_tokens_details.cached_tokens; DeepSeek: prompt_cache_hit_tokens.
    cacheReadTokens: checkedQuantity(obj(usage.prompt_tokens_details)?.cached_tokens ?? usage.prompt_cache_hit_tokens, CACHE_READ),
    reasoningTokens: checkedQuantity(obj(usage.completion_tokens_details)?.reasoning_tokens, REASONING),
  };
}

export function responsesUsage(u: unknown): TokenUsage | undefined {
  const usage = obj(u);
  if (!usage) return undefined;
  return {
    inputTokens: checkedQuantity(usage.input_tokens, INPUT),
    outputTokens: checkedQuantity(usage.output_tokens, OUTPUT),
    cacheReadTokens: checkedQuantity(obj(usage.input_tokens_details)?.cached_tokens, CACHE_READ),
    reasoningTokens: checkedQuantity(obj(usage.output_tokens_details)?.reasoning_tokens, REASONING),
  };
}

export function responsesFinishReason(response: Record<string, any>): string | undefined {
  const status = response.status;
  if (status === 'incomplete') {
    const reason = obj(response.incomplete_details)?.reason;
    return reason === 'max_output_tokens' ? 'length' : str(reason) ?? 'incomplete';
  }
  if (status === 'failed') return 'error';
  if (status === 'completed') {
    const output = Array.isArray(response.output) ? response.output : [];
    return output.some((item: any) => item?.type === 'function_call') ? 'tool_calls' : 'stop';
  }
  return str(status);
}
