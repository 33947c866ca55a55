/**
 * All of aimeter's metric families, built from the catalog, plus the self-metrics that say how
 * the store itself is doing. `render()` is the Prometheus text for /metrics.
 */
import { isEmitted, METRICS, type MetricDefinition, type MetricKey } from './catalog';
import { DEFAULT_CONVENTIONS, type Conventions } from '../semconv/conventions';
import { internalErrorCounts } from '../internal/errors';
import { rejectionCounts } from '../provider-data/rejections';
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

/** What records are mirrored into: OTel instruments (otel-mirror.ts), or a worker thread's forwarder (processes/threads.ts). */
export type RecordMirror = Pick<OtelMirror, 'observe' | 'add' | 'observeSelfMetrics'>;

/** A cluster primary's collection, for the self-metrics (processes/cluster-primary.ts sets it). */
export interface ClusterStatus {
  /** Workers summed into the last scrape. */
  workers: number;
  /** Worker answers missed so far. */
  misses: number;
}

type KeysOfKind<K extends string> = {
  [P in MetricKey]: (typeof METRICS)[P]['kind'] extends K ? P : never;
}[MetricKey];
export type HistogramKey = KeysOfKind<'histogram'>;
export type CounterKey = KeysOfKind<'counter'>;

/** Self-metrics are computed when read (a scrape, an OTLP collection), not recorded. In exposition order. */
export const SELF_METRICS = [
  'seriesOverflow',
  'activeSeries',
  'seriesLimit',
  'internalErrors',
  'providerDataRejected',
  'clusterWorkers',
  'clusterWorkerMisses',
  'buildInfo',
] as const satisfies readonly MetricKey[];
export type SelfMetricKey = (typeof SELF_METRICS)[number];
const IS_SELF_METRIC: ReadonlySet<MetricKey> = new Set<MetricKey>(SELF_METRICS);

/** One point of a self-metric: label values in the catalog's label order, and the value now. */
export interface SelfMetricPoint {
  readonly metric: SelfMetricKey;
  readonly values: LabelValues;
  readonly value: number;
}

/**
 * Histograms whose buckets keep the latest exemplar (a trace link): the ones an operator opens a
 * trace from (a slow call, a slow first chunk, an expensive call). Token and per-run histograms
 * keep none: each exemplar slot costs memory per series.
 */
const EXEMPLAR_METRICS: ReadonlySet<HistogramKey> = new Set<HistogramKey>([
  'operationDuration',
  'timeToFirstChunk',
  'operationCost',
  'inferenceDuration',
  'embeddingsDuration',
  'invokeAgentDuration',
  'executeToolDuration',
  'inferenceTimeToFirstChunk',
  'textToSpeechTimeToFirstAudio',
  'speechToTextTimeToFirstTranscript',
]);

export const DEFAULT_MAX_SERIES_PER_METRIC = 2000;

export interface GenAiMetricsOptions {
  /** Series cap per metric family; past it, records fold into the overflow series. */
  readonly maxSeriesPerMetric?: number;
  /** Also record into OTel instruments (for OTLP push). */
  readonly mirror?: RecordMirror;
  readonly version?: string;
  /** The GenAI conventions emitted (default v1.41): only their families exist (src/semconv/conventions.ts). */
  readonly conventions?: Conventions;
}

export class GenAiMetrics {
  readonly maxSeriesPerMetric: number;
  readonly conventions: Conventions;
  private readonly histograms = new Map<HistogramKey, HistogramFamily>();
  private readonly counters = new Map<CounterKey, CounterFamily>();
  private readonly recorded: Family<unknown>[] = [];
  private readonly overflowCounts = new Map<string, number>();
  private mirror: RecordMirror | undefined;
  private readonly version: string;
  /** Set by a cluster primary's collection; zeros elsewhere. */
  readonly cluster: ClusterStatus = { workers: 0, misses: 0 };

