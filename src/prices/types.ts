/** What a model call consumed, as the span reports it (semconv meaning: input INCLUDES cache reads/writes). */
export interface Usage {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  /** Subset of inputTokens served from the prompt cache. */
  readonly cacheReadTokens?: number;
  /** Subset of inputTokens written to the prompt cache. */
  readonly cacheCreationTokens?: number;
  /** Subset of outputTokens spent on reasoning. */
  readonly reasoningTokens?: number;
  /** Seconds of audio transcribed (speech-to-text). */
  readonly audioSeconds?: number;
  /** Characters synthesized (text-to-speech). */
  readonly characters?: number;
}

/** Rates for one model, in US dollars. Per-token rates are stored per token (not per million). */
export interface ModelPrice {
  readonly provider: string;
  readonly model: string;
  readonly inputPerToken?: number;
  readonly outputPerToken?: number;
  readonly cacheReadPerToken?: number;
  readonly cacheWritePerToken?: number;
  readonly reasoningPerToken?: number;
  readonly audioPerMinute?: number;
  readonly perCharacter?: number;
  readonly source: string;
  readonly date: string;
}

export interface CostBreakdown {
  /** Dollars for the call. */
  readonly total: number;
  /** Dollars saved by cache reads, against the full input rate. */
  readonly cacheSavings: number;
  /** Dollars paid for cache writes above the full input rate (the cost side of caching). */
  readonly cacheWritePremium: number;
}
