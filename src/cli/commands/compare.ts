/**
 * `aimeter compare --by model|variant|agent|provider`: one row per value with the sample size
 * behind each figure, and a ranking that says how it was made: the cheapest cost per success
 * among the values whose success rate is within --within points of the best, counting only
 * values with at least --min-calls calls (smaller samples are shown, marked, never ranked).
 */
import type { Context } from '../context';
import { describeFilters } from '../context';
import { formatValue, renderTable, toCsv, toJson, wrap } from '../format';
import { group, type Group, nonNegative, positiveInt } from '../groups';
import type { InstantSample, PrometheusClient } from '../prometheus-client';
import * as Q from '../queries';
import { humanDuration, isoTime, promDuration, type TimeRange } from '../time';

export interface CompareFlags {
  by: string;
  within: string;
  minCalls: string;
}

export interface CompareRow {
  value: string;
  calls: number;
  successes: number;
  successRate: number | null;
  /** Half-width of the 95% Wilson interval of the success rate: large for small samples. */
  margin: number | null;
  p50: number | null;
  p95: number | null;
  tokensPerCall: number | null;
  dollarsPerCall: number | null;
  dollarsPerSuccess: number | null;
  dollarsPerResolved: number | null;
  resolved: number | null;
  smallSample: boolean;
  rank: number | null;
}

export interface Comparison {
  readonly by: Group;
  readonly rows: CompareRow[];
  readonly best: number | null;
  readonly within: number;
  readonly minCalls: number;
}

export async function runCompare(ctx: Context, flags: CompareFlags): Promise<number> {
  const by = group(flags.by, '--by', ['model', 'variant', 'agent', 'provider']);
  const within = nonNegative(flags.within, '--within');
  const minCalls = positiveInt(flags.minCalls, '--min-calls');
  const cmp = await collectComparison(ctx.client, ctx.filters, ctx.range, by, within, minCalls);
  if (ctx.format === 'json') {
    ctx.out(toJson({ range: { start: isoTime(ctx.range.start), end: isoTime(ctx.range.end) }, by: by.name, ranking: rankingText(cmp), rows: cmp.rows }));
    return 0;
  }
  if (ctx.format === 'csv') {
    const keys = Object.keys(emptyRow('')) as (keyof CompareRow)[];
    ctx.out(toCsv(keys, cmp.rows.map((r) => keys.map((k) => (typeof r[k] === 'boolean' ? String(r[k]) : (r[k] as string | number | null))))));
    return 0;
  }
  const c = ctx.colors;
  ctx.out(c.bold(`aimeter compare by ${by.name}, ${humanDuration(ctx.range.end - ctx.range.start)} to ${isoTime(ctx.range.end)} (${describeFilters(ctx.filters)})`));
  if (cmp.rows.length === 0) {
    ctx.out(c.yellow(`No data: no ${by.unit}s with a ${by.label} label match in this range.`));
    return 0;
  }
  ctx.out(renderComparison(cmp, ctx.colors, ctx.width));
  return 0;
}

export function renderComparison(cmp: Comparison, colors: Context['colors'], width = 80): string {
  const rows = cmp.rows.map((r) => [
    r.value,
    `${formatValue(r.calls, 'count')}${r.smallSample ? '*' : ''}`,
    r.successRate === null ? 'no data' : `${formatValue(r.successRate, 'ratio')} ±${((r.margin ?? 0) * 100).toFixed(1)}`,
    formatValue(r.p50, 'seconds'),
    formatValue(r.p95, 'seconds'),
    formatValue(r.tokensPerCall, 'tokens'),
    formatValue(r.dollarsPerCall, 'usd'),
    formatValue(r.dollarsPerSuccess, 'usd'),
    formatValue(r.dollarsPerResolved, 'usd'),
    r.rank === null ? '-' : r.rank === 1 ? colors.green('1') : String(r.rank),
  ]);
  const table = renderTable(
    { head: [cmp.by.name, 'calls', 'success', 'p50', 'p95', 'tok/call', '$/call', '$/success', '$/resolved', 'rank'], rows },
    colors,
    width,
  );
  return `${table}\n${colors.dim(wrap(rankingText(cmp), width))}`;
}