  constructor(options: GenAiMetricsOptions = {}) {
    this.maxSeriesPerMetric = options.maxSeriesPerMetric ?? DEFAULT_MAX_SERIES_PER_METRIC;
    this.version = options.version ?? 'unknown';
    this.conventions = options.conventions ?? DEFAULT_CONVENTIONS;
    const onOverflow = (family: Family<unknown>) =>
      this.overflowCounts.set(family.promName, (this.overflowCounts.get(family.promName) ?? 0) + 1);
    for (const key of Object.keys(METRICS) as MetricKey[]) {
      if (IS_SELF_METRIC.has(key)) continue;
      const def: MetricDefinition = METRICS[key];
      if (!isEmitted(def, this.conventions)) continue;
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
    if (options.mirror) this.attachMirror(options.mirror);
  }

  /**
   * Record a histogram observation. `key` is labelKey(values), passed in so callers compute it
   * once. `exemplar`: the (sampled) span it came from, kept by the histograms that link to traces.
   */
  observe(metric: HistogramKey, key: string, values: LabelValues, value: number, exemplar?: ExemplarContext, times = 1): void {
    const family = this.histograms.get(metric);
    if (family === undefined) return; // not emitted under these conventions
    family.observe(family.get(key, values), value, exemplar, times);
    this.mirror?.observe(metric, values, value, times);
  }

  add(metric: CounterKey, key: string, values: LabelValues, value: number): void {
    if (!(value > 0)) return;
    const family = this.counters.get(metric);
    if (family === undefined) return;
    family.add(family.get(key, values), value);
    this.mirror?.add(metric, values, value);
  }

  /** The series of a histogram for repeated records (see processor/label-set.ts); undefined when the family is full. */
  histogramSeries(metric: HistogramKey, key: string, values: LabelValues): HistogramSeries | undefined {
    return this.histograms.get(metric)?.find(key, values);
  }

  counterSeries(metric: CounterKey, key: string, values: LabelValues): ScalarSeries | undefined {
    return this.counters.get(metric)?.find(key, values);
  }

  /** True when `metric` is emitted under these conventions. */
  emits(metric: MetricKey): boolean {
    return this.histograms.has(metric as HistogramKey) || this.counters.has(metric as CounterKey);
  }

  /** Records into a series from histogramSeries(). Not mirrored: callers check `mirrored` first. */
  observeSeries(metric: HistogramKey, series: HistogramSeries, value: number, exemplar?: ExemplarContext, times = 1): void {
    this.histograms.get(metric)!.observe(series, value, exemplar, times);
  }

  addSeries(metric: CounterKey, series: ScalarSeries, value: number): void {
    if (value > 0) this.counters.get(metric)!.add(series, value);
  }

  /** True once records are also mirrored into OTel instruments. */
  get mirrored(): boolean {
    return this.mirror !== undefined;
  }

  /** Mirror every later record into OTel instruments, and report the self-metrics there too (OTLP push). */
  attachMirror(mirror: RecordMirror): void {
    this.mirror = mirror;
    mirror.observeSelfMetrics(this);
  }

  /** Records folded into overflow series so far, per Prometheus metric name. */
  overflow(): ReadonlyMap<string, number> {
    return this.overflowCounts;
  }

  /** The recorded families (not the self-metrics), in exposition order: what a cluster worker sends its primary. */
  families(): readonly Family<unknown>[] {
    return this.recorded;
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

  /**
   * The self-metrics as they stand: the one source of both the scrape (renderSelfMetrics) and
   * the OTLP push (otel-mirror.ts observes these points at each collection).
   */
  *selfMetricPoints(): Generator<SelfMetricPoint> {
    for (const family of this.recorded) {
      const values = [family.promName];
      yield { metric: 'seriesOverflow', values, value: this.overflowCounts.get(family.promName) ?? 0 };
      yield { metric: 'activeSeries', values, value: family.size };
    }
    yield { metric: 'seriesLimit', values: [], value: this.maxSeriesPerMetric };
    // Always present, so that rate() and alerts see a zero before the first error.
    yield { metric: 'internalErrors', values: [], value: 0 };
    for (const [component, count] of internalErrorCounts()) yield { metric: 'internalErrors', values: [component], value: count };
    yield { metric: 'providerDataRejected', values: [], value: 0 };
    for (const { field, reason, count } of rejectionCounts()) yield { metric: 'providerDataRejected', values: [field, reason], value: count };
    yield { metric: 'clusterWorkers', values: [], value: this.cluster.workers };
    yield { metric: 'clusterWorkerMisses', values: [], value: this.cluster.misses };
    yield { metric: 'buildInfo', values: [this.version], value: 1 };
  }

  private renderSelfMetrics(format: ExpositionFormat): string {
    const noOverflow = () => undefined;
    const families = new Map<SelfMetricKey, CounterFamily>(
      SELF_METRICS.map((key) => {
        const def = METRICS[key];
        return [key, def.kind === 'gauge' ? new GaugeFamily(def, Infinity, noOverflow) : new CounterFamily(def, Infinity, noOverflow)];
      }),
    );
    for (const point of this.selfMetricPoints()) families.get(point.metric)!.get(labelKey(point.values), point.values).value = point.value;
    let out = '';
    for (const family of families.values()) out += family.render(format);
    return out;
  }
}
