/**
 * The prom-client registries of /metrics (Node process and runtime metrics, the app's own), for
 * the OTLP push: an OpenTelemetry MetricProducer (the SDK's hook for bridging another metrics
 * library) that hands each metric reader the registries' current values at every collection.
 *
 * Why a bridge, not OTel's runtime instrumentation: that one names its metrics differently
 * (`nodejs.eventloop.delay.*`, `v8js.memory.heap.*`), and the shipped dashboards and rules read
 * prom-client's names. Bridged, a Collector's Prometheus exporter yields exactly the names of
 * /metrics: each family goes out named so that the OTel-to-Prometheus rules (prometheus-names.ts)
 * give its name back (a counter without its `_total`, which the Collector appends; no unit, as
 * the name already ends in it).
 *
 * What cannot be bridged: summaries (the SDK's data model has none); prom-client's default
 * metrics have none.
 */
import { type Attributes, type HrTime, ValueType } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import {
  AggregationTemporality,
  type CollectionResult,
  DataPointType,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
// From resources, not sdk-node: sdk-node is only a devDependency, absent from an install of aimeter.
import { emptyResource } from '@opentelemetry/resources';
import type { Registry } from 'prom-client';
import { recordInternalError } from '../internal/errors';

type Family = Awaited<ReturnType<Registry['getMetricsAsJSON']>>[number];
type Value = Family['values'][number] & { metricName?: string };

const SCOPE = { name: 'aimeter.prom-client' };
const EMPTY_RESOURCE = emptyResource();

export class PromClientMetricProducer implements MetricProducer {
  /** Cumulative values count from the process start (prom-client's CPU counters do; its collectors start with it). */
  private readonly startTime = millisToHrTime(performance.timeOrigin);

  constructor(private readonly registries: readonly Registry[]) {}

  async collect(): Promise<CollectionResult> {
    const endTime = millisToHrTime(Date.now());
    const metrics: MetricData[] = [];
    const errors: unknown[] = [];
    for (const registry of this.registries) {
      try {
        for (const family of await registry.getMetricsAsJSON()) {
          const data = toMetricData(family, this.startTime, endTime);
          if (data !== undefined) metrics.push(data);
        }
      } catch (error) {
        recordInternalError('prom-client-bridge', error);
        errors.push(error);
      }
    }
    return {
      // MetricReader.collect keeps the SDK's own resource and takes only a producer's scope metrics.
      resourceMetrics: { resource: EMPTY_RESOURCE, scopeMetrics: [{ scope: SCOPE, metrics }] },
      errors,
    };
  }
}

function toMetricData(family: Family, startTime: HrTime, endTime: HrTime): MetricData | undefined {
  const values = family.values as Value[];
  if (values.length === 0) return undefined;
  const descriptor = (name: string) => ({ name, description: family.help, unit: '', valueType: ValueType.DOUBLE });
  const point = (v: Value) => ({ startTime, endTime, attributes: attributesOf(v.labels), value: v.value });
  // prom-client's typings declare a numeric enum; at run time `type` is the TYPE line's word.
  switch (String(family.type)) {
    case 'counter':
      return {
        descriptor: descriptor(family.name.replace(/_total$/, '')),
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.SUM,
        isMonotonic: true,
        dataPoints: values.map(point),
      };
    case 'gauge':
      return {
        descriptor: descriptor(family.name),
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.GAUGE,
        dataPoints: values.map(point),
      };
    case 'histogram':
      return {
        descriptor: descriptor(family.name),
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: histogramPoints(family.name, values, startTime, endTime),
      };
    default:
      return undefined;
  }
}

/**
 * prom-client's histogram values (cumulative `_bucket` counts by `le`, `_sum`, `_count`, all
 * with the series' labels) as OTel points (counts per bucket, explicit boundaries).
 */
function histogramPoints(name: string, values: readonly Value[], startTime: HrTime, endTime: HrTime) {
  const series = new Map<string, { labels: Value['labels']; buckets: [number, number][]; sum: number; count: number }>();
  for (const v of values) {
    const { le, ...labels } = v.labels as Record<string, string | number>;
    const key = JSON.stringify(Object.entries(labels).sort());
    let s = series.get(key);
    if (s === undefined) series.set(key, (s = { labels, buckets: [], sum: 0, count: 0 }));
    if (v.metricName === `${name}_bucket` && le !== undefined) s.buckets.push([le === '+Inf' ? Infinity : Number(le), v.value]);
    else if (v.metricName === `${name}_sum`) s.sum = v.value;
    else if (v.metricName === `${name}_count`) s.count = v.value;
  }
  return [...series.values()].map((s) => {
    const cumulative = s.buckets.sort((a, b) => a[0] - b[0]).filter(([bound]) => bound !== Infinity);
    const counts = cumulative.map(([, c], i) => c - (i === 0 ? 0 : cumulative[i - 1]![1]));
    counts.push(s.count - (cumulative.at(-1)?.[1] ?? 0));
    return {
      startTime,
      endTime,
      attributes: attributesOf(s.labels),
      value: { buckets: { boundaries: cumulative.map(([bound]) => bound), counts }, sum: s.sum, count: s.count },
    };
  });
}

function attributesOf(labels: Value['labels']): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(labels)) if (value !== undefined) out[key] = String(value);
  return out;
}
