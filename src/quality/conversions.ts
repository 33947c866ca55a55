/**
 * Business conversions (a purchase, a sign-up, a refund): counted by name, their value summed
 * per ISO 4217 currency, linked to the call or conversation they followed when aimeter still
 * knows it (so conversion by model, agent or variant can be compared).
 */
import type { GenAiMetrics } from '../metrics/genai-metrics';
import { labelKey } from '../metrics/series-store';
import { UNLINKED } from './call-links';
import { guarded } from './caches';
import { linkOf, type EvaluationInput } from './evaluations';
import { nameProblem } from './labels';
import { qualityMetrics } from './state';

export const CURRENCY_PATTERN = /^[A-Z]{3}$/;

export interface ConversionInput extends Pick<EvaluationInput, 'conversationId' | 'responseId' | 'span'> {
  /** aimeter.conversion.name (a short identifier: `purchase`, `signup`). */
  readonly name: string;
  /** Its value (default: none, only counted); needs `currency`. */
  readonly value?: number;
  /** ISO 4217 code, e.g. `EUR`. */
  readonly currency?: string;
}

export function conversionProblems(input: ConversionInput): string[] {
  if (input === null || typeof input !== 'object') return ['recordConversion expects an object {name, value?, currency?}'];
  const problems: string[] = [];
  const name = nameProblem('name', input.name);
  if (name) problems.push(name);
  if (input.value !== undefined) {
    if (typeof input.value !== 'number' || !Number.isFinite(input.value) || input.value < 0) problems.push('value must be a finite number >= 0');
    if (typeof input.currency !== 'string' || !CURRENCY_PATTERN.test(input.currency)) problems.push('a value needs currency: an ISO 4217 code of three capital letters');
  } else if (input.currency !== undefined) problems.push('currency is given without a value');
  return problems;
}

/** Counts one conversion. Returns false (recording nothing, warning with the culprit) on bad input. Never throws. */
export function recordConversion(input: ConversionInput): boolean {
  return guarded('recordConversion', () => conversionProblems(input), () => writeConversion(input, qualityMetrics()));
}

export function writeConversion(input: ConversionInput, metrics: GenAiMetrics | undefined): void {
  if (!metrics) return;
  const labels = linkOf(input)?.labels ?? UNLINKED;
  const values = [input.name, ...labels];
  metrics.add('conversions', labelKey(values), values, 1);
  if (input.value !== undefined && input.currency) {
    const money = [input.name, input.currency];
    metrics.add('conversionValue', labelKey(money), money, input.value);
  }
}
