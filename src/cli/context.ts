/**
 * What every command shares: the common flags (commander options added by `commonOptions`),
 * turned into a Prometheus client, the label filters, the time range, the output format and
 * colours. Flags win over the environment (AIMETER_PROMETHEUS_URL, ..._TOKEN, ..._USER,
 * ..._PASSWORD, NO_COLOR; read in src/config/env.ts).
 */
import type { Command } from 'commander';
import { cliEnvFromEnv } from '../config/env';
import { CliError } from './errors';
import { colorsFor, type Colors, type Format, FORMATS } from './format';
import { PrometheusClient } from './prometheus-client';
import type { Filters } from './queries';
import { parseDuration, resolveRange, type TimeRange } from './time';

export interface CommonFlags {
  prometheus?: string;
  job?: string;
  agent?: string;
  model?: string;
  provider?: string;
  variant?: string;
  range?: string;
  since?: string;
  until?: string;
  format?: string;
  user?: string;
  password?: string;
  token?: string;
  timeout: string;
  color: boolean;
}

export interface Context {
  readonly client: PrometheusClient;
  readonly filters: Filters;
  readonly range: TimeRange;
  readonly format: Format;
  readonly colors: Colors;
  /** Columns of the terminal, 80 when not a terminal. */
  readonly width: number;
  readonly flags: CommonFlags;
  out(text: string): void;
  err(text: string): void;
}

/** Adds the flags every command takes. `defaultRange` is shown in the help. */
export function commonOptions(cmd: Command, defaultRange: string, formats: readonly Format[] = FORMATS): Command {
  return cmd
    .option('--prometheus <url>', 'Prometheus base URL (env AIMETER_PROMETHEUS_URL, default http://localhost:9090)')
    .option('--job <job>', 'only this scrape job')
    .option('--agent <name>', 'only calls made by this agent (gen_ai_agent_name)')
    .option('--model <name>', 'only this requested model (gen_ai_request_model)')
    .option('--provider <name>', 'only this provider (gen_ai_provider_name)')
    .option('--variant <name>', 'only this experiment variant (aimeter_variant)')
    .option('--range <duration>', `length of the range, e.g. 15m, 24h, 7d (default ${defaultRange})`)
    .option('--since <time>', 'start: a date, date and time, Unix seconds, or a duration ago (2h)')
    .option('--until <time>', 'end: same forms (default now)')
    .option('--format <format>', `output: ${formats.join(', ')}`, 'table')
    .option('--user <user>', 'basic auth user (env AIMETER_PROMETHEUS_USER)')
    .option('--password <password>', 'basic auth password (env AIMETER_PROMETHEUS_PASSWORD)')
    .option('--token <token>', 'bearer token (env AIMETER_PROMETHEUS_TOKEN)')
    .option('--timeout <duration>', 'per Prometheus request', '30s')
    .option('--no-color', 'no colours (also NO_COLOR=1)');
}

export function createContext(flags: CommonFlags, defaultRange: string, formats: readonly Format[] = FORMATS): Context {
  const env = cliEnvFromEnv();
  const format = (flags.format ?? 'table') as Format;
  if (!formats.includes(format)) throw new CliError(`--format "${flags.format}" is not one of ${formats.join(', ')}`);
  const timeoutMs = parseDuration(flags.timeout, '--timeout') * 1000;
  const client = new PrometheusClient({
    url: flags.prometheus ?? env.prometheusUrl,
    token: flags.token ?? env.token,
    user: flags.user ?? env.user,
    password: flags.password ?? env.password,
    timeoutMs,
  });
  for (const name of ['job', 'agent', 'model', 'provider', 'variant'] as const) {
    if (flags[name] !== undefined && flags[name].trim() === '') throw new CliError(`--${name} needs a value`);
  }
  const filters: Filters = { job: flags.job, agent: flags.agent, model: flags.model, provider: flags.provider, variant: flags.variant };
  const range = resolveRange(flags, defaultRange);
  const colors = colorsFor(colorEnabled(flags.color !== false, env.noColor, process.stdout.isTTY === true));
  return {
    client,
    filters,
    range,
    format,
    colors,
    width: process.stdout.isTTY && process.stdout.columns ? Math.max(60, process.stdout.columns) : 80,
    flags,
    out: (text) => {
      process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    },
    err: (text) => {
      process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
    },
  };
}

/** Colours only on a terminal, and never with --no-color or NO_COLOR set (https://no-color.org). */
export function colorEnabled(flag: boolean, noColor: boolean, isTTY: boolean): boolean {
  return flag && !noColor && isTTY;
}

/** "job=support, model=gpt-4o" or "all". */
export function describeFilters(filters: Filters): string {
  const parts = Object.entries(filters)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v as string}`);
  return parts.length ? parts.join(', ') : 'no filters';
}
