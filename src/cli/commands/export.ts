/**
 * `aimeter export --range 7d --step 1h --format csv|json --out FILE`: time series for BI tools,
 * one row per step and one column per figure, each point covering the step that ends there
 * (calls, dollars... in that hour). Ranges with more than 11,000 steps are split by the client;
 * a progress bar on a terminal shows the queries done.
 */
import { writeFileSync } from 'node:fs';
import type { Context } from '../context';
import { CliError } from '../errors';
import { csvField, formatValue, type Kind, renderTable, toJson } from '../format';
import { type PrometheusClient, rangeChunks, type RangeSeries } from '../prometheus-client';
import * as Q from '../queries';
import { isoTime, parseDuration, promDuration, type TimeRange } from '../time';

export interface Column {
  readonly key: string;
  readonly kind: Kind;
  /** The expression for one point, given the step window; null when the filters cannot apply. */
  expr(filters: Q.Filters, w: string): string | null;
}

const call = (f: Q.Filters): string[] => Q.scopeMatchers(f, 'call') ?? [];
const conv = (f: Q.Filters): string[] | null => Q.scopeMatchers(f, 'conversation');

export const COLUMNS: readonly Column[] = [
  { key: 'calls', kind: 'count', expr: (f, w) => Q.calls(Q.OPS.model, call(f), w) },
  { key: 'failed', kind: 'count', expr: (f, w) => Q.failures(Q.OPS.model, call(f), w) },
  { key: 'p50_seconds', kind: 'seconds', expr: (f, w) => Q.latency(0.5, Q.OPS.llm, call(f), w) },
  { key: 'p95_seconds', kind: 'seconds', expr: (f, w) => Q.latency(0.95, Q.OPS.llm, call(f), w) },
  { key: 'ttft_p95_seconds', kind: 'seconds', expr: (f, w) => Q.timeToFirstChunk(0.95, Q.OPS.llm, call(f), w) },
  { key: 'input_tokens', kind: 'tokens', expr: (f, w) => Q.sumBy([], Q.increase(Q.M.tokens, [...call(f), Q.eq(Q.L.tokenType, 'input')], w)) },
  { key: 'output_tokens', kind: 'tokens', expr: (f, w) => Q.sumBy([], Q.increase(Q.M.tokens, [...call(f), Q.eq(Q.L.tokenType, 'output')], w)) },
  { key: 'dollars', kind: 'usd', expr: (f, w) => Q.dollars(call(f), w) },
  { key: 'conversations', kind: 'count', expr: (f, w) => { const m = conv(f); return m && Q.conversationCount(m, w); } },
  { key: 'resolved', kind: 'count', expr: (f, w) => { const m = conv(f); return m && Q.resolvedConversations(m, w); } },
];

export interface ExportFlags {
  step: string;
  out?: string;
}

export interface ExportTable {
  readonly times: number[];
  /** Column key -> value per time (null: no data at that step). */
  readonly values: Record<string, (number | null)[]>;
}

export async function runExport(ctx: Context, flags: ExportFlags): Promise<number> {
  const step = parseDuration(flags.step, '--step');
  if (step < 1 || !Number.isInteger(step)) throw new CliError(`--step "${flags.step}" must be a whole number of seconds or more`);
  const table = await collectExport(ctx.client, ctx.filters, ctx.range, step, progressBar());
  const body = ctx.format === 'json' ? exportJson(table) : ctx.format === 'csv' ? exportCsv(table) : exportText(table, ctx);
  if (flags.out) {
    try {
      writeFileSync(flags.out, body);
    } catch (err) {
      throw new CliError(`--out "${flags.out}": cannot write it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    ctx.err(`wrote ${table.times.length} rows of ${COLUMNS.length} figures to ${flags.out}`);
  } else ctx.out(body);
  return 0;
}

/**
 * Steps aligned to the end of the range: one row per step that ends inside it (a 1d range at 1h
 * is 24 rows, the first covering the range's first hour, the last ending at its end).
 */
export async function collectExport(
  client: PrometheusClient,
  filters: Q.Filters,
  range: TimeRange,
  step: number,
  progress?: (done: number, total: number) => void,
): Promise<ExportTable> {
  const w = promDuration(step);
  const end = range.end;
  const steps = Math.floor((range.end - range.start) / step);
  if (steps < 1) throw new CliError(`--step ${promDuration(step)} is longer than the range (${promDuration(range.end - range.start)})`);
  const start = end - (steps - 1) * step;
  const times: number[] = [];
  for (let i = 0; i < steps; i++) times.push(start + i * step);
  const chunksPerQuery = rangeChunks(start, end, step).length;
  const total = COLUMNS.length * chunksPerQuery;
  let done = 0;
  const values: Record<string, (number | null)[]> = {};
  // One query at a time: a long export should not hit Prometheus with ten heavy queries at once.
  for (const col of COLUMNS) {
    const expr = col.expr(filters, w);
    const series: RangeSeries[] = expr === null ? [] : await client.queryRange(expr, start, end, step, () => progress?.((done += 1), total));
    if (expr === null) progress?.((done += chunksPerQuery), total);
    const byTime = new Map((series[0]?.points ?? []).map(([t, v]) => [t, v]));
    values[col.key] = times.map((t) => byTime.get(t) ?? null);
  }
  return { times, values };
}

function progressBar(): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  // Loaded only on a terminal: nothing else needs it.
   
  const { SingleBar, Presets } = require('cli-progress') as typeof import('cli-progress');
  let bar: InstanceType<typeof SingleBar> | undefined;
  return (done, total) => {
    if (total < 4) return;
    if (!bar) {
      bar = new SingleBar({ format: 'exporting [{bar}] {value}/{total} queries', stream: process.stderr, clearOnComplete: true }, Presets.shades_classic);
      bar.start(total, 0);
    }
    bar.update(done);
    if (done >= total) bar.stop();
  };
}

export function exportCsv(t: ExportTable): string {
  const head = ['time', ...COLUMNS.map((c) => c.key)];
  const lines = t.times.map((time, i) => [isoTime(time), ...COLUMNS.map((c) => (t.values[c.key] as (number | null)[])[i] ?? null)].map(csvField).join(','));
  return `${[head.join(','), ...lines].join('\n')}\n`;
}

export function exportJson(t: ExportTable): string {
  return toJson(t.times.map((time, i) => ({ time: isoTime(time), ...Object.fromEntries(COLUMNS.map((c) => [c.key, (t.values[c.key] as (number | null)[])[i] ?? null])) })));
}

function exportText(t: ExportTable, ctx: Context): string {
  const cols = COLUMNS.filter((c) => ['calls', 'failed', 'p95_seconds', 'dollars', 'conversations'].includes(c.key));
  return renderTable(
    { head: ['time', ...cols.map((c) => c.key)], rows: t.times.map((time, i) => [isoTime(time), ...cols.map((c) => formatValue((t.values[c.key] as (number | null)[])[i], c.kind))]) },
    ctx.colors,
    ctx.width,
  );
}
