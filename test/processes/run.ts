/** Helpers of the process tests: run a command (node, npm, npx, pm2) until its "ready" line, and read the GenAI totals off a scrape. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from '../helpers/child-app';
import { parseExposition } from '../helpers/exposition';

export const APPS = path.join(REPO_ROOT, 'dist', 'test', 'apps', 'processes');
export const REGISTER = path.join(REPO_ROOT, 'dist', 'src', 'register.js');

export interface Running {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Closes stdin (the apps exit on it) and waits for the exit code; SIGKILL after 10 s. */
  stop(): Promise<number | null>;
}

export async function run(
  command: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
  { cwd = REPO_ROOT, readyLine = 'ready', timeoutMs = 60_000 } = {},
): Promise<Running> {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  if (readyLine !== '') {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${command} did not print "${readyLine}" in ${timeoutMs} ms; stdout: ${out}; stderr: ${err}`)), timeoutMs);
      const check = () => {
        if (out.split(/\r?\n/).includes(readyLine)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', check);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${command} exited (${code}) before "${readyLine}"; stdout: ${out}; stderr: ${err}`));
      });
    });
  }
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    stop: async () => {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
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
