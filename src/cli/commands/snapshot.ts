/** `aimeter snapshot`: the KPI snapshot over a range (default the last 24 hours). */
import { type Context, describeFilters } from '../context';
import { formatValue, NO_DATA, rawValue, renderTable, title, toCsv, toJson, type Colors, wrap } from '../format';
import { collectSnapshot, type Figure, type SnapshotData } from '../snapshot-data';

const LATENCY = 'Latency: ';
import { humanDuration, isoTime } from '../time';

export async function runSnapshot(ctx: Context): Promise<number> {
  const data = await collectSnapshot(ctx.client, ctx.filters, ctx.range);
  ctx.out(renderSnapshot(data, ctx.format, ctx.colors, ctx.width));
  return 0;
}

export function renderSnapshot(data: SnapshotData, format: 'table' | 'json' | 'csv', colors: Colors, width = 80): string {
  if (format === 'json') return toJson(snapshotJson(data));
  if (format === 'csv') {
    return toCsv(
      ['key', 'section', 'figure', 'value', 'sample_size'],
      data.figures.map((f) => [f.key, f.section, f.label, rawValue(f.value), f.n === undefined ? null : rawValue(f.n)]),
    );
  }
  const lines = [header(data, colors)];
  if (data.figures.every((f) => f.value === null)) {
    // Nothing at all: one line says it better than forty rows of "no data".
    lines.push(colors.yellow(`No data: no series match ${describeFilters(data.filters)} in this range.`));
    if (data.unfiltered.length) lines.push(colors.dim(wrap(`Left out (their metrics cannot be filtered that way): ${data.unfiltered.join(', ')}.`, width)));
    return lines.join('\n');
  }
  // Latency: one row per component (calls, error rate, p50/p95/p99 over successful calls).
  const byKey = new Map(data.figures.map((f) => [f.key, f]));
  const v = (key: string): string => {
    const f = byKey.get(key);
    if (!f) return '';
    const text = formatValue(f.value, f.kind);
    return text === NO_DATA ? colors.dim(text) : text;
  };
  const components = [...new Set(data.figures.filter((f) => f.section.startsWith(LATENCY)).map((f) => f.section))];
  lines.push(
    renderTable(
      {
        head: ['latency', 'calls', 'error rate', 'p50', 'p95', 'p99'],
        rows: components.map((section) => {
          const prefix = (data.figures.find((f) => f.section === section) as Figure).key.replace(/_(calls|turns)$/, '').replace(/^turns$/, 'turn');
          const callsKey = prefix === 'turn' ? 'turns' : `${prefix}_calls`;
          return [section.slice(LATENCY.length), v(callsKey), v(`${prefix}_error_rate`), v(`${prefix}_p50`), v(`${prefix}_p95`), v(`${prefix}_p99`)];
        }),
      },
      colors,
      width,
    ),
  );
  // The other sections: figure, value and the sample size behind ratios and means.
  const sections = [...new Set(data.figures.filter((f) => !f.section.startsWith(LATENCY)).map((f) => f.section))];
  const rows: string[][] = [];
  for (const section of sections) {
    rows.push([title(section, colors), '', '']);
    for (const f of data.figures.filter((x) => x.section === section)) {
      const value = formatValue(f.value, f.kind);
      const n = f.n !== undefined && f.value !== null && f.n !== null ? `n=${formatValue(f.n, 'count')}` : '';
      rows.push([`  ${f.label}`, value === NO_DATA ? colors.dim(value) : value, colors.dim(n)]);
    }
  }
  lines.push('');
  lines.push(renderTable({ head: ['figure', 'value', 'sample'], rows, align: ['left', 'right', 'right'] }, colors, width));
  if (data.unfiltered.length) {
    lines.push(colors.dim(wrap(`Left out (their metrics cannot be filtered that way): ${data.unfiltered.join(', ')}.`, width)));
  }
  return lines.join('\n');
}

function header(data: SnapshotData, colors: Colors): string {
  const { start, end } = data.range;
  return colors.bold(`aimeter snapshot, ${humanDuration(end - start)} to ${isoTime(end)} (${describeFilters(data.filters)})`);
}

export function snapshotJson(data: SnapshotData): unknown {
  return {
    range: { start: isoTime(data.range.start), end: isoTime(data.range.end) },
    filters: data.filters,
    figures: Object.fromEntries(data.figures.map((f) => [f.key, rawValue(f.value)])),
    sample_sizes: Object.fromEntries(data.figures.filter((f) => f.n !== undefined).map((f) => [f.key, rawValue(f.n)])),
    unfiltered: data.unfiltered,
  };
}
