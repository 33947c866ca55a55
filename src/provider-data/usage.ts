/**
 * Usage numbers come from outside: a provider's response body, or an attribute another library
 * set on its span. A single absurd value would otherwise stay in a counter for good (two calls
 * reporting 1e308 tokens make aimeter_tokens_total +Inf), and a part larger than its total would
 * be billed as reported. So every usage quantity passes through here, in the instrumentations
 * (GenAiSpan.setUsage and friends) and again in the processor (readGenAiSpan), which reads ANY
 * library's spans:
 *
 *   - a quantity is plausible when it is a finite number from 0 to its field's bound (BOUNDS);
 *     anything else is dropped (treated as not reported) and counted in
 *     aimeter_provider_data_rejected_total{aimeter_field, aimeter_reason};
 *   - cache reads + cache writes are cut to the input tokens they are part of, reasoning tokens to
 *     the output tokens (semconv: input includes cached input, output includes reasoning); each
 *     cut is counted with reason `clamped`.
 *
 * Checking twice is harmless: a value that passed once passes again, and a dropped one is gone.
 */
import * as A from '../semconv/attributes';
import { recordRejection } from './rejections';

/** No model's context comes near 1e9 tokens (the largest are around 1e7). */
const TOKEN_BOUND = 1e9;

/** The most one call can plausibly report. Documented in docs/metrics.md ("Provider data"). */
export const BOUNDS: Readonly<Record<string, number>> = {
  [A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: TOKEN_BOUND,
  [A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: TOKEN_BOUND,
  [A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: TOKEN_BOUND,
  [A.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]: TOKEN_BOUND,
  [A.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]: TOKEN_BOUND,
  [A.ATTR_AIMETER_SPEECH_CHARACTERS]: 1e9,
  // 10^7 s is about 115 days of audio in one call.
  [A.ATTR_AIMETER_SPEECH_AUDIO_DURATION]: 1e7,
  [A.ATTR_AIMETER_SPEECH_AUDIO_SIZE]: 1e11,
  [A.ATTR_AIMETER_RESPONSE_CHUNKS]: 1e9,
  // Seconds; a stream whose first chunk took over 11 days is not a measurement.
  [A.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK]: 1e6,
};
const DEFAULT_BOUND = 1e9;

/**
 * `value` when it is a plausible quantity for `field` (an attribute key of BOUNDS); undefined when
 * it is absent (undefined, null: not reported) or implausible (counted).
 */
export function checkedQuantity(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  // The fast path: what almost every response carries.
  const bound = BOUNDS[field] ?? DEFAULT_BOUND;
  if (typeof value === 'number' && value >= 0 && value <= bound) return value;
  if (typeof value !== 'number') recordRejection(field, 'not_a_number', value, 'not a number');
  else if (!Number.isFinite(value)) recordRejection(field, 'non_finite', value, 'not a finite number');
  else if (value < 0) recordRejection(field, 'negative', value, 'below 0');
  else recordRejection(field, 'absurd', value, `above the bound of ${bound} per call`);
  return undefined;
}

export interface TokenCounts {
  /** Input tokens, INCLUDING cache reads and writes (semconv). */
  readonly inputTokens?: number;
  /** Output tokens, INCLUDING reasoning tokens. */
  readonly outputTokens?: number;
  readonly cacheReadTokens?: number;
  readonly cacheCreationTokens?: number;
  readonly reasoningTokens?: number;
}

function plausibleTokens(value: unknown): value is number | undefined {
  return value === undefined || (typeof value === 'number' && value >= 0 && value <= TOKEN_BOUND);
}

/** Token counts as read from a response or a span: anything, to be checked. */
export type RawTokenCounts = { readonly [K in keyof TokenCounts]?: unknown };

/** Each count checked (checkedQuantity), then the parts cut to their totals. */
export function checkedTokenCounts(usage: RawTokenCounts): TokenCounts {
  // The fast path (every span goes through here): plausible counts, parts within their totals.
  const { inputTokens: i, outputTokens: o, cacheReadTokens: r, cacheCreationTokens: w, reasoningTokens: t } = usage;
  if (
    plausibleTokens(i) &&
    plausibleTokens(o) &&
    plausibleTokens(r) &&
    plausibleTokens(w) &&
    plausibleTokens(t) &&
    (i === undefined || (r ?? 0) + (w ?? 0) <= i) &&
    (o === undefined || t === undefined || t <= o)
  ) {
    return usage as TokenCounts;
  }
  const inputTokens = checkedQuantity(usage.inputTokens, A.ATTR_GEN_AI_USAGE_INPUT_TOKENS);
  const outputTokens = checkedQuantity(usage.outputTokens, A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS);
  let cacheReadTokens = checkedQuantity(usage.cacheReadTokens, A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS);
  let cacheCreationTokens = checkedQuantity(usage.cacheCreationTokens, A.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS);
  let reasoningTokens = checkedQuantity(usage.reasoningTokens, A.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS);
  if (inputTokens !== undefined) {
    if (cacheReadTokens !== undefined && cacheReadTokens > inputTokens) {
      recordRejection(A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, 'clamped', cacheReadTokens, `above the ${inputTokens} input tokens it is part of`);
      cacheReadTokens = inputTokens;
    }
    const room = inputTokens - (cacheReadTokens ?? 0);
    if (cacheCreationTokens !== undefined && cacheCreationTokens > room) {
      recordRejection(A.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, 'clamped', cacheCreationTokens, `cache reads and writes above the ${inputTokens} input tokens they are part of`);
      cacheCreationTokens = room;
    }
  }
  if (outputTokens !== undefined && reasoningTokens !== undefined && reasoningTokens > outputTokens) {
    recordRejection(A.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, 'clamped', reasoningTokens, `above the ${outputTokens} output tokens it is part of`);
    reasoningTokens = outputTokens;
  }
  return { inputTokens, outputTokens, cacheReadTokens, cacheCreationTokens, reasoningTokens };
}
