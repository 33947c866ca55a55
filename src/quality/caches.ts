/**
 * Application caches (a semantic cache, a response cache in front of the model) and prompt
 * compression: what the application saves before a model call is made. The provider's own
 * prompt cache needs no call here: its hit ratio and net return come from aimeter_tokens_total
 * and the cache cost counters (prometheus/rules/aimeter-recording.yml).
 */
import { recordInternalError } from '../internal/errors';
import { warnOnce } from '../internal/log';
import type { GenAiMetrics } from '../metrics/genai-metrics';
import { labelKey } from '../metrics/series-store';
import { nameProblem } from './labels';
import { qualityMetrics } from './state';

const COMPONENT = 'quality';

export interface CacheLookupInput {
  /** aimeter.cache.name: which cache (a short identifier such as `semantic`, `faq`). */
  readonly cache: string;
  readonly hit: boolean;
  /** Tokens the hit saved (the model call it avoided), when known. */
  readonly savedTokens?: number;
  /** US dollars the hit saved, when known. */
  readonly savedUsd?: number;
}

export function cacheLookupProblems(input: CacheLookupInput): string[] {
  if (input === null || typeof input !== 'object') return ['recordCacheLookup expects an object {cache, hit, savedTokens?, savedUsd?}'];
  const problems: string[] = [];
  const name = nameProblem('cache', input.cache);
  if (name) problems.push(name);
  if (typeof input.hit !== 'boolean') problems.push(`hit must be true or false, got ${typeof input.hit}`);
  for (const field of ['savedTokens', 'savedUsd'] as const) {
    const v = input[field];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) problems.push(`${field} must be a finite number >= 0`);
  }
  if (input.hit === false && ((input.savedTokens ?? 0) > 0 || (input.savedUsd ?? 0) > 0)) problems.push('a miss saves nothing: savedTokens and savedUsd apply to hits only');
  return problems;
}

/** Counts one cache lookup. Returns false (recording nothing, warning with the culprit) on bad input. Never throws. */
export function recordCacheLookup(input: CacheLookupInput): boolean {
  return guarded('recordCacheLookup', () => cacheLookupProblems(input), () => writeCacheLookup(input, qualityMetrics()));
}

export function writeCacheLookup(input: CacheLookupInput, metrics: GenAiMetrics | undefined): void {
  if (!metrics) return;
  const values = [input.cache, input.hit ? 'hit' : 'miss'];
  metrics.add('cacheLookups', labelKey(values), values, 1);
  const cache = [input.cache];
  if (input.savedTokens) metrics.add('cacheLookupSavedTokens', labelKey(cache), cache, input.savedTokens);
  if (input.savedUsd) metrics.add('cacheLookupSavedCost', labelKey(cache), cache, input.savedUsd);
}

export interface PromptCompressionInput {
  /** aimeter.compression.technique: a short identifier (`llmlingua`, `summarise`, `truncate`). */
  readonly technique: string;
  readonly tokensBefore: number;
  readonly tokensAfter: number;
}

export function promptCompressionProblems(input: PromptCompressionInput): string[] {
  if (input === null || typeof input !== 'object') return ['recordPromptCompression expects an object {technique, tokensBefore, tokensAfter}'];
  const problems: string[] = [];
  const name = nameProblem('technique', input.technique);
  if (name) problems.push(name);
  for (const field of ['tokensBefore', 'tokensAfter'] as const) {
    const v = input[field];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) problems.push(`${field} must be a finite number >= 0`);
  }
  return problems;
}

/** Counts the prompt tokens before and after one compression. Never throws. */
export function recordPromptCompression(input: PromptCompressionInput): boolean {
  return guarded('recordPromptCompression', () => promptCompressionProblems(input), () => {
    const metrics = qualityMetrics();
    if (!metrics) return;
    for (const [stage, tokens] of [['before', input.tokensBefore], ['after', input.tokensAfter]] as const) {
      const values = [input.technique, stage];
      metrics.add('promptCompressionTokens', labelKey(values), values, tokens);
    }
  });
}

/** Validate, warn once with every culprit, or write; never throw. */
export function guarded(fn: string, problems: () => string[], write: () => void): boolean {
  try {
    const found = problems();
    if (found.length > 0) {
      warnOnce(`quality-input:${fn}:${found[0]}`, `aimeter: ${fn} ignored: ${found.join('; ')}`);
      return false;
    }
    write();
    return true;
  } catch (error) {
    recordInternalError(COMPONENT, error);
    return false;
  }
}
