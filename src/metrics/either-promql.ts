/**
 * PromQL that reads a histogram in either naming of the GenAI conventions (docs/conventions.md),
 * shared by the dashboards (grafana/src/promql.ts) and the command line (src/cli/queries.ts): a
 * quantity's families in order of preference (src/metrics/editions.ts), per series from one of
 * them. Under `gen_ai_latest_experimental/dup` both namings exist with the same labels, and `or`
 * keeps one, so no call is counted twice; buckets are picked per histogram (`ignoring (le)`),
 * never mixed from two families. It lives under src/ because the command line ships in dist/src.
 */
import * as A from '../semconv/attributes';
import { METRICS, type MetricKey } from './catalog';
import { OPERATIONS_OF } from './editions';
import { prometheusLabelName, prometheusName } from './prometheus-names';

const LE = 'le';
const OPERATION = prometheusLabelName(A.ATTR_GEN_AI_OPERATION_NAME);

/**
 * A histogram read in either naming: its families in order of preference, each with the matchers
 * that select the quantity in it, and the labels the families do not share (ignored when picking
 * one per series).
 */
export interface EitherHistogram {
  /** `operations`: the only operations the family holds (a query about others leaves it out). */
  readonly families: readonly EitherFamily[];
  readonly ignoring?: readonly string[];
}
export interface EitherFamily {
  readonly name: string;
  readonly matchers?: readonly string[];
  readonly operations?: readonly string[];
}

/** A quantity whose families are the catalog keys given (v1.41 first), with their operations. */
export function eitherHistogram(keys: readonly MetricKey[]): EitherHistogram {
  return { families: keys.map((k) => ({ name: prometheusName(METRICS[k]), operations: OPERATIONS_OF[k] })) };
}

/** One histogram family, or a quantity in either naming. */
export type Histogram = string | EitherHistogram;
export type HistogramPart = '_bucket' | '_sum' | '_count';

const sel = (metric: string, matchers: readonly string[]): string => `${metric}{${matchers.join(', ')}}`;

/**
 * `rate()` (or `increase()`) of one kind of a histogram's series over `window`, to be aggregated.
 * The first family while its series is live (scraped at the evaluation time: `and` the instant
 * selector), else the others, else the first's stale remainder (prometheus/src/slo.ts eitherRate
 * says why: moving v1.41 -> /dup -> newest is seamless, a dead instance's calls still count).
 */
export function histogramRate(h: Histogram, part: HistogramPart, matchers: readonly string[], window: string, fn: 'rate' | 'increase' = 'rate'): string {
  if (typeof h === 'string') return `${fn}(${sel(`${h}${part}`, matchers)}[${window}])`;
  const ignoring = [...(part === '_bucket' ? [LE] : []), ...(h.ignoring ?? [])];
  const or = ignoring.length > 0 ? ` or ignoring (${ignoring.join(', ')}) ` : ' or ';
  const series = (f: EitherFamily) => sel(`${f.name}${part}`, [...matchers, ...(f.matchers ?? [])]);
  const of = (f: EitherFamily) => `${fn}(${series(f)}[${window}])`;
  const found = familiesFor(h, matchers);
  // No family can hold what was asked: the first one's (empty) series, still a valid query.
  const [first, ...rest] = (found.length > 0 ? found : h.families.slice(0, 1)) as [EitherFamily, ...EitherFamily[]];
  if (rest.length === 0) return of(first);
  return [`(${of(first)} and ${series(first)})`, ...rest.map(of), of(first)].join(or);
}

/** The families of `h` that can hold series the matchers ask for (by their operations). */
export function familiesFor(h: EitherHistogram, matchers: readonly string[]): readonly EitherFamily[] {
  const asked = operationsOf(matchers);
  return h.families.filter((f) => asked === undefined || f.operations === undefined || f.operations.some((o) => asked.includes(o)));
}

/** The operations a set of matchers asks for (`gen_ai_operation_name="x"` or `=~"x|y"`), or undefined. */
function operationsOf(matchers: readonly string[]): string[] | undefined {
  for (const m of matchers) {
    const found = new RegExp(`^${OPERATION}=~?"([^"]*)"$`).exec(m);
    if (found) return (found[1] as string).split('|');
  }
  return undefined;
}
