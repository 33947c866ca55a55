/**
 * Pieces of the HTML report: escaping, and line charts as inline SVG (no script, no external
 * font or stylesheet: the file is read anywhere, mailed, archived).
 */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface ChartSpec {
  readonly title: string;
  readonly times: readonly number[];
  readonly values: readonly (number | null)[];
  /** Formats an axis value. */
  readonly format: (v: number) => string;
  readonly color: string;
}

const W = 520;
const H = 180;
const PAD = { left: 64, right: 12, top: 28, bottom: 28 };

/** A line chart; gaps where there is no data, a note instead of a line when there is none at all. */
export function lineChart(spec: ChartSpec): string {
  const points = spec.times.map((t, i) => [t, spec.values[i] ?? null] as const);
  const known = points.filter((p): p is readonly [number, number] => p[1] !== null);
  const head = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(spec.title)}">`;
  const titleEl = `<text x="${PAD.left}" y="16" class="ct">${esc(spec.title)}</text>`;
  if (known.length === 0) {
    return `${head}${titleEl}<text x="${W / 2}" y="${H / 2}" text-anchor="middle" class="nd">no data</text></svg>`;
  }
  const t0 = spec.times[0] as number;
  const t1 = spec.times[spec.times.length - 1] as number;
  const max = Math.max(...known.map((p) => p[1]));
  const top = max > 0 ? max * 1.1 : 1;
  const x = (t: number): number => PAD.left + ((t - t0) / Math.max(1, t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v: number): number => H - PAD.bottom - (v / top) * (H - PAD.top - PAD.bottom);
  const segments: string[] = [];
  let current: string[] = [];
  for (const [t, v] of points) {
    if (v === null) {
      if (current.length) segments.push(current.join(' '));
      current = [];
    } else current.push(`${x(t).toFixed(1)},${y(v).toFixed(1)}`);
  }
  if (current.length) segments.push(current.join(' '));
  const lines = segments
    .map((s) => (s.includes(' ') ? `<polyline fill="none" stroke="${spec.color}" stroke-width="2" points="${s}"/>` : `<circle r="2" fill="${spec.color}" cx="${s.split(',')[0]}" cy="${s.split(',')[1]}"/>`))
    .join('');
  const grid = [0, 0.5, 1]
    .map((f) => {
      const v = top * f;
      return `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="gl"/><text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" class="ax">${esc(spec.format(v))}</text>`;
    })
    .join('');
  const label = (t: number): string => new Date(t * 1000).toISOString().slice(5, 16).replace('T', ' ');
  const xAxis = `<text x="${PAD.left}" y="${H - 8}" class="ax">${label(t0)}</text><text x="${W - PAD.right}" y="${H - 8}" text-anchor="end" class="ax">${label(t1)} UTC</text>`;
  return `${head}${titleEl}${grid}${lines}${xAxis}</svg>`;
}
