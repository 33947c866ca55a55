/**
 * Per-request tally for the demo's one-line summary: tokens and dollars as the provider reported
 * them, priced with aimeter's own price list, plus the agents and tools that ran.
 */
import { computeCost, PriceBook } from '../../src/index';

const prices = PriceBook.load({ onWarning: () => undefined });

export class Tally {
  inputTokens = 0;
  outputTokens = 0;
  dollars = 0;
  unpriced = 0;
  readonly agents = new Set<string>();
  readonly tools: string[] = [];
  private readonly startedAt = performance.now();

  addTokens(model: string, usage: { prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } | null } | null | undefined): void {
    if (!usage) return;
    const input = usage.prompt_tokens ?? 0;
    const output = usage.completion_tokens ?? 0;
    this.inputTokens += input;
    this.outputTokens += output;
    this.price(model, { inputTokens: input, outputTokens: output, cacheReadTokens: usage.prompt_tokens_details?.cached_tokens ?? 0 });
  }

  price(model: string, usage: Parameters<typeof computeCost>[0]): void {
    const price = prices.lookup('openai', model);
    const cost = price ? computeCost(usage, price) : undefined;
    if (cost) this.dollars += cost.total;
    else this.unpriced++;
  }

  summary(route: string, status: string): string {
    const ms = performance.now() - this.startedAt;
    return (
      `${route.padEnd(7)} ${status.padEnd(11)} ${String(Math.round(ms)).padStart(5)} ms  ` +
      `tokens ${this.inputTokens} in / ${this.outputTokens} out  $${this.dollars.toFixed(6)}` +
      `${this.unpriced ? ` (+${this.unpriced} unpriced)` : ''}  ` +
      `agents [${[...this.agents].join(', ')}]  tools [${this.tools.join(', ')}]`
    );
  }
}
