import type { CostBreakdown, ModelPrice, Usage } from './types';

/**
 * Dollars for one call.
 *
 * Token counts follow the OpenTelemetry GenAI conventions: `inputTokens` INCLUDES the cache reads
 * and cache writes, and `outputTokens` INCLUDES the reasoning tokens. So:
 *
 *   uncachedInput = max(0, input - cacheRead - cacheWrite)
 *   visibleOutput = max(0, output - reasoning)
 *
 *   total = uncachedInput * inputRate
 *         + cacheRead     * cacheReadRate    (default: inputRate)
 *         + cacheWrite    * cacheWriteRate   (default: inputRate)
 *         + visibleOutput * outputRate
 *         + reasoning     * reasoningRate    (default: outputRate)
 *         + audioSeconds  * audioPerMinute / 60
 *         + characters    * perCharacter
 *
 *   cacheSavings = cacheRead * (inputRate - cacheReadRate)   (0 without an input rate)
 *   cacheWritePremium = cacheWrite * max(0, cacheWriteRate - inputRate)   (0 without an input rate)
 *
 * (all token rates per token, i.e. the file's per-1M rate / 1,000,000).
 *
 * A usage quantity counts as reported when it is a finite number >= 0; anything else (absent, NaN,
 * negative) is ignored. A reported quantity the price has no rate for contributes nothing. When the
 * price has a rate for NONE of the reported quantities (or nothing is reported), the result is
 * `undefined`, so the caller counts the call as unpriced instead of recording $0.
 */
export function computeCost(usage: Usage, price: ModelPrice): CostBreakdown | undefined {
  const input = quantity(usage.inputTokens);
  const output = quantity(usage.outputTokens);
  const cacheRead = quantity(usage.cacheReadTokens);
  const cacheWrite = quantity(usage.cacheCreationTokens);
  const reasoning = quantity(usage.reasoningTokens);
  const audioSeconds = quantity(usage.audioSeconds);
  const characters = quantity(usage.characters);

  const inputRate = price.inputPerToken;
  const cacheReadRate = price.cacheReadPerToken ?? inputRate;
  const cacheWriteRate = price.cacheWritePerToken ?? inputRate;
  const outputRate = price.outputPerToken;
  const reasoningRate = price.reasoningPerToken ?? outputRate;
  const audioPerSecond = price.audioPerMinute === undefined ? undefined : price.audioPerMinute / 60;
  const perCharacter = price.perCharacter;

  let total = 0;
  let priced = false;
  const charge = (amount: number | undefined, rate: number | undefined): void => {
    if (amount === undefined || rate === undefined) return;
    total += amount * rate;
    priced = true;
  };

  if (input !== undefined) charge(Math.max(0, input - (cacheRead ?? 0) - (cacheWrite ?? 0)), inputRate);
  charge(cacheRead, cacheReadRate);
  charge(cacheWrite, cacheWriteRate);
  if (output !== undefined) charge(Math.max(0, output - (reasoning ?? 0)), outputRate);
  charge(reasoning, reasoningRate);
  charge(audioSeconds, audioPerSecond);
  charge(characters, perCharacter);

  if (!priced) return undefined;
  const cacheSavings =
    cacheRead !== undefined && inputRate !== undefined && cacheReadRate !== undefined
      ? cacheRead * (inputRate - cacheReadRate)
      : 0;
  const cacheWritePremium =
    cacheWrite !== undefined && inputRate !== undefined ? cacheWrite * Math.max(0, (cacheWriteRate ?? inputRate) - inputRate) : 0;
  return { total, cacheSavings, cacheWritePremium };
}

function quantity(value: number | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}
