/**
 * Durations and dates as people type them: `90s`, `15m`, `2h`, `7d`, `1w`, `1h30m`; dates as
 * `2026-11-30`, `2026-11-30T12:00`, RFC 3339, Unix seconds, `now`, or a duration meaning that
 * long ago (`--since 2h`). Times are seconds since the epoch (what the Prometheus API takes).
 */
import { CliError } from './errors';

const UNIT_SECONDS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w|y))+$/;

/** Seconds in a duration; throws a CliError naming the flag. */
export function parseDuration(text: string, flag: string): number {
  const value = text.trim();
  if (!DURATION.test(value)) {
    throw new CliError(`${flag} "${text}" is not a duration: use a number and a unit (ms, s, m, h, d, w, y), e.g. 90s, 15m, 2h, 7d, 1h30m`);
  }
  let seconds = 0;
  for (const m of value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/g)) seconds += Number(m[1]) * (UNIT_SECONDS[m[2] as string] as number);
  if (seconds <= 0) throw new CliError(`${flag} "${text}" must be longer than zero`);
  return seconds;
}

export function isDuration(text: string): boolean {
  return DURATION.test(text.trim());
}

/** A point in time, in seconds since the epoch. */
export function parseTime(text: string, flag: string, now: number): number {
  const value = text.trim();
  if (value === 'now') return now;
  if (isDuration(value)) return now - parseDuration(value, flag);
  if (/^\d{9,11}(\.\d+)?$/.test(value)) return Number(value);
  // A date alone is midnight UTC; a date and time without a zone is UTC too (not the machine's zone).
  let iso = value;
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) iso += 'T00:00:00Z';
  else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(iso)) iso = `${iso.replace(' ', 'T')}Z`;
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(iso) ? Date.parse(iso) : NaN;
  if (Number.isNaN(ms)) {
    throw new CliError(`${flag} "${text}" is not a time: use now, a date (2026-11-30), a date and time (2026-11-30T12:00Z), Unix seconds, or a duration ago (2h)`);
  }
  return ms / 1000;
}

export interface TimeRange {
  /** Seconds since the epoch. */
  readonly start: number;
  readonly end: number;
}

export interface RangeFlags {
  readonly range?: string;
  readonly since?: string;
  readonly until?: string;
}

/**
 * The range the flags describe: --until (default now) and either --since or --range (default
 * `defaultRange`). Giving all three is refused, as is a range that ends before it starts.
 */
export function resolveRange(flags: RangeFlags, defaultRange: string, now = Date.now() / 1000): TimeRange {
  if (flags.range !== undefined && flags.since !== undefined && flags.until !== undefined) {
    throw new CliError('--range, --since and --until together say the same thing twice: give at most two of them');
  }
  let end = flags.until !== undefined ? parseTime(flags.until, '--until', now) : undefined;
  let start = flags.since !== undefined ? parseTime(flags.since, '--since', now) : undefined;
  const length = parseDuration(flags.range ?? defaultRange, flags.range !== undefined ? '--range' : 'the default range');
  if (start !== undefined && end === undefined) end = flags.range !== undefined ? start + length : now;
  end ??= now;
  start ??= end - length;
  if (end <= start) {
    throw new CliError(`the range ends (${isoTime(end)}) before it starts (${isoTime(start)}): check --since, --until and --range`);
  }
  return { start, end };
}

/** A window for PromQL range selectors: whole seconds (`[86400s]`). */
export function promDuration(seconds: number): string {
  return `${Math.max(1, Math.round(seconds))}s`;
}

export function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** A duration as people read it: 1d, 6h, 1h30m, 90s. */
export function humanDuration(seconds: number): string {
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [unit, size] of [['w', 604800], ['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('') || '0s';
}

/** `YYYY-MM-DD` of a time (UTC). */
export function isoDay(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

/** The number of days in the UTC month of a time. */
export function daysInMonth(seconds: number): number {
  const d = new Date(seconds * 1000);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
}
