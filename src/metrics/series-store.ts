/**
 * The in-memory metric store behind /metrics.
 *
 * Why not prom-client or the OTel SDK's Prometheus exporter: the span processor must derive
 * every metric of a span in a few microseconds, and a scrape of thousands of histogram series
 * must not stall the event loop. Series here are keyed by a pre-joined label string, label
 * text is rendered once when a series is created, and buckets are plain arrays of counts.
 *
 * Each family holds at most `limit` series; past it, records fold into one series labelled
 * `otel_metric_overflow="true"` (the OTel SDK's cardinality-limit convention) and the fold is
 * counted, so memory stays bounded whatever label values arrive.
 */
import type { MetricDefinition } from './catalog';
import { exemplarSuffix, type ExpositionFormat, openMetricsHeader } from './openmetrics';
import { prometheusLabelName, prometheusName, prometheusUnit } from './prometheus-names';

export const OVERFLOW_LABELS = 'otel_metric_overflow="true"';

/** Label values in the family's label order; '' means "not set" and is not rendered. */
export type LabelValues = readonly string[];

export interface HistogramSeries {
  readonly labels: string;
  /**
   * Non-cumulative count per bucket, up to the highest bucket observed so far: the slots past its
   * end are zero, and a full one ends with the +Inf bucket. A plain array of small integers
   * (about half the memory of a Float64Array, which carries an ArrayBuffer and a backing store),
   * made exactly as long as needed when a higher bucket is first hit: most series fill only their
   * low buckets, and a series per label set is what the cap multiplies (issue 10, hostile labels).
   */
  counts: number[];
  sum: number;
  count: number;
  /** The latest exemplar per bucket; allocated at the series' first exemplar (see ExemplarSlots). */
  exemplars: ExemplarSlots | undefined;
}

/** The span an observation came from: its ids become the exemplar's labels, its end time the exemplar's. */
export interface ExemplarContext {
  readonly traceId: string;
  readonly spanId: string;
  /** Milliseconds since the epoch. */
  readonly timeMs: number;
}

/**
 * The latest exemplar of one bucket. Made the first time the bucket gets one, then overwritten
 * in place: no allocation per record (V8 updates a number field's box in place; the id strings
 * are the span context's own). The store copies an ExemplarContext's fields, never keeps it.
 */
export interface Exemplar {
  traceId: string;
  spanId: string;
  value: number;
  timeMs: number;
}

/**
 * Exemplars by bucket index (like `counts`); a bucket without one holds undefined. One object per
 * bucket actually used, rather than parallel arrays over all buckets: under many label sets
 * most series fill one or two buckets, and the series cap multiplies this per series.
 */
export type ExemplarSlots = (Exemplar | undefined)[];

export interface ScalarSeries {
  readonly labels: string;
  value: number;
}

export type OverflowListener = (family: Family<unknown>) => void;

export abstract class Family<S> {
  readonly promName: string;
  readonly labelNames: readonly string[];
  private readonly series = new Map<string, S>();
  private overflowSeries: S | undefined;

  constructor(
    readonly definition: MetricDefinition,
    private readonly limit: number,
    private readonly onOverflow: OverflowListener,
  ) {
    this.promName = prometheusName(definition);
    this.labelNames = definition.labels.map(prometheusLabelName);
  }

  /** The series for these label values; `key` must identify the values uniquely (see labelKey). */
  get(key: string, values: LabelValues): S {
    const found = this.series.get(key);
    if (found !== undefined) return found;
    if (this.series.size >= this.limit) {
      this.onOverflow(this as Family<unknown>);
      return (this.overflowSeries ??= this.create(OVERFLOW_LABELS));
    }
    const created = this.create(renderLabels(this.labelNames, values));
    this.series.set(key, created);
    return created;
  }

  /**
   * The series for these label values if it exists or there is room to create it; undefined when
   * the family is full (no overflow is counted: the caller records through get(), which does).
   */
  find(key: string, values: LabelValues): S | undefined {
    const found = this.series.get(key);
    if (found !== undefined || this.series.size >= this.limit) return found;
    return this.get(key, values);
  }

