/**
 * `aimeter daily --days N`: one row per UTC day (whole days ending at the last midnight at or
 * before --until), with requests, model calls, tokens, dollars, mean and p95 duration and error
 * rate; then the same per agent, tool and model. One range query per figure, step one day,
 * each point the increase over the day that ends there.
 */
import { type Context, describeFilters } from '../context';
import { CliError } from '../errors';
import { formatValue, type Kind, renderTable, title, toCsv, toJson } from '../format';
import { GROUPS, type Group, positiveInt } from '../groups';
import type { PrometheusClient, RangeSeries } from '../prometheus-client';
import * as Q from '../queries';
import { isoDay, parseTime } from '../time';

const DAY = 86400;
const BREAKDOWNS = ['agent', 'tool', 'model'] as const;

export interface DayRow {
  day: string;
  /** "all" for the totals, else the agent, tool or model. */
  dimension: string;
  value: string;
  requests: number | null;
  calls: number | null;
  tokens: number | null;
  dollars: number | null;
  mean: number | null;
  p95: number | null;
  errorRate: number | null;
}

const COLUMNS: readonly { key: keyof DayRow; head: string; kind: Kind }[] = [
  { key: 'requests', head: 'requests', kind: 'count' },
  { key: 'calls', head: 'calls', kind: 'count' },
  { key: 'tokens', head: 'tokens', kind: 'tokens' },
  { key: 'dollars', head: 'dollars', kind: 'usd' },
  { key: 'mean', head: 'mean', kind: 'seconds' },
  { key: 'p95', head: 'p95', kind: 'seconds' },
  { key: 'errorRate', head: 'errors', kind: 'ratio' },
];

export interface DailyFlags {
  days: string;
  by?: string[];
}

export async function runDaily(ctx: Context, flags: DailyFlags): Promise<number> {
  if (ctx.flags.range !== undefined || ctx.flags.since !== undefined) {
    throw new CliError('daily counts whole UTC days: use --days N and --until, not --range or --since');
  }
  const days = positiveInt(flags.days, '--days');
  const breakdowns = flags.by ?? [...BREAKDOWNS];
  for (const b of breakdowns) if (!(BREAKDOWNS as readonly string[]).includes(b)) throw new CliError(`--by "${b}" is not one of ${BREAKDOWNS.join(', ')}`);
  const until = ctx.flags.until !== undefined ? parseTime(ctx.flags.until, '--until', Date.now() / 1000) : Date.now() / 1000;
  const lastEnd = Math.floor(until / DAY) * DAY;
  const firstEnd = lastEnd - (days - 1) * DAY;
  const rows = await collectDaily(ctx.client, ctx.filters, firstEnd, lastEnd, breakdowns.map((b) => GROUPS[b] as Group));

  if (ctx.format === 'json') {
    ctx.out(toJson({ days: rows.filter((r) => r.dimension === 'all'), ...Object.fromEntries(breakdowns.map((b) => [`by_${b}`, rows.filter((r) => r.dimension === b)])) }));
    return 0;
  }
  if (ctx.format === 'csv') {
    ctx.out(toCsv(['day', 'dimension', 'value', ...COLUMNS.map((c) => c.key)], rows.map((r) => [r.day, r.dimension, r.value, ...COLUMNS.map((c) => r[c.key] as number | null)])));
    return 0;
  }
  const c = ctx.colors;
  ctx.out(c.bold(`aimeter daily, ${days} UTC day${days > 1 ? 's' : ''} from ${isoDay(firstEnd - DAY)} to ${isoDay(lastEnd - DAY)} (${describeFilters(ctx.filters)})`));
  const totals = rows.filter((r) => r.dimension === 'all');
  ctx.out(renderTable({ head: ['day', ...COLUMNS.map((col) => col.head)], rows: totals.map((r) => [r.day, ...COLUMNS.map((col) => formatValue(r[col.key] as number | null, col.kind))]) }, c, ctx.width));
  for (const b of breakdowns) {
    const part = rows.filter((r) => r.dimension === b);
    ctx.out(`\n${title(`By ${b}`, c)}`);
    if (part.length === 0) {
      ctx.out(c.dim(`no data: no calls with a ${b} in these days`));
      continue;
    }
    ctx.out(
      renderTable(
        {
          head: [b, 'day', ...COLUMNS.filter((col) => col.key !== 'requests').map((col) => col.head)],
          rows: part.map((r) => [r.value, r.day, ...COLUMNS.filter((col) => col.key !== 'requests').map((col) => formatValue(r[col.key] as number | null, col.kind))]),
          align: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
        },
        c,
        ctx.width,
      ),
    );
  }
  return 0;
}

