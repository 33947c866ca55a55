/**
 * Span and metric exporters chosen by OTEL_TRACES_EXPORTER / OTEL_METRICS_EXPORTER and the
 * OTLP protocol variables, as parsed by src/config/env.ts. Exporter packages are loaded only when
 * selected. The endpoint URL comes from the parsed config; headers, timeout and TLS variables are
 * read by each exporter itself.
 */
import { PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { AimeterConfig, OtlpSignalConfig, TracesExporter } from '../config/env';

export function traceProcessorsFor(exporters: ReadonlySet<TracesExporter>, otlp: OtlpSignalConfig): SpanProcessor[] {
  const processors: SpanProcessor[] = [];
  if (exporters.has('console')) processors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));
  if (exporters.has('otlp')) processors.push(new BatchSpanProcessor(otlpSpanExporter(otlp)));
  return processors;
}

function otlpSpanExporter({ protocol, url }: OtlpSignalConfig): SpanExporter {
  switch (protocol) {
    case 'grpc':
      return new (require('@opentelemetry/exporter-trace-otlp-grpc') as typeof import('@opentelemetry/exporter-trace-otlp-grpc')).OTLPTraceExporter({ url });
    case 'http/json':
      return new (require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({ url });
    default:
      return new (require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter({ url });
  }
}

export function otlpMetricExporter({ protocol, url }: OtlpSignalConfig): PushMetricExporter {
  switch (protocol) {
    case 'grpc':
      return new (require('@opentelemetry/exporter-metrics-otlp-grpc') as typeof import('@opentelemetry/exporter-metrics-otlp-grpc')).OTLPMetricExporter({ url });
    case 'http/json':
      return new (require('@opentelemetry/exporter-metrics-otlp-http') as typeof import('@opentelemetry/exporter-metrics-otlp-http')).OTLPMetricExporter({ url });
    default:
      return new (require('@opentelemetry/exporter-metrics-otlp-proto') as typeof import('@opentelemetry/exporter-metrics-otlp-proto')).OTLPMetricExporter({ url });
  }
}

/** A periodic reader honouring OTEL_METRIC_EXPORT_INTERVAL / OTEL_METRIC_EXPORT_TIMEOUT (ms). */
export function periodicReader(
  exporter: PushMetricExporter,
  config: Pick<AimeterConfig, 'metricExportIntervalMs' | 'metricExportTimeoutMs'>,
): PeriodicExportingMetricReader {
  return new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: config.metricExportIntervalMs,
    exportTimeoutMillis: config.metricExportTimeoutMs,
  });
}
