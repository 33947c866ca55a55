/**
 * Why model calls stopped, from `gen_ai.response.finish_reasons`, folded into a short allow-list
 * so that the label stays small whatever spelling a provider or instrumentation uses
 * (OpenAI `tool_calls`, semconv `tool_call`, Anthropic `tool_use`/`max_tokens`, Gemini `SAFETY`,
 * the Vercel AI SDK's `tool-calls`).
 */
export const FINISH_REASONS = ['stop', 'length', 'content_filter', 'tool_calls', 'error', 'other'] as const;
export type FinishReason = (typeof FINISH_REASONS)[number];

const SPELLINGS: Readonly<Record<string, FinishReason>> = {
  stop: 'stop',
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  complete: 'stop',
  length: 'length',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  content_filter: 'content_filter',
  refusal: 'content_filter',
  safety: 'content_filter',
  recitation: 'content_filter',
  blocklist: 'content_filter',
  prohibited_content: 'content_filter',
  tool_calls: 'tool_calls',
  // The Vercel AI SDK's unified reasons (stop, length, content-filter, tool-calls, error, other).
  'tool-calls': 'tool_calls',
  'content-filter': 'content_filter',
  tool_call: 'tool_calls',
  tool_use: 'tool_calls',
  function_call: 'tool_calls',
  error: 'error',
};

export function normaliseFinishReason(raw: string): FinishReason {
  return SPELLINGS[raw.trim().toLowerCase()] ?? 'other';
}

/** The reasons of a `gen_ai.response.finish_reasons` value (a string array; one string is accepted too). */
export function finishReasonsOf(value: unknown): FinishReason[] | undefined {
  const raw = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  return raw.length > 0 ? raw.map(normaliseFinishReason) : undefined;
}