export function rankingText(cmp: Comparison): string {
  const unit = cmp.by.unit;
  const best = cmp.best === null ? 'none has enough calls' : formatValue(cmp.best, 'ratio');
  return (
    `Ranking: cheapest $/success among the ${cmp.by.name}s whose success rate is within ${cmp.within} points of the best ` +
    `(${best}), counting only those with at least ${cmp.minCalls} ${unit}s; * marks a smaller sample (not ranked). ` +
    `calls and success are per ${unit}; ± is the 95% interval of the success rate; latency is over successful calls.`
  );
}

function emptyRow(value: string): CompareRow {
  return {
    value, calls: 0, successes: 0, successRate: null, margin: null, p50: null, p95: null, tokensPerCall: null,
    dollarsPerCall: null, dollarsPerSuccess: null, dollarsPerResolved: null, resolved: null, smallSample: true, rank: null,
  };
}

/** 95% Wilson score interval half-width. */
export function wilsonMargin(successes: number, n: number): number {
  if (n === 0) return 1;
  const z = 1.96;
  const p = successes / n;
  return (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
}

export async function collectComparison(
  client: PrometheusClient,
  filters: Q.Filters,
  range: TimeRange,
  by: Group,
  within: number,
  minCalls: number,
): Promise<Comparison> {
  // Models, providers and variants are compared on text-generating calls: a transcription model's
  // success rate and price say nothing about whether a chat model is good enough.
  by = by.ops === Q.OPS.model ? { ...by, ops: Q.OPS.llm, unit: 'LLM call' } : by;
  const w = promDuration(range.end - range.start);
  const m = Q.scopeMatchers(filters, 'call') ?? [];
  const at = range.end;
  const present = [...m, Q.ne(by.label, '')];
  const g = [by.label];
  const conv = by.name === 'agent' ? null : Q.scopeMatchers(filters, 'conversation');
  const [calls, ok, p50, p95, tokens, cost, resolved, resolvedCost] = await Promise.all([
    client.query(Q.calls(by.ops, present, w, g), at),
    client.query(Q.successes(by.ops, present, w, g), at),
    client.query(Q.latency(0.5, by.ops, present, w, g), at),
    client.query(Q.latency(0.95, by.ops, present, w, g), at),
    client.query(Q.tokens(present, w, g), at),
    client.query(Q.dollars(present, w, g), at),
    conv ? client.query(Q.resolvedConversations([...conv, Q.ne(by.label, '')], w, g), at) : Promise.resolve([]),
    conv ? client.query(Q.conversationDollars([...conv, Q.ne(by.label, '')], w, g), at) : Promise.resolve([]),
  ]);
  const of = (samples: InstantSample[], value: string): number | null =>
    samples.find((s) => s.labels[by.label] === value)?.value ?? null;
  const values = [...new Set(calls.map((s) => s.labels[by.label] as string))].sort();
  const rows = values.map((value): CompareRow => {
    const n = of(calls, value) ?? 0;
    const s = of(ok, value) ?? 0;
    const c = of(cost, value);
    const res = of(resolved, value);
    const resCost = of(resolvedCost, value);
    const t = of(tokens, value);
    return {
      ...emptyRow(value),
      calls: n,
      successes: s,
      successRate: n > 0 ? s / n : null,
      margin: n > 0 ? wilsonMargin(s, n) : null,
      p50: of(p50, value),
      p95: of(p95, value),
      tokensPerCall: t !== null && n > 0 ? t / n : null,
      dollarsPerCall: c !== null && n > 0 ? c / n : null,
      dollarsPerSuccess: c !== null && s > 0 ? c / s : null,
      dollarsPerResolved: resCost !== null && res ? resCost / res : null,
      resolved: res,
      smallSample: n < minCalls,
    };
  });
  const eligible = rows.filter((r) => !r.smallSample && r.successRate !== null);
  const best = eligible.length ? Math.max(...eligible.map((r) => r.successRate as number)) : null;
  if (best !== null) {
    const ranked = eligible
      .filter((r) => (r.successRate as number) >= best - within / 100 - 1e-12 && r.dollarsPerSuccess !== null)
      .sort((a, b) => (a.dollarsPerSuccess as number) - (b.dollarsPerSuccess as number));
    ranked.forEach((r, i) => (r.rank = i + 1));
  }
  rows.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || b.calls - a.calls || a.value.localeCompare(b.value));
  return { by, rows, best, within, minCalls };
}

