#!/usr/bin/env node
/**
 * `aimeter`: KPIs, comparisons, top spenders, daily figures, exports, a live view and threshold
 * checks from the Prometheus HTTP API (docs/cli.md). Each command's module is loaded only when
 * it runs, and nothing here loads the tracing SDK or the instrumentations: the command line
 * starts in the time Node and commander take.
 */
import { Command, CommanderError, Option } from 'commander';
import { CliError, EXIT_ERROR } from './errors';
import { type CommonFlags, commonOptions, createContext, type Context } from './context';
import type { Format } from './format';

/** A command's module, loaded when the command runs (require: this package is CommonJS). */
 
const load = <T>(path: string): T => require(path) as T;

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

type Action = (ctx: Context, flags: Record<string, unknown>) => Promise<number>;

function define(
  program: Command,
  name: string,
  description: string,
  defaultRange: string,
  load: () => Promise<Action>,
  extra: (cmd: Command) => Command = (c) => c,
  formats?: readonly Format[],
): void {
  const cmd = program.command(name).description(description);
  extra(cmd);
  commonOptions(cmd, defaultRange, formats);
  cmd.action(async (flags: CommonFlags & Record<string, unknown>) => {
    const ctx = createContext(flags, defaultRange, formats);
    const run = await load();
    process.exitCode = await run(ctx, flags);
  });
}

export function buildProgram(): Command {
  const program = new Command('aimeter')
    .description('Numbers about your AI calls, from Prometheus: aimeter <command> --help for each')
    .version(readVersion(), '-V, --version')
    .showHelpAfterError('(aimeter <command> --help lists the flags)')
    .exitOverride();

  define(program, 'snapshot', 'the KPI snapshot: calls, errors, latency per component, tokens, dollars, caches, outcomes, quality', '24h', async () =>
    load<typeof import('./commands/snapshot')>('./commands/snapshot').runSnapshot as Action,
  );
  define(
    program,
    'compare',
    'one row per model, variant, agent or provider, ranked: the cheapest per success among the most successful',
    '7d',
    async () => (ctx, f) => load<typeof import('./commands/compare')>('./commands/compare').runCompare(ctx, f as never),
    (c) =>
      c
        .option('--by <dimension>', 'model, variant, agent or provider', 'model')
        .option('--within <points>', 'rank only values within this many points of the best success rate', '2')
        .option('--min-calls <n>', 'fewer calls than this is a small sample (shown, not ranked)', '30'),
  );
  define(
    program,
    'top',
    'the most expensive, slowest, most failing or hungriest agents, tools, models or routes',
    '7d',
    async () => (ctx, f) => load<typeof import('./commands/top')>('./commands/top').runTop(ctx, f as never),
    (c) =>
      c
        .option('--by <figure>', 'cost, latency (p95), errors or tokens', 'cost')
        .option('--group <dimension>', 'agent, tool, model or route', 'agent')
        .option('--limit <n>', 'rows', '10'),
  );
  define(
    program,
    'daily',
    'per UTC day: requests, calls, tokens, dollars, mean and p95 duration, error rate; by agent, tool and model',
    '7d',
    async () => (ctx, f) => load<typeof import('./commands/daily')>('./commands/daily').runDaily(ctx, f as never),
    (c) =>
      c
        .option('--days <n>', 'whole UTC days, ending at the last midnight before --until', '7')
        .option('--by <dimension>', 'only this breakdown: agent, tool or model (repeatable)', collect),
  );
  define(
    program,
    'export',
    'time series for BI tools: one row per step, one column per figure',
    '7d',
    async () => (ctx, f) => load<typeof import('./commands/export')>('./commands/export').runExport(ctx, f as never),
    (c) => c.option('--step <duration>', 'one row per step; each figure covers its step', '1h').option('--out <file>', 'write here instead of stdout'),
  );
  define(
    program,
    'watch',
    'the snapshot, redrawn in place every few seconds until Ctrl-C',
    '15m',
    async () => (ctx, f) => load<typeof import('./commands/watch')>('./commands/watch').runWatch(ctx, f as never),
    (c) => c.option('--interval <duration>', 'time between refreshes', '5s'),
    ['table'],
  );
  define(
    program,
    'check',
    'hold the figures to objectives; exit 1 with a line per breach (cron, CI, deploy gates)',
    '1h',
    async () => (ctx, f) => load<typeof import('./commands/check')>('./commands/check').runCheck(ctx, f as never),
    (c) =>
      c
        .option('--max <figure=value>', 'breach when the figure is above, e.g. p95=2s, error_rate=2% (repeatable)', collect)
        .option('--min <figure=value>', 'breach when the figure is below, e.g. resolution=0.8 (repeatable)', collect)
        .option('--objectives <file>', 'objectives file (format of prometheus/rules/aimeter-objectives.yml; the bundled one when no --max/--min)')
        .addOption(new Option('--fail-on-no-data', 'a figure with no data (or too few events) counts as a breach')),
  );
  define(
    program,
    'report',
    'a self-contained HTML executive summary: KPIs and objectives, trends, top spenders, model comparison',
    '7d',
    async () => (ctx, f) => load<typeof import('./commands/report')>('./commands/report').runReport(ctx, f as never),
    (c) =>
      c
        .option('--html <file>', 'the HTML file to write')
        .option('--objectives <file>', 'objectives file (default: the bundled prometheus/rules/aimeter-objectives.yml)')
        .option('--max <figure=value>', 'a headline threshold, e.g. p95=2s (repeatable)', collect)
        .option('--min <figure=value>', 'a headline threshold, e.g. resolution=0.8 (repeatable)', collect),
    ['table'],
  );
  return program;
}

function readVersion(): string {
  try {
     
    return (require('../../../package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and --version exit 0; any other commander error is a usage error.
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : EXIT_ERROR;
    }
    if (err instanceof CliError) {
      process.stderr.write(`aimeter: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`aimeter: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
    return EXIT_ERROR;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
