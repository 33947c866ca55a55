/**
 * `aimeter report --html FILE`: a self-contained executive summary of the range: the headline
 * KPIs beside their objectives, trends as inline SVG charts, the top spenders and the model
 * comparison. No script and no external resource, so it opens anywhere and can be mailed.
 */
import { writeFileSync } from 'node:fs';
import { type Context, describeFilters } from '../context';
import { CliError } from '../errors';
import { formatValue } from '../format';
import { GROUPS, type Group } from '../groups';
import { esc, lineChart } from '../html';
import { DEFAULT_OBJECTIVES_FILE, loadObjectives, parseThreshold } from '../objectives';
import { collectSnapshot, type Figure } from '../snapshot-data';
import { humanDuration, isoTime } from '../time';
import { checkObjectives, checkThresholds, type CheckResult } from './check';
import { collectComparison, rankingText } from './compare';
import { collectExport } from './export';
import { collectTop } from './top';

export interface ReportFlags {
  html?: string;
  objectives?: string;
  max?: string[];
  min?: string[];
}

const HEADLINES = ['model_calls', 'model_error_rate', 'model_p95', 'ttft_p95', 'turn_p95', 'cost', 'projected_month', 'resolution', 'first_contact_resolution', 'handle_time', 'csat', 'cache_hit_ratio'];

const NICE_STEPS = [300, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 604800];
/** Trend step: the shortest round step (5m, 15m, 30m, 1h, ... 1d, 1w) that keeps a chart at 150 points or fewer. */
export function trendStep(seconds: number): number {
  return NICE_STEPS.find((s) => seconds / s <= 150) ?? 604800;
}

export async function runReport(ctx: Context, flags: ReportFlags): Promise<number> {
  if (!flags.html) throw new CliError('report needs --html FILE (the file to write)');
  const thresholds = [...(flags.max ?? []).map((t) => parseThreshold(t, 'max')), ...(flags.min ?? []).map((t) => parseThreshold(t, 'min'))];
  const objectives = loadObjectives(flags.objectives ?? DEFAULT_OBJECTIVES_FILE);
  const { client, filters, range } = ctx;
  const step = trendStep(range.end - range.start);
  const [snapshot, checks, thresholdChecks, trend, byAgent, byModel, comparison] = await Promise.all([
    collectSnapshot(client, filters, range),
    checkObjectives(client, filters, range, objectives),
    thresholds.length ? checkThresholds(client, filters, range, thresholds) : Promise.resolve([]),
    collectExport(client, filters, range, step),
    collectTop(client, filters, range, 'cost', GROUPS.agent as Group, 5),
    collectTop(client, filters, range, 'cost', GROUPS.model as Group, 5),
    collectComparison(client, filters, range, GROUPS.model as Group, 2, 30),
  ]);
  const fig = (key: string): Figure | undefined => snapshot.figures.find((f) => f.key === key);
  const order = ['breach', 'too_few_events', 'ok', 'no_data'];
  const allChecks = [...thresholdChecks, ...checks].sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status));
  const card = (key: string): string => {
    const f = fig(key);
    if (!f) return '';
    const check = thresholdChecks.find((c) => c.name === key);
    const objective = check ? `<div class="obj ${check.status}">objective ${check.op === 'max' ? '≤' : '≥'} ${esc(formatValue(check.objective, check.kind))}</div>` : '';
    const n = f.n !== undefined && f.n !== null && f.value !== null ? `<div class="n">n = ${esc(formatValue(f.n, 'count'))}</div>` : '';
    return `<div class="card${f.value === null ? ' empty' : ''}"><div class="k">${esc(f.section.replace('Latency: ', ''))}: ${esc(f.label)}</div><div class="v">${esc(formatValue(f.value, f.kind))}</div>${objective}${n}</div>`;
  };
  const values = (key: string): (number | null)[] => trend.values[key] ?? [];
  const errorRate = values('calls').map((c, i) => (c ? (values('failed')[i] ?? 0) / c : null));
  const charts = [
    lineChart({ title: `Model calls per ${humanDuration(step)}`, times: trend.times, values: values('calls'), format: (v) => formatValue(v, 'count'), color: '#2563eb' }),
    lineChart({ title: `Dollars per ${humanDuration(step)}`, times: trend.times, values: values('dollars'), format: (v) => formatValue(v, 'usd'), color: '#16a34a' }),
    lineChart({ title: 'p95 model latency', times: trend.times, values: values('p95_seconds'), format: (v) => formatValue(v, 'seconds'), color: '#9333ea' }),
    lineChart({ title: 'Error rate', times: trend.times, values: errorRate, format: (v) => formatValue(v, 'ratio'), color: '#dc2626' }),
  ];
  const topTable = (title: string, rows: { value: string; figure: number; share: number | null; calls: number | null }[]): string =>
    `<div><h3>${esc(title)}</h3>${
      rows.length === 0
        ? '<p class="nd">no data</p>'
        : `<table><tr><th></th><th>dollars</th><th>share</th><th>calls</th></tr>${rows
            .map((r) => `<tr><td>${esc(r.value)}</td><td>${esc(formatValue(r.figure, 'usd'))}</td><td>${esc(formatValue(r.share, 'ratio'))}</td><td>${esc(formatValue(r.calls, 'count'))}</td></tr>`)
            .join('')}</table>`
    }</div>`;
  const checkRow = (r: CheckResult): string =>
    `<tr class="${r.status}"><td>${esc(r.name)}</td><td>${esc(formatValue(r.value, r.kind))}</td><td>${r.op === 'max' ? '≤' : '≥'} ${esc(formatValue(r.objective, r.kind))}</td><td>${esc(r.n === null ? '' : formatValue(r.n, 'count'))}</td><td class="st">${esc(r.status.replace(/_/g, ' '))}</td></tr>`;
  const compareRows = comparison.rows
    .map(
      (r) =>
        `<tr><td>${esc(r.value)}</td><td>${esc(formatValue(r.calls, 'count'))}${r.smallSample ? '*' : ''}</td><td>${esc(formatValue(r.successRate, 'ratio'))}</td><td>${esc(formatValue(r.p50, 'seconds'))}</td><td>${esc(formatValue(r.p95, 'seconds'))}</td><td>${esc(formatValue(r.tokensPerCall, 'tokens'))}</td><td>${esc(formatValue(r.dollarsPerCall, 'usd'))}</td><td>${esc(formatValue(r.dollarsPerSuccess, 'usd'))}</td><td>${r.rank ?? '-'}</td></tr>`,
    )
    .join('');
  const breaches = allChecks.filter((r) => r.status === 'breach').length;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>aimeter report ${esc(isoTime(range.end))}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:24px;color:#111827;background:#f9fafb}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}h3{font-size:14px;margin:8px 0}
