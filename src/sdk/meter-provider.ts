/**
 * The OpenTelemetry metrics SDK, loaded only when OTEL_METRICS_EXPORTER asks for a push
 * exporter (otlp, console): /metrics is served from aimeter's own store and needs none of it.
 */
import { metrics } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { MeterProvider, type MetricReader } from '@opentelemetry/sdk-metrics';
import { OtelMirror } from '../metrics/otel-mirror';

export interface MetricsPush {
  readonly mirror: OtelMirror;
  shutdown(): Promise<void>;
}

export function startMetricsPush(readers: readonly MetricReader[], resource: Resource, version: string): MetricsPush {
  const provider = new MeterProvider({ resource, readers: [...readers] });
  metrics.setGlobalMeterProvider(provider); // as NodeSDK did: the app's own OTel metrics go out too
  return {
    mirror: new OtelMirror(provider.getMeter('aimeter', version)),
    shutdown: () => provider.shutdown(),
  };
}
