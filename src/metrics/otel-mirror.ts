/**
 * Mirrors every record into OpenTelemetry instruments, for apps that push metrics over OTLP
 * (OTEL_METRICS_EXPORTER=otlp) instead of being scraped. Same names, units, buckets and
 * attributes as the catalog, so the Collector's Prometheus exporter produces the same series.
 * The self-metrics (series cap, internal errors, build info) are observable instruments, read
 * from the store at each collection, as a scrape reads them.
 */
import type { Attributes, Counter, Histogram, Meter, Observable } from '@opentelemetry/api';
import { isEmitted, METRICS, type MetricDefinition, type MetricKey } from './catalog';
import { runtimeSettings } from '../config/runtime';
import type { Conventions } from '../semconv/conventions';
import { SELF_METRICS, type GenAiMetrics, type SelfMetricKey } from './genai-metrics';
import type { LabelValues } from './series-store';

const IS_SELF_METRIC: ReadonlySet<MetricKey> = new Set<MetricKey>(SELF_METRICS);

export class OtelMirror {
  private readonly histograms = new Map<string, Histogram>();
  private readonly counters = new Map<string, Counter>();

  /** `conventions`: only the families emitted under them get instruments (as in the store). */
  constructor(
    private readonly meter: Meter,
    conventions: Conventions = runtimeSettings().conventions,
  ) {
    for (const key of Object.keys(METRICS) as MetricKey[]) {
      const def: MetricDefinition = METRICS[key];
      if (IS_SELF_METRIC.has(key) || !isEmitted(def, conventions)) continue;
      if (def.kind === 'histogram') {
        this.histograms.set(
          key,
          meter.createHistogram(def.name, {
            unit: def.unit,
            description: def.description,
            advice: { explicitBucketBoundaries: [...(def as { buckets: readonly number[] }).buckets] },
          }),
        );
      } else if (def.kind === 'counter') {
        this.counters.set(key, meter.createCounter(def.name, { unit: def.unit, description: def.description }));
      }
    }
  }

  observe(metric: MetricKey, values: LabelValues, value: number, times = 1): void {
    const histogram = this.histograms.get(metric);
    if (histogram === undefined) return;
    const attrs = attributes(metric, values);
    for (let i = 0; i < times; i++) histogram.record(value, attrs);
  }

  add(metric: MetricKey, values: LabelValues, value: number): void {
    this.counters.get(metric)?.add(value, attributes(metric, values));
  }

  /** Report `metrics`' self-metrics at every collection (GenAiMetrics.attachMirror calls this). */
  observeSelfMetrics(metrics: GenAiMetrics): void {
    const instruments = new Map<SelfMetricKey, Observable>();
    for (const key of SELF_METRICS) {
      const def = METRICS[key];
      const options = { unit: def.unit, description: def.description };
      instruments.set(key, def.kind === 'counter' ? this.meter.createObservableCounter(def.name, options) : this.meter.createObservableGauge(def.name, options));
    }
    this.meter.addBatchObservableCallback((result) => {
      for (const point of metrics.selfMetricPoints()) result.observe(instruments.get(point.metric)!, point.value, attributes(point.metric, point.values));
    }, [...instruments.values()]);
  }
}

function attributes(metric: MetricKey, values: LabelValues): Attributes {
  const names = METRICS[metric].labels;
  const out: Attributes = {};
  for (let i = 0; i < names.length; i++) if (values[i]) out[names[i]!] = values[i];
  return out;
}