  /**
   * The series with these rendered labels (`a="1",b="2"`, or OVERFLOW_LABELS), made if missing:
   * for a family that merges other stores' series (processes/merge.ts), keyed by what they render.
   */
  byLabels(labels: string): S {
    let found = this.series.get(labels);
    if (found === undefined) this.series.set(labels, (found = this.create(labels)));
    return found;
  }

  /** Every series, the overflow series last. */
  entries(): Iterable<S> {
    return this.allSeries();
  }

  /** Number of series held, the overflow series included. */
  get size(): number {
    return this.series.size + (this.overflowSeries ? 1 : 0);
  }

  protected *allSeries(): Iterable<S> {
    yield* this.series.values();
    if (this.overflowSeries) yield this.overflowSeries;
  }

  /**
   * The exposition text in parts: the HELP/TYPE header, then one part per series. A scrape
   * writes the parts as they come (see server/exposition.ts), so that thousands of series never
   * become one giant string and the event loop is never blocked for the whole scrape.
   */
  *parts(format: ExpositionFormat = 'text'): Generator<string> {
    if (this.size === 0) return;
    yield format === 'openmetrics'
      ? openMetricsHeader(this.promName, this.type, prometheusUnit(this.definition), this.definition.description)
      : `# HELP ${this.promName} ${escapeHelp(this.definition.description)}\n# TYPE ${this.promName} ${this.type}\n`;
    for (const s of this.allSeries()) yield this.renderSeries(s, format);
  }

  render(format: ExpositionFormat = 'text'): string {
    let out = '';
    for (const part of this.parts(format)) out += part;
    return out;
  }

  /** The Prometheus TYPE. */
  protected abstract readonly type: string;
  protected abstract create(labels: string): S;
  protected abstract renderSeries(series: S, format: ExpositionFormat): string;
}

export class HistogramFamily extends Family<HistogramSeries> {
  protected readonly type = 'histogram';
  private readonly bounds: Float64Array;
  /** `,le="0.01"} ` etc., rendered once. */
  private readonly leSuffixes: string[];

  /** `exemplars`: keep the latest exemplar per bucket (rendered in OpenMetrics only). */
  constructor(
    definition: MetricDefinition,
    limit: number,
    onOverflow: OverflowListener,
    private readonly exemplars = false,
  ) {
    super(definition, limit, onOverflow);
    const buckets = definition.buckets ?? [];
    this.bounds = Float64Array.from(buckets);
    this.leSuffixes = [...buckets.map((b) => `le="${formatNumber(b)}"} `), 'le="+Inf"} '];
  }

  protected create(labels: string): HistogramSeries {
    return { labels, counts: [], sum: 0, count: 0, exemplars: undefined };
  }

  /**
   * Counts `value` (`times` times: one observation per chunk of a stream whose chunks are known
   * only by their mean); with `exemplar` (and exemplars on for this family), it becomes its
   * bucket's latest exemplar.
   */
  observe(series: HistogramSeries, value: number, exemplar?: ExemplarContext, times = 1): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    const counts = i < series.counts.length ? series.counts : grown(series, i + 1);
    counts[i]! += times;
    series.sum += value * times;
    series.count += times;
    if (exemplar !== undefined && this.exemplars) {
      const slots = (series.exemplars ??= new Array<Exemplar | undefined>(this.bucketSlots).fill(undefined));
      const slot = slots[i];
      if (slot === undefined) {
        slots[i] = { traceId: exemplar.traceId, spanId: exemplar.spanId, value, timeMs: exemplar.timeMs };
      } else {
        slot.traceId = exemplar.traceId;
        slot.spanId = exemplar.spanId;
        slot.value = value;
        slot.timeMs = exemplar.timeMs;
      }
    }
  }

  /** Slots of a full counts array: one per bucket bound, and +Inf. */
  get bucketSlots(): number {
    return this.bounds.length + 1;
  }

  /**
   * Adds `counts` (non-cumulative, as in HistogramSeries, from another process's store) to
   * `series`; false, and nothing added, when it has more slots than this family has buckets.
   */
  addCounts(series: HistogramSeries, counts: readonly number[]): boolean {
    if (counts.length > this.bounds.length + 1) return false;
    const into = counts.length <= series.counts.length ? series.counts : grown(series, counts.length);
    for (let i = 0; i < counts.length; i++) into[i]! += counts[i] ?? 0;
    return true;
  }

  protected renderSeries(s: HistogramSeries, format: ExpositionFormat): string {
    const name = this.promName;
    const bucketPrefix = `${name}_bucket${s.labels === '' ? '{' : `{${s.labels},`}`;
    const slots = format === 'openmetrics' ? s.exemplars : undefined;
    let out = '';
    let cumulative = 0;
    for (let i = 0; i < this.leSuffixes.length; i++) {
      cumulative += s.counts[i] ?? 0;
      out += bucketPrefix + this.leSuffixes[i] + formatNumber(cumulative);
      const exemplar = slots?.[i];
      if (exemplar !== undefined && renderable(exemplar)) {
        out += exemplarSuffix(exemplar.traceId, exemplar.spanId, exemplar.value, exemplar.timeMs);
      }
      out += '\n';
    }
    const braces = s.labels === '' ? '' : `{${s.labels}}`;
    return `${out}${name}_sum${braces} ${formatNumber(s.sum)}\n${name}_count${braces} ${formatNumber(s.count)}\n`;
  }
}

