/**
 * `aimeter check`: holds the range's figures to objectives and exits 1 with a line per breach
 * (cron, CI, a deploy gate). Objectives come from thresholds on the command line
 * (`--max p95=2s --min resolution=0.8`, keys as `snapshot --format json` names them) and from
 * an objectives file (`--objectives FILE`, default the project's
 * prometheus/rules/aimeter-objectives.yml when no threshold is given): availability, latency and
 * time to first chunk per operation, and each job's monthly spend budget (the range's pace
 * projected over the month).
 */
import { type Context, describeFilters } from '../context';
import { CliError, EXIT_BREACH, EXIT_OK } from '../errors';
import { formatValue, toCsv, toJson, type Colors, type Kind, wrap } from '../format';
import { DEFAULT_OBJECTIVES_FILE, loadObjectives, type Objectives, parseThreshold, type Threshold } from '../objectives';
import type { PrometheusClient } from '../prometheus-client';
import * as Q from '../queries';
import { ALIASES, collectSnapshot, findFigure } from '../snapshot-data';
import { daysInMonth, humanDuration, isoTime, promDuration, type TimeRange } from '../time';

export type Status = 'ok' | 'breach' | 'no_data' | 'too_few_events';
export interface CheckResult {
  readonly name: string;
  readonly status: Status;
  readonly value: number | null;
  readonly objective: number;
  readonly op: 'max' | 'min';
  readonly kind: Kind;
  /** Events behind the value, where it is a share or a quantile. */
  readonly n: number | null;
}

export interface CheckFlags {
  max?: string[];
  min?: string[];
  objectives?: string;
  failOnNoData?: boolean;
}

export async function runCheck(ctx: Context, flags: CheckFlags): Promise<number> {
  const thresholds = [...(flags.max ?? []).map((t) => parseThreshold(t, 'max')), ...(flags.min ?? []).map((t) => parseThreshold(t, 'min'))];
  const file = flags.objectives ?? (thresholds.length === 0 ? DEFAULT_OBJECTIVES_FILE : undefined);
  const objectives = file ? loadObjectives(file) : undefined;
  const results = [
    ...(thresholds.length ? await checkThresholds(ctx.client, ctx.filters, ctx.range, thresholds) : []),
    ...(objectives ? await checkObjectives(ctx.client, ctx.filters, ctx.range, objectives) : []),
  ];
  const failing = results.filter((r) => r.status === 'breach' || (flags.failOnNoData && (r.status === 'no_data' || r.status === 'too_few_events')));
  const code = failing.length ? EXIT_BREACH : EXIT_OK;
  if (ctx.format === 'json') {
    ctx.out(toJson({ range: { start: isoTime(ctx.range.start), end: isoTime(ctx.range.end) }, objectives_file: file ?? null, breaches: failing.length, results }));
    return code;
  }
  if (ctx.format === 'csv') {
    ctx.out(toCsv(['objective', 'status', 'value', 'op', 'threshold', 'sample_size'], results.map((r) => [r.name, r.status, r.value, r.op, r.objective, r.n])));
    return code;
  }
  const c = ctx.colors;
  ctx.out(c.bold(`aimeter check, ${humanDuration(ctx.range.end - ctx.range.start)} to ${isoTime(ctx.range.end)} (${describeFilters(ctx.filters)})`));
  if (file) ctx.out(c.dim(wrap(`objectives from ${file}`, ctx.width)));
  const order: Status[] = ['breach', 'too_few_events', 'ok', 'no_data'];
  const sorted = [...results].sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status));
  // A long objective's line (time to first chunk text_to_speech...) goes on under the tag.
  for (const r of sorted.filter((x) => x.status !== 'no_data' || flags.failOnNoData)) ctx.out(wrap(resultLine(r, c), ctx.width, '       '));
  const noData = flags.failOnNoData ? [] : sorted.filter((x) => x.status === 'no_data');
  // Objectives of operations the app does not use are many and say nothing: one line for all.
  if (noData.length) ctx.out(c.yellow(wrap(`NODATA ${noData.map((r) => r.name).join(', ')}`, ctx.width, '       ')));
  ctx.out(failing.length ? c.red(`${failing.length} of ${results.length} objectives breached`) : c.green(`all ${results.length} objectives met`));
  return code;
}

export function resultLine(r: CheckResult, c: Colors): string {
  const tag = { ok: c.green('OK    '), breach: c.red('BREACH'), no_data: c.yellow('NODATA'), too_few_events: c.yellow('FEW   ') }[r.status];
  const cmp = r.op === 'max' ? '<=' : '>=';
  const value = formatValue(r.value, r.kind);
  const n = r.n !== null ? ` (n=${formatValue(r.n, 'count')})` : '';
  return `${tag} ${r.name}: ${value}, objective ${cmp} ${formatValue(r.objective, r.kind)}${n}`;
}

