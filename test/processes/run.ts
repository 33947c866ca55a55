/** Helpers of the process tests: run a command (node, npm, npx, pm2) until its "ready" line, and read the GenAI totals off a scrape. */
import * as path from 'node:path';
import { REPO_ROOT, startCommand, type ChildApp, type StartOptions } from '../helpers/child-app';
import { parseExposition } from '../helpers/exposition';

export const APPS = path.join(REPO_ROOT, 'dist', 'test', 'apps', 'processes');
/** The preload as shipped: the bundle's entry (scripts/bundle.js), what `aimeter/register` resolves to. */
export const REGISTER = path.join(REPO_ROOT, 'dist', 'bundle', 'register.cjs');

export type Running = ChildApp;

/** A command (node, npm, npx, pm2) run until its ready line; the process tests allow 60 s to start, 10 s to stop. */
export function run(command: string, args: readonly string[], env: Record<string, string | undefined>, options: StartOptions = {}): Promise<Running> {
  return startCommand(command, args, env, { killAfterMs: 10_000, ...options });
}

export interface GenAiTotals {
  /** Chat calls counted by gen_ai_client_operation_duration_seconds. */
  readonly calls: number;
  /** aimeter_tokens_total by gen_ai_token_type. */
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** gen_ai_client_token_usage: observations and their sum. */
  readonly tokenObservations: number;
  readonly tokenSum: number;
  /** aimeter_cost_usd_total. */
  readonly costUsd: number;
}

export function genAiTotals(text: string): GenAiTotals {
  const { samples } = parseExposition(text);
  const sum = (name: string, where: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);
  return {
    calls: sum('gen_ai_client_operation_duration_seconds_count', { gen_ai_operation_name: 'chat' }),
    inputTokens: sum('aimeter_tokens_total', { gen_ai_token_type: 'input' }),
    outputTokens: sum('aimeter_tokens_total', { gen_ai_token_type: 'output' }),
    tokenObservations: sum('gen_ai_client_token_usage_count'),
    tokenSum: sum('gen_ai_client_token_usage_sum'),
    // Rounded: a sum of floats may differ in the last bits with the order of the additions.
    costUsd: Math.round(sum('aimeter_cost_usd_total') * 1e12) / 1e12,
  };
}

/** The "aimeter: ..." lines a process printed. */
export function aimeterLines(stderr: string): string[] {
  return stderr.split(/\r?\n/).filter((line) => line.startsWith('aimeter'));
}
