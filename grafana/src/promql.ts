/**
 * PromQL building blocks of the dashboards. Selectors take label matchers; every panel passes its
 * dashboard's filters (job and the template variables that apply to the series it reads).
 */
import { L, M } from './names';

/** Grafana's interval for rate(): at least four scrapes, whatever the scrape interval. */
export const RATE_INTERVAL = '$__rate_interval';
/** The dashboard time range, for single figures ("in time range"). */
export const RANGE = '$__range';

export type Matcher = string;
export const eq = (label: string, value: string): Matcher => `${label}="${value}"`;
export const ne = (label: string, value: string): Matcher => `${label}!="${value}"`;
export const re = (label: string, regex: string): Matcher => `${label}=~"${regex}"`;
/** A template variable, matched as a regex (Grafana expands multi-value and "All" into one). */
export const variable = (label: string, name: string): Matcher => re(label, `$${name}`);

export function sel(metric: string, matchers: readonly Matcher[]): string {
  return `${metric}{${matchers.join(', ')}}`;
}

export const rate = (metric: string, matchers: readonly Matcher[], window = RATE_INTERVAL): string =>
  `rate(${sel(metric, matchers)}[${window}])`;
export const increase = (metric: string, matchers: readonly Matcher[], window = RANGE): string =>
  `increase(${sel(metric, matchers)}[${window}])`;

export function sumBy(by: readonly string[], inner: string): string {
  return by.length > 0 ? `sum by (${by.join(', ')}) (${inner})` : `sum(${inner})`;
}

/** `num / den`, reading 0 (not "no data") when the numerator has no series, e.g. no failures yet. */
export function ratioOrZero(num: string, den: string): string {
  return `(${num} or ${den} * 0) / ${den}`;
}

/** Calls per second: every GenAI operation has a duration, so its _count counts calls. */
export function callRate(by: readonly string[], matchers: readonly Matcher[], window = RATE_INTERVAL): string {
  return sumBy(by, rate(histogramCount(M.operationDuration), matchers, window));
}

/** Histogram series names. */
export const histogramBucket = (h: string): string => `${h}_bucket`;
export const histogramSum = (h: string): string => `${h}_sum`;
export const histogramCount = (h: string): string => `${h}_count`;

/**
 * A quantile interpolated inside the histogram's buckets: for durations and ratios, whose buckets
 * are fine enough. Never for small integer counts or for money (see `mean`).
 */
export function quantile(q: number, histogram: string, by: readonly string[], matchers: readonly Matcher[], window = RATE_INTERVAL): string {
  return `histogram_quantile(${q}, ${sumBy([L.le, ...by], rate(histogramBucket(histogram), matchers, window))})`;
}

/** The exact mean of a histogram's observations: sum / count. */
export function mean(histogram: string, by: readonly string[], matchers: readonly Matcher[], window = RATE_INTERVAL): string {
  return `${sumBy(by, rate(histogramSum(histogram), matchers, window))} / ${sumBy(by, rate(histogramCount(histogram), matchers, window))}`;
}

/** Share of observations above a bucket boundary: exact, since `bound` is a boundary. */
export function shareAbove(histogram: string, bound: string, by: readonly string[], matchers: readonly Matcher[], window = RATE_INTERVAL): string {
  const all = sumBy(by, rate(histogramCount(histogram), matchers, window));
  const below = sumBy(by, rate(histogramBucket(histogram), [...matchers, eq(L.le, bound)], window));
  return `(${all} - ${below}) / ${all}`;
}

/** Names series with an empty label "(none)" in legends and tables instead of a blank. */
export function nameEmpty(expr: string, label: string, name = '(none)'): string {
  return `label_replace(${expr}, "${label}", "${name}", "${label}", "")`;
}

/** Dollars per hour from a dollars counter's per-second rate. */
export const perHour = (expr: string): string => `${expr} * 3600`;
