/**
 * The in-memory metric store behind /metrics.
 *
 * Why not prom-client or the OTel SDK's Prometheus exporter: the span processor must derive
 * every metric of a span in a few microseconds, and a scrape of thousands of histogram series
 * must not stall the event loop. Series here are keyed by a pre-joined label string, label
 * text is rendered once when a series is created, and buckets are plain typed arrays.
 *
 * Each family holds at most `limit` series; past it, records fold into one series labelled
 * `otel_metric_overflow="true"` (the OTel SDK's cardinality-limit convention) and the fold is
 * counted, so memory stays bounded whatever label values arrive.
 */
import type { MetricDefinition } from './catalog';
import { prometheusLabelName, prometheusName } from './prometheus-names';

export const OVERFLOW_LABELS = 'otel_metric_overflow="true"';

/** Label values in the family's label order; '' means "not set" and is not rendered. */
export type LabelValues = readonly string[];

export interface HistogramSeries {
  readonly labels: string;
  /** Non-cumulative count per bucket; the last slot is the +Inf bucket. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

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

  /** Number of series held, the overflow series included. */
  get size(): number {
    return this.series.size + (this.overflowSeries ? 1 : 0);
  }

  protected *allSeries(): Iterable<S> {
    yield* this.series.values();
    if (this.overflowSeries) yield this.overflowSeries;
  }

  protected header(type: string): string {
    return `# HELP ${this.promName} ${escapeHelp(this.definition.description)}\n# TYPE ${this.promName} ${type}\n`;
  }

  protected abstract create(labels: string): S;
  abstract render(): string;
}

export class HistogramFamily extends Family<HistogramSeries> {
  private readonly bounds: Float64Array;
  /** `,le="0.01"} ` etc., rendered once. */
  private readonly leSuffixes: string[];

  constructor(definition: MetricDefinition, limit: number, onOverflow: OverflowListener) {
    super(definition, limit, onOverflow);
    const buckets = definition.buckets ?? [];
    this.bounds = Float64Array.from(buckets);
    this.leSuffixes = [...buckets.map((b) => `le="${formatNumber(b)}"} `), 'le="+Inf"} '];
  }

  protected create(labels: string): HistogramSeries {
    return { labels, counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
  }

  observe(series: HistogramSeries, value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    series.counts[i]!++;
    series.sum += value;
    series.count++;
  }

  render(): string {
    if (this.size === 0) return '';
    const name = this.promName;
    let out = this.header('histogram');
    for (const s of this.allSeries()) {
      const open = s.labels === '' ? '{' : `{${s.labels},`;
      const bucketPrefix = `${name}_bucket${open}`;
      let cumulative = 0;
      for (let i = 0; i < this.leSuffixes.length; i++) {
        cumulative += s.counts[i]!;
        out += bucketPrefix + this.leSuffixes[i] + formatNumber(cumulative) + '\n';
      }
      const braces = s.labels === '' ? '' : `{${s.labels}}`;
      out += `${name}_sum${braces} ${formatNumber(s.sum)}\n${name}_count${braces} ${formatNumber(s.count)}\n`;
    }
    return out;
  }
}

export class CounterFamily extends Family<ScalarSeries> {
  protected create(labels: string): ScalarSeries {
    return { labels, value: 0 };
  }

  add(series: ScalarSeries, value: number): void {
    if (value > 0) series.value += value;
  }

  render(): string {
    return this.renderScalars('counter');
  }

  protected renderScalars(type: string): string {
    if (this.size === 0) return '';
    let out = this.header(type);
    for (const s of this.allSeries()) {
      out += `${this.promName}${s.labels === '' ? '' : `{${s.labels}}`} ${formatNumber(s.value)}\n`;
    }
    return out;
  }
}

export class GaugeFamily extends CounterFamily {
  set(series: ScalarSeries, value: number): void {
    series.value = value;
  }

  override render(): string {
    return this.renderScalars('gauge');
  }
}

/** The map key for a set of label values (the separator cannot occur in rendered text we keep). */
export function labelKey(values: LabelValues): string {
  return values.join('\u0001');
}

function renderLabels(names: readonly string[], values: LabelValues): string {
  let out = '';
  for (let i = 0; i < names.length; i++) {
    const value = values[i];
    if (!value) continue;
    if (out !== '') out += ',';
    out += `${names[i]}="${escapeLabelValue(value)}"`;
  }
  return out;
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
