/**
 * All of aimeter's metric families, built from the catalog, plus the self-metrics that say how
 * the store itself is doing. `render()` is the Prometheus text for /metrics.
 */
import { METRICS, type MetricDefinition, type MetricKey } from './catalog';
import { internalErrorCounts } from '../internal/errors';
import type { ExpositionFormat } from './openmetrics';
import {
  CounterFamily,
  type ExemplarContext,
  type Family,
  GaugeFamily,
  HistogramFamily,
  type HistogramSeries,
  type LabelValues,
  type ScalarSeries,
  labelKey,
} from './series-store';
import type { OtelMirror } from './otel-mirror';

type KeysOfKind<K extends string> = {
  [P in MetricKey]: (typeof METRICS)[P]['kind'] extends K ? P : never;
}[MetricKey];
export type HistogramKey = KeysOfKind<'histogram'>;
export type CounterKey = KeysOfKind<'counter'>;

/** Self-metrics are computed at scrape time, not recorded. */
const SELF_METRICS: ReadonlySet<MetricKey> = new Set<MetricKey>([
  'seriesOverflow',
  'activeSeries',
  'seriesLimit',
  'internalErrors',
  'buildInfo',
]);

/**
 * Histograms whose buckets keep the latest exemplar (a trace link): the ones an operator opens a
 * trace from (a slow call, a slow first chunk, an expensive call). Token and per-run histograms
 * keep none: each exemplar slot costs memory per series.
 */
const EXEMPLAR_METRICS: ReadonlySet<HistogramKey> = new Set<HistogramKey>(['operationDuration', 'timeToFirstChunk', 'operationCost']);

export const DEFAULT_MAX_SERIES_PER_METRIC = 2000;

export interface GenAiMetricsOptions {
  /** Series cap per metric family; past it, records fold into the overflow series. */
  readonly maxSeriesPerMetric?: number;
  /** Also record into OTel instruments (for OTLP push). */
  readonly mirror?: OtelMirror;
  readonly version?: string;
}

export class GenAiMetrics {
  readonly maxSeriesPerMetric: number;
  private readonly histograms = new Map<HistogramKey, HistogramFamily>();
  private readonly counters = new Map<CounterKey, CounterFamily>();
  private readonly recorded: Family<unknown>[] = [];
  private readonly overflowCounts = new Map<string, number>();
  private mirror: OtelMirror | undefined;
  private readonly version: string;

  constructor(options: GenAiMetricsOptions = {}) {
    this.maxSeriesPerMetric = options.maxSeriesPerMetric ?? DEFAULT_MAX_SERIES_PER_METRIC;
    this.mirror = options.mirror;
    this.version = options.version ?? 'unknown';
    const onOverflow = (family: Family<unknown>) =>
      this.overflowCounts.set(family.promName, (this.overflowCounts.get(family.promName) ?? 0) + 1);
    for (const key of Object.keys(METRICS) as MetricKey[]) {
      if (SELF_METRICS.has(key)) continue;
      const def: MetricDefinition = METRICS[key];
      if (def.kind === 'histogram') {
        const family = new HistogramFamily(def, this.maxSeriesPerMetric, onOverflow, EXEMPLAR_METRICS.has(key as HistogramKey));
        this.histograms.set(key as HistogramKey, family);
        this.recorded.push(family as Family<unknown>);
      } else if (def.kind === 'counter') {
        const family = new CounterFamily(def, this.maxSeriesPerMetric, onOverflow);
        this.counters.set(key as CounterKey, family);
        this.recorded.push(family as Family<unknown>);
      }
    }
  }

  /**
   * Record a histogram observation. `key` is labelKey(values), passed in so callers compute it
   * once. `exemplar`: the (sampled) span it came from, kept by the histograms that link to traces.
   */
  observe(metric: HistogramKey, key: string, values: LabelValues, value: number, exemplar?: ExemplarContext): void {
    const family = this.histograms.get(metric)!;
    family.observe(family.get(key, values), value, exemplar);
    this.mirror?.observe(metric, values, value);
  }

  add(metric: CounterKey, key: string, values: LabelValues, value: number): void {
    if (!(value > 0)) return;
    const family = this.counters.get(metric)!;
    family.add(family.get(key, values), value);
    this.mirror?.add(metric, values, value);
  }

  /** The series of a histogram for repeated records (see processor/label-set.ts); undefined when the family is full. */
  histogramSeries(metric: HistogramKey, key: string, values: LabelValues): HistogramSeries | undefined {
    return this.histograms.get(metric)!.find(key, values);
  }

  counterSeries(metric: CounterKey, key: string, values: LabelValues): ScalarSeries | undefined {
    return this.counters.get(metric)!.find(key, values);
  }

  /** Records into a series from histogramSeries(). Not mirrored: callers check `mirrored` first. */
  observeSeries(metric: HistogramKey, series: HistogramSeries, value: number, exemplar?: ExemplarContext): void {
    this.histograms.get(metric)!.observe(series, value, exemplar);
  }

  addSeries(metric: CounterKey, series: ScalarSeries, value: number): void {
    if (value > 0) this.counters.get(metric)!.add(series, value);
  }

  /** True once records are also mirrored into OTel instruments. */
  get mirrored(): boolean {
    return this.mirror !== undefined;
  }

  /** Mirror every later record into OTel instruments (OTLP push). */
  attachMirror(mirror: OtelMirror): void {
    this.mirror = mirror;
  }

  /** Records folded into overflow series so far, per Prometheus metric name. */
  overflow(): ReadonlyMap<string, number> {
    return this.overflowCounts;
  }

  /** Series held per Prometheus metric name. */
  seriesCounts(): Map<string, number> {
    return new Map(this.recorded.map((f) => [f.promName, f.size]));
  }

  /** The families as text; in OpenMetrics without the final `# EOF` (the exposition may go on). */
  render(format: ExpositionFormat = 'text'): string {
    let out = '';
    for (const part of this.renderParts(format)) out += part;
    return out;
  }

  /**
   * The same text as render(), in parts (a family header, a series, the self-metrics), for
   * writing a large exposition piece by piece (see server/exposition.ts).
   */
  *renderParts(format: ExpositionFormat = 'text'): Generator<string> {
    for (const family of this.recorded) yield* family.parts(format);
    yield this.renderSelfMetrics(format);
  }

  private renderSelfMetrics(format: ExpositionFormat): string {
    const noOverflow = () => undefined;
    const overflow = new CounterFamily(METRICS.seriesOverflow, Infinity, noOverflow);
    const active = new GaugeFamily(METRICS.activeSeries, Infinity, noOverflow);
    const limit = new GaugeFamily(METRICS.seriesLimit, Infinity, noOverflow);
    const errors = new CounterFamily(METRICS.internalErrors, Infinity, noOverflow);
    const build = new GaugeFamily(METRICS.buildInfo, Infinity, noOverflow);
    for (const family of this.recorded) {
      const values = [family.promName];
      const key = labelKey(values);
      overflow.get(key, values).value = this.overflowCounts.get(family.promName) ?? 0;
      active.get(key, values).value = family.size;
    }
    limit.get('', []).value = this.maxSeriesPerMetric;
    // Always present, so that rate() and alerts see a zero before the first error.
    errors.get('', []).value = 0;
    for (const [component, count] of internalErrorCounts()) {
      const values = [component];
      errors.get(labelKey(values), values).value = count;
    }
    build.get(this.version, [this.version]).value = 1;
    return overflow.render(format) + active.render(format) + limit.render(format) + errors.render(format) + build.render(format);
  }
}