export async function collectDaily(client: PrometheusClient, filters: Q.Filters, firstEnd: number, lastEnd: number, breakdowns: readonly Group[]): Promise<DayRow[]> {
  const w = '1d';
  const m = Q.scopeMatchers(filters, 'call') ?? [];
  const reqM = Q.scopeMatchers(filters, 'request');
  const range = (expr: string | null): Promise<RangeSeries[]> => (expr === null ? Promise.resolve([]) : client.queryRange(expr, firstEnd, lastEnd, DAY));
  const dayOf = (t: number): string => isoDay(t - DAY);
  const ends: number[] = [];
  for (let t = firstEnd; t <= lastEnd; t += DAY) ends.push(t);

  const figures = async (ops: string, matchers: string[], by: string[], withRequests: boolean) => {
    const [requests, calls, failed, tokens, dollars, durSum, durCount, p95] = await Promise.all([
      withRequests ? range(reqM && Q.requests(reqM, w)) : Promise.resolve([]),
      range(Q.calls(ops, matchers, w, by)),
      range(Q.failures(ops, matchers, w, by)),
      range(Q.tokens(matchers, w, by)),
      range(Q.dollars(matchers, w, by)),
      range(Q.latencySum(ops, matchers, w, by)),
      range(Q.successes(ops, matchers, w, by)),
      range(Q.latency(0.95, ops, matchers, w, by)),
    ]);
    return { requests, calls, failed, tokens, dollars, durSum, durCount, p95 };
  };
  const at = (series: RangeSeries[], label: string | undefined, value: string, t: number): number | null => {
    const s = series.find((x) => label === undefined || x.labels[label] === value);
    const p = s?.points.find(([ts]) => ts === t);
    return p ? p[1] : null;
  };
  const rowsFor = (f: Awaited<ReturnType<typeof figures>>, dimension: string, label: string | undefined, value: string): DayRow[] =>
    ends.map((t) => {
      const calls = at(f.calls, label, value, t);
      const failed = at(f.failed, label, value, t) ?? (calls !== null ? 0 : null);
      const count = at(f.durCount, label, value, t);
      const sum = at(f.durSum, label, value, t);
      return {
        day: dayOf(t),
        dimension,
        value,
        requests: label === undefined ? at(f.requests, undefined, '', t) : null,
        calls,
        tokens: at(f.tokens, label, value, t),
        dollars: at(f.dollars, label, value, t),
        mean: sum !== null && count ? sum / count : null,
        p95: at(f.p95, label, value, t),
        errorRate: calls ? (failed as number) / calls : null,
      };
    });

  const total = await figures(Q.OPS.model, m, [], true);
  const rows = rowsFor(total, 'all', undefined, 'all');
  for (const g of breakdowns) {
    const f = await figures(g.ops, [...m, Q.ne(g.label, '')], [g.label], false);
    const values = [...new Set([...f.calls, ...f.dollars].map((s) => s.labels[g.label] as string))].sort();
    for (const v of values) rows.push(...rowsFor(f, g.name, g.label, v).filter((r) => r.calls !== null || r.dollars !== null));
  }
  return rows;
}
