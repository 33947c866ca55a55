/**
 * Mirrors every record into OpenTelemetry instruments, for apps that push metrics over OTLP
 * (OTEL_METRICS_EXPORTER=otlp) instead of being scraped. Same names, units, buckets and
 * attributes as the catalog, so the Collector's Prometheus exporter produces the same series.
 */
import type { Counter, Histogram, Meter, Attributes } from '@opentelemetry/api';
import { METRICS, type MetricKey } from './catalog';
import type { LabelValues } from './series-store';

export class OtelMirror {
  private readonly histograms = new Map<string, Histogram>();
  private readonly counters = new Map<string, Counter>();

  constructor(meter: Meter) {
    for (const key of Object.keys(METRICS) as MetricKey[]) {
      const def = METRICS[key];
      if (def.kind === 'histogram') {
        this.histograms.set(
          key,
          meter.createHistogram(def.name, {
            unit: def.unit,
            description: def.description,
            advice: { explicitBucketBoundaries: [...(def as { buckets: readonly number[] }).buckets] },
          }),
        );
      } else if (def.kind === 'counter' && key !== 'seriesOverflow' && key !== 'internalErrors') {
        this.counters.set(key, meter.createCounter(def.name, { unit: def.unit, description: def.description }));
      }
    }
  }

  observe(metric: MetricKey, values: LabelValues, value: number): void {
    this.histograms.get(metric)?.record(value, attributes(metric, values));
  }

  add(metric: MetricKey, values: LabelValues, value: number): void {
    this.counters.get(metric)?.add(value, attributes(metric, values));
  }
}

function attributes(metric: MetricKey, values: LabelValues): Attributes {
  const names = METRICS[metric].labels;
  const out: Attributes = {};
  for (let i = 0; i < names.length; i++) if (values[i]) out[names[i]!] = values[i];
  return out;
}
