/**
 * How figures are written: units people read (ms and s, $, %, thousands separators), "no data"
 * where Prometheus has none (never a 0 that was not measured), tables that fit in 80 columns
 * (cli-table3, split into stacked tables when there are too many columns), CSV and JSON, and
 * colours only on a terminal without NO_COLOR (picocolors).
 */
import Table from 'cli-table3';
import pc from 'picocolors';

export type Kind = 'count' | 'ratio' | 'seconds' | 'usd' | 'tokens' | 'score' | 'number';
export type Format = 'table' | 'json' | 'csv';
export const FORMATS: readonly Format[] = ['table', 'json', 'csv'];
export const NO_DATA = 'no data';
export const WIDTH = 80;

export type Colors = ReturnType<typeof pc.createColors>;

/** Colours for this run: on a terminal, unless NO_COLOR or --no-color says otherwise. */
export function colorsFor(enabled: boolean): Colors {
  return pc.createColors(enabled);
}

const thousands = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A figure as text; null is "no data". */
export function formatValue(value: number | null | undefined, kind: Kind): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_DATA;
  switch (kind) {
    case 'count':
    case 'tokens':
      return thousands.format(Math.round(value));
    case 'ratio':
      return `${(value * 100).toFixed(1)}%`;
    case 'seconds':
      return formatSeconds(value);
    case 'usd':
      return formatUsd(value);
    case 'score':
      return value.toFixed(2);
    case 'number':
      return Math.abs(value) >= 100 ? thousands.format(value) : String(Number(value.toPrecision(3)));
  }
}

export function formatSeconds(s: number): string {
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${s.toFixed(2)} s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${(s / 3600).toFixed(1)} h`;
}

export function formatUsd(v: number): string {
  if (v === 0) return '$0';
  if (Math.abs(v) >= 1000) return `$${thousands.format(v)}`;
  if (Math.abs(v) >= 1) return `$${v.toFixed(2)}`;
  // Small amounts (a call costs fractions of a cent): three significant digits.
  return `$${Number(v.toPrecision(3))}`;
}

/** Raw value for JSON/CSV: the number as Prometheus gave it, or null. */
export function rawValue(value: number | null | undefined): number | null {
  return value === null || value === undefined || !Number.isFinite(value) ? null : value;
}

// ---------------------------------------------------------------------------------------------
// Tables

export type Align = 'left' | 'right';
export interface TableSpec {
  readonly head: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
  /** Per column; default: first left, the rest right. */
  readonly align?: readonly Align[];
}

 
const ANSI = /\u001b\[[0-9;]*m/g;
export const visibleLength = (s: string): number => [...s.replace(ANSI, '')].length;

const GAP = 2;
/** The widest a first (label) column may be before its values are cut with an ellipsis. */
const MAX_LABEL = 28;

/**
 * A borderless table no wider than `width`: label values longer than MAX_LABEL are cut, and
 * when the columns still do not fit they continue in a second table under the first, each
 * repeating the first column.
 */
export function renderTable(spec: TableSpec, colors: Colors, width = WIDTH): string {
  const align = spec.align ?? spec.head.map((_, i) => (i === 0 ? 'left' : 'right'));
  const cut = (s: string): string => (visibleLength(s) > MAX_LABEL ? `${[...s.replace(ANSI, '')].slice(0, MAX_LABEL - 1).join('')}…` : s);
  const rows = spec.rows.map((r) => r.map((c, i) => (i === 0 ? cut(c) : c)));
  const widths = spec.head.map((h, i) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const groups: number[][] = [];
  let current: number[] = [0];
  let used = widths[0] as number;
  for (let i = 1; i < widths.length; i++) {
    const w = (widths[i] as number) + GAP;
    if (used + w > width && current.length > 1) {
      groups.push(current);
      current = [0];
      used = widths[0] as number;
    }
    current.push(i);
    used += w;
  }
  groups.push(current);
  return groups
    .map((cols) => {
      const table = new Table({
        head: cols.map((i) => colors.bold(spec.head[i] as string)),
        colAligns: cols.map((i) => align[i] ?? 'right'),
        chars: {
          top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
          bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
          left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: ' '.repeat(GAP),
        },
        style: { 'padding-left': 0, 'padding-right': 0, head: [], border: [], compact: true },
      });
      for (const r of rows) table.push(cols.map((i) => r[i] ?? ''));
      return table.toString().split('\n').map((line) => line.replace(/\s+$/, '')).join('\n');
    })
    .join('\n\n');
}

// ---------------------------------------------------------------------------------------------
// CSV and JSON

export function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(head: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null>>): string {
  return [head, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** A section title in tables. */
export function title(text: string, colors: Colors): string {
  return colors.bold(colors.cyan(text));
}

/** Words wrapped at `width` columns. */
export function wrap(text: string, width: number, indent = ''): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && visibleLength(line) + 1 + visibleLength(word) > width) {
      lines.push(line);
      line = `${indent}${word}`;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}