function judge(value: number | null, objective: number, op: 'max' | 'min'): Status {
  if (value === null) return 'no_data';
  const ok = op === 'max' ? value <= objective + 1e-12 : value >= objective - 1e-12;
  return ok ? 'ok' : 'breach';
}

export async function checkThresholds(client: PrometheusClient, filters: Q.Filters, range: TimeRange, thresholds: readonly Threshold[]): Promise<CheckResult[]> {
  const data = await collectSnapshot(client, filters, range);
  return thresholds.map((t) => {
    const f = findFigure(data, t.key);
    if (!f) {
      if (/^(eval_|cache_hit_ratio_)/.test(t.key)) return { name: t.key, status: 'no_data', value: null, objective: t.value, op: t.op, kind: 'number', n: null };
      const keys = [...Object.keys(ALIASES), ...data.figures.map((x) => x.key)].join(', ');
      throw new CliError(`--${t.op} ${t.key}: no such figure; use one of ${keys}`);
    }
    return { name: f.key, status: judge(f.value, t.value, t.op), value: f.value, objective: t.value, op: t.op, kind: f.kind, n: f.n ?? null };
  });
}

export async function checkObjectives(client: PrometheusClient, filters: Q.Filters, range: TimeRange, o: Objectives): Promise<CheckResult[]> {
  const w = promDuration(range.end - range.start);
  const at = range.end;
  const m = Q.scopeMatchers(filters, 'call') ?? [];
  const op = Q.L.operation;
  const ops = [...new Set(o.slos.map((s) => s.operation))].join('|') || 'none';
  const [calls, failed, succeeded, ttfc] = await Promise.all([
    client.query(Q.calls(ops, m, w, [op, Q.L.errorType]), at),
    client.query(Q.failures(ops, m, w, [op, Q.L.errorType]), at),
    client.query(Q.successes(ops, m, w, [op]), at),
    client.query(Q.firstChunkCount(ops, m, w, [op]), at),
  ]);
  const excluded = new Set(o.excludedErrorTypes);
  const sumOf = (samples: { labels: Record<string, string>; value: number }[], operation: string, keep = (_: Record<string, string>) => true): number | null => {
    const match = samples.filter((s) => s.labels[op] === operation && keep(s.labels));
    return match.length ? match.reduce((a, s) => a + s.value, 0) : null;
  };
  const results: CheckResult[] = [];
  for (const slo of o.slos) {
    let good: number | null;
    let valid: number | null;
    let name: string;
    if (slo.sli === 'availability') {
      valid = sumOf(calls, slo.operation, (l) => !excluded.has(l[Q.L.errorType] ?? ''));
      const bad = sumOf(failed, slo.operation, (l) => !excluded.has(l[Q.L.errorType] ?? '')) ?? (valid !== null ? 0 : null);
      good = valid !== null && bad !== null ? valid - bad : null;
      name = `availability ${slo.operation}`;
    } else {
      const within = await client.query(
        slo.sli === 'duration' ? Q.successesWithin(slo.operation, slo.le as string, m, w, [op]) : Q.firstChunkWithin(slo.operation, slo.le as string, m, w, [op]),
        at,
      );
      valid = sumOf(slo.sli === 'duration' ? succeeded : ttfc, slo.operation);
      good = sumOf(within, slo.operation) ?? (valid !== null ? 0 : null);
      name = `${slo.sli === 'duration' ? 'latency' : 'time to first chunk'} ${slo.operation} <= ${slo.le}s`;
    }
    const share = good !== null && valid ? good / valid : null;
    const status: Status = valid !== null && valid > 0 && valid < o.minEvents ? 'too_few_events' : judge(share, slo.target, 'min');
    results.push({ name, status, value: share, objective: slo.target, op: 'min', kind: 'ratio', n: valid });
  }

  // Spend: the range's pace projected over the month of its end, against each job's budget.
  if (o.defaultBudgetUsdPerMonth !== null || o.jobBudgets.size > 0) {
    const byJob = await client.query(Q.dollarsByJob(m, w), at);
    const seconds = range.end - range.start;
    for (const s of byJob) {
      const job = s.labels.job ?? '';
      const budget = o.jobBudgets.get(job) ?? o.defaultBudgetUsdPerMonth;
      if (budget === null) continue;
      const projected = (s.value / seconds) * 86400 * daysInMonth(range.end);
      results.push({ name: `monthly spend ${job} (projected)`, status: judge(projected, budget, 'max'), value: projected, objective: budget, op: 'max', kind: 'usd', n: null });
    }
  }
  return results;
}
