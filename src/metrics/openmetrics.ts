/**
 * What the OpenMetrics 1.0 text format changes against Prometheus text 0.0.4, for the store's
 * families (series-store.ts) and the self-metrics. The sample lines are the same in both (same
 * names, same label text, same `le` values: switching format never renames a series); what
 * differs is:
 *   - a counter FAMILY is named without `_total` (its samples keep it),
 *   - a `# UNIT` line where the name carries its unit (`_seconds`, `_bytes`),
 *   - HELP escapes `"` as well,
 *   - histogram buckets may carry an exemplar: ` # {trace_id="...",span_id="..."} value timestamp`,
 *   - the exposition ends with `# EOF`.
 */

/** Prometheus text 0.0.4 (the default) or OpenMetrics 1.0.0 (when the scraper asks for it). */
export type ExpositionFormat = 'text' | 'openmetrics';

export const OPENMETRICS_EOF = '# EOF\n';

/** The OpenMetrics family name: a counter's family drops the `_total` its samples carry. */
export function openMetricsFamilyName(promName: string, type: string): string {
  return type === 'counter' ? promName.replace(/_total$/, '') : promName;
}

/** HELP text escaped for OpenMetrics: backslash, line feed and double quote. */
export function escapeOpenMetricsHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** `# HELP`, `# TYPE` and, when the name ends in its unit, `# UNIT` lines of one family. */
export function openMetricsHeader(promName: string, type: string, unit: string, help: string): string {
  const family = openMetricsFamilyName(promName, type);
  const unitLine = unit === '' ? '' : `# UNIT ${family} ${unit}\n`;
  return `# HELP ${family} ${escapeOpenMetricsHelp(help)}\n# TYPE ${family} ${type}\n${unitLine}`;
}

/**
 * ` # {trace_id="...",span_id="..."} value timestamp`, appended to a bucket line. The timestamp
 * is in seconds (OpenMetrics), to the millisecond: Prometheus keeps an exemplar only when it is
 * newer than the last one it stored for the series, so a re-scraped exemplar is not stored twice.
 */
export function exemplarSuffix(traceId: string, spanId: string, value: number, timeMs: number): string {
  return ` # {trace_id="${traceId}",span_id="${spanId}"} ${String(value)} ${(timeMs / 1000).toFixed(3)}`;
}
