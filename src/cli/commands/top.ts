/**
 * `aimeter top --by cost|latency|errors|tokens --group agent|tool|model|route --limit N`: the
 * most expensive, slowest, most failing and hungriest places. Routes come from the per-request
 * families (aimeter_request_*), which have dollars, tokens and errors but no duration.
 */
import { type Context, describeFilters } from '../context';
import { CliError } from '../errors';
import { formatValue, type Kind, renderTable, toCsv, toJson } from '../format';
import { group, type Group, positiveInt } from '../groups';
import type { InstantSample, PrometheusClient } from '../prometheus-client';
import * as Q from '../queries';
import { humanDuration, isoTime, promDuration, type TimeRange } from '../time';

export const TOP_BY = ['cost', 'latency', 'errors', 'tokens'] as const;
export type TopBy = (typeof TOP_BY)[number];

export interface TopRow {
  value: string;
  /** The figure ranked on: dollars, p95 seconds, failed calls, tokens. */
  figure: number;
  /** Calls (or requests) behind it. */
  calls: number | null;
  /** Share of the total (cost, errors, tokens) or the error rate (errors). */
  share: number | null;
}

export interface TopResult {
  readonly by: TopBy;
  readonly group: Group;
  readonly rows: TopRow[];
  readonly total: number | null;
}

const KIND: Readonly<Record<TopBy, Kind>> = { cost: 'usd', latency: 'seconds', errors: 'count', tokens: 'tokens' };
const HEAD: Readonly<Record<TopBy, string>> = { cost: 'dollars', latency: 'p95', errors: 'failed', tokens: 'tokens' };

export async function runTop(ctx: Context, flags: { by: string; group: string; limit: string }): Promise<number> {
  if (!(TOP_BY as readonly string[]).includes(flags.by)) throw new CliError(`--by "${flags.by}" is not one of ${TOP_BY.join(', ')}`);
  const by = flags.by as TopBy;
  const g = group(flags.group, '--group', ['agent', 'tool', 'model', 'route']);
  const limit = positiveInt(flags.limit, '--limit');
  const result = await collectTop(ctx.client, ctx.filters, ctx.range, by, g, limit);
  if (ctx.format === 'json') {
    ctx.out(toJson({ range: { start: isoTime(ctx.range.start), end: isoTime(ctx.range.end) }, by, group: g.name, total: result.total, rows: result.rows }));
    return 0;
  }
  if (ctx.format === 'csv') {
    ctx.out(toCsv([g.name, HEAD[by], 'calls', by === 'errors' ? 'error_rate' : 'share'], result.rows.map((r) => [r.value, r.figure, r.calls, r.share])));
    return 0;
  }
  const c = ctx.colors;
  ctx.out(c.bold(`aimeter top ${g.name}s by ${by}, ${humanDuration(ctx.range.end - ctx.range.start)} to ${isoTime(ctx.range.end)} (${describeFilters(ctx.filters)})`));
  if (result.rows.length === 0) {
    ctx.out(c.yellow(`No data: no ${g.name} has ${by} in this range.`));
    return 0;
  }
  ctx.out(renderTop(result, ctx.colors, ctx.width));
  return 0;
}

export function renderTop(result: TopResult, colors: Context['colors'], width = 80): string {
  const shareHead = result.by === 'errors' ? 'error rate' : result.by === 'latency' ? '' : 'share';
  const head = [result.group.name, HEAD[result.by], result.group.name === 'route' ? 'requests' : 'calls'];
  if (shareHead) head.push(shareHead);
  const rows = result.rows.map((r, i) => {
    const row = [`${i + 1}. ${r.value}`, formatValue(r.figure, KIND[result.by]), formatValue(r.calls, 'count')];
    if (shareHead) row.push(formatValue(r.share, 'ratio'));
    return row;
  });
  return renderTable({ head, rows }, colors, width);
}

export async function collectTop(client: PrometheusClient, filters: Q.Filters, range: TimeRange, by: TopBy, g: Group, limit: number): Promise<TopResult> {
  const w = promDuration(range.end - range.start);
  const at = range.end;
  const route = g.name === 'route';
  const m = Q.scopeMatchers(filters, route ? 'request' : 'call');
  if (m === null) throw new CliError(`routes cannot be filtered by agent, model, provider or variant (the per-request metrics carry only the job and the route)`);
  if (route && by === 'latency') throw new CliError('--by latency --group route: requests have no duration metric; use --by cost, errors or tokens for routes');
  const present = [...m, Q.ne(g.label, '')];
  const lbl = [g.label];
  let figure: InstantSample[];
  let calls: InstantSample[];
  switch (by) {
    case 'cost':
      [figure, calls] = await Promise.all([
        client.query(route ? Q.requestDollars(present, w, lbl) : Q.dollars(present, w, lbl), at),
        client.query(route ? Q.requestCount(present, w, lbl) : Q.calls(Q.OPS.model, present, w, lbl), at),
      ]);
      break;
    case 'tokens':
      [figure, calls] = await Promise.all([
        client.query(route ? Q.requestTokens(present, w, lbl) : Q.tokens(present, w, lbl), at),
        client.query(route ? Q.requestCount(present, w, lbl) : Q.calls(Q.OPS.model, present, w, lbl), at),
      ]);
      break;
    case 'errors':
      [figure, calls] = await Promise.all([
        client.query(route ? Q.requestFailures(present, w, lbl) : Q.failures(g.ops, present, w, lbl), at),
        client.query(route ? Q.requestCount(present, w, lbl) : Q.calls(g.ops, present, w, lbl), at),
      ]);
      break;
    case 'latency':
      [figure, calls] = await Promise.all([client.query(Q.latency(0.95, g.ops, present, w, lbl), at), client.query(Q.successes(g.ops, present, w, lbl), at)]);
      break;
  }
  const callsOf = (v: string): number | null => calls.find((s) => s.labels[g.label] === v)?.value ?? null;
  const total = by === 'latency' ? null : figure.reduce((a, s) => a + s.value, 0);
  const rows = figure
    .filter((s) => by !== 'errors' || s.value > 0)
    .map((s): TopRow => {
      const value = s.labels[g.label] as string;
      const n = callsOf(value);
      const share = by === 'errors' ? (n ? s.value / n : null) : by === 'latency' ? null : total ? s.value / total : null;
      return { value, figure: s.value, calls: n, share };
    })
    .sort((a, b) => b.figure - a.figure || a.value.localeCompare(b.value))
    .slice(0, limit);
  return { by, group: g, rows, total };
}