export class CounterFamily extends Family<ScalarSeries> {
  protected readonly type: string = 'counter';

  protected create(labels: string): ScalarSeries {
    return { labels, value: 0 };
  }

  add(series: ScalarSeries, value: number): void {
    if (value > 0) series.value += value;
  }

  protected renderSeries(s: ScalarSeries): string {
    return `${this.promName}${s.labels === '' ? '' : `{${s.labels}}`} ${formatNumber(s.value)}\n`;
  }
}

export class GaugeFamily extends CounterFamily {
  protected override readonly type = 'gauge';

  set(series: ScalarSeries, value: number): void {
    series.value = value;
  }
}

/**
 * An exemplar's ids must be W3C trace-context hex. Checked at scrape time, not when recording: a
 * span from a foreign SDK with odd ids must not make the whole scrape unparseable.
 */
function renderable(exemplar: Exemplar): boolean {
  return TRACE_ID.test(exemplar.traceId) && SPAN_ID.test(exemplar.spanId);
}
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

/**
 * The map key for a set of label values: the values joined with U+0001, each value's own U+0001
 * and U+0002 escaped with U+0002 (keyPart), so that two different label sets never share a key
 * (a value may contain anything a provider or another library sends).
 */
/** `series.counts` made `length` slots long, the counts kept (a new array of exactly that size). */
function grown(series: HistogramSeries, length: number): number[] {
  const counts = new Array<number>(length).fill(0);
  const old = series.counts;
  for (let i = 0; i < old.length; i++) counts[i] = old[i]!;
  series.counts = counts;
  return counts;
}

export function labelKey(values: LabelValues): string {
  // join() gives one flat string (see renderLabels); values needing escapes are rare.
  for (let i = 0; i < values.length; i++) if (KEY_SPECIAL.test(values[i]!)) return values.map(keyPart).join('\u0001');
  return values.join('\u0001');
}

/** One label value as it appears in a key (see labelKey); unchanged unless it holds U+0001 or U+0002. */
export function keyPart(value: string): string {
  return KEY_SPECIAL.test(value) ? value.replace(KEY_SPECIALS, '\u0002$&') : value;
}
const KEY_SPECIAL = /[\u0001\u0002]/;
const KEY_SPECIALS = /[\u0001\u0002]/g;

/**
 * `name="value",...` for the values that are set, as ONE flat string: it is built with join() over
 * all its fragments (never fewer than four), because a `+=` or template chain would keep a rope
 * of small strings alive per series (about 1 KB each), and with it the label values themselves,
 * which may be slices of much longer attacker-chosen span attributes.
 */
function renderLabels(names: readonly string[], values: LabelValues): string {
  const fragments: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const value = values[i];
    if (!value) continue;
    if (fragments.length > 0) fragments.push(',');
    fragments.push(names[i]!, '="', escapeLabelValue(value), '"');
  }
  return fragments.join('');
}

function escapeLabelValue(value: string): string {
  return /[\\"\n]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value;
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatNumber(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