.sub{color:#6b7280;font-size:13px}.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px 12px}.card .k{font-size:12px;color:#6b7280}
.card .v{font-size:22px;font-weight:600;margin-top:4px}.card.empty .v{color:#9ca3af;font-size:16px}.card .n{font-size:11px;color:#9ca3af}
.obj{font-size:12px;margin-top:2px}.obj.ok{color:#15803d}.obj.breach{color:#b91c1c;font-weight:600}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:10px}.charts svg{background:#fff;border:1px solid #e5e7eb;border-radius:8px;max-width:100%;height:auto}
.ct{font-size:13px;font-weight:600;fill:#111827}.ax{font-size:10px;fill:#6b7280}.gl{stroke:#e5e7eb}.nd{fill:#9ca3af;color:#9ca3af;font-size:13px}
table{border-collapse:collapse;background:#fff;font-size:13px}td,th{border-bottom:1px solid #e5e7eb;padding:4px 10px;text-align:right}td:first-child,th:first-child{text-align:left}
tr.breach td{color:#b91c1c;font-weight:600}tr.ok .st{color:#15803d}tr.no_data td,tr.too_few_events td{color:#9ca3af}
.two{display:flex;gap:24px;flex-wrap:wrap}.note{font-size:12px;color:#6b7280;max-width:900px}
</style></head><body>
<h1>aimeter report</h1>
<div class="sub">${esc(humanDuration(range.end - range.start))} from ${esc(isoTime(range.start))} to ${esc(isoTime(range.end))} · ${esc(describeFilters(filters))} · Prometheus ${esc(client.url)}</div>
<h2>Headline</h2>
<div class="cards">${HEADLINES.map(card).join('')}</div>
<h2>Objectives: ${breaches ? `${breaches} breached` : 'all met'} of ${allChecks.length}</h2>
<table><tr><th>objective</th><th>value</th><th>objective</th><th>events</th><th>status</th></tr>${allChecks.map(checkRow).join('')}</table>
<div class="note">From ${esc(objectives.file)}${thresholds.length ? ' and the thresholds given' : ''}. Monthly spend is the range's pace projected over the month.</div>
<h2>Trends</h2>
<div class="charts">${charts.join('')}</div>
<h2>Top spenders</h2>
<div class="two">${topTable('By agent', byAgent.rows)}${topTable('By model', byModel.rows)}</div>
<h2>Model comparison</h2>
${comparison.rows.length ? `<table><tr><th>model</th><th>calls</th><th>success</th><th>p50</th><th>p95</th><th>tokens/call</th><th>$/call</th><th>$/success</th><th>rank</th></tr>${compareRows}</table>` : '<p class="nd">no data</p>'}
<div class="note">${esc(rankingText(comparison))}</div>
</body></html>
`;
  try {
    writeFileSync(flags.html, html);
  } catch (err) {
    throw new CliError(`--html "${flags.html}": cannot write it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  ctx.err(`wrote ${flags.html}`);
  return 0;
}
