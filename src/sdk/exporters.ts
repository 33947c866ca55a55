/**
 * Span and metric exporters chosen by OTEL_TRACES_EXPORTER / OTEL_METRICS_EXPORTER and the
 * OTLP protocol variables. Exporter packages are loaded only when selected. Each exporter
 * reads its own OTEL_EXPORTER_OTLP_* endpoint, header and timeout variables.
 */
import { type MetricProducer, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { TracesExporter } from '../config/env';

type Env = Readonly<Record<string, string | undefined>>;
type Protocol = 'http/protobuf' | 'http/json' | 'grpc';
const PROTOCOLS: readonly Protocol[] = ['http/protobuf', 'http/json', 'grpc'];

function protocol(env: Env, signalVariable: string, problems: string[]): Protocol {
  const name = env[signalVariable]?.trim() ? signalVariable : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const raw = env[name]?.trim() || 'http/protobuf';
  if ((PROTOCOLS as readonly string[]).includes(raw)) return raw as Protocol;
  problems.push(`${name}="${raw}" is not valid: use one of ${PROTOCOLS.join(', ')} (using http/protobuf).`);
  return 'http/protobuf';
}

export function traceProcessorsFor(exporters: ReadonlySet<TracesExporter>, env: Env, problems: string[]): SpanProcessor[] {
  const processors: SpanProcessor[] = [];
  if (exporters.has('console')) processors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));
  if (exporters.has('otlp')) processors.push(new BatchSpanProcessor(otlpSpanExporter(protocol(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', problems))));
  return processors;
}

function otlpSpanExporter(p: Protocol): SpanExporter {
  switch (p) {
    case 'grpc':
      return new (require('@opentelemetry/exporter-trace-otlp-grpc') as typeof import('@opentelemetry/exporter-trace-otlp-grpc')).OTLPTraceExporter();
    case 'http/json':
      return new (require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter();
    default:
      return new (require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter();
  }
}

export function otlpMetricExporter(env: Env, problems: string[]): PushMetricExporter {
  switch (protocol(env, 'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL', problems)) {
    case 'grpc':
      return new (require('@opentelemetry/exporter-metrics-otlp-grpc') as typeof import('@opentelemetry/exporter-metrics-otlp-grpc')).OTLPMetricExporter();
    case 'http/json':
      return new (require('@opentelemetry/exporter-metrics-otlp-http') as typeof import('@opentelemetry/exporter-metrics-otlp-http')).OTLPMetricExporter();
    default:
      return new (require('@opentelemetry/exporter-metrics-otlp-proto') as typeof import('@opentelemetry/exporter-metrics-otlp-proto')).OTLPMetricExporter();
  }
}

/**
 * A periodic reader honouring OTEL_METRIC_EXPORT_INTERVAL / OTEL_METRIC_EXPORT_TIMEOUT (ms);
 * `metricProducers` add metrics from outside the SDK (the prom-client bridge).
 */
export function periodicReader(
  exporter: PushMetricExporter,
  env: Env,
  problems: string[],
  metricProducers: MetricProducer[] = [],
): PeriodicExportingMetricReader {
  const ms = (name: string, fallback: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (Number.isInteger(n) && n > 0) return n;
    problems.push(`${name}="${raw}" is not valid: use a whole number of milliseconds above 0 (using ${fallback}).`);
    return fallback;
  };
  const interval = ms('OTEL_METRIC_EXPORT_INTERVAL', 60_000);
  return new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: interval,
    exportTimeoutMillis: Math.min(ms('OTEL_METRIC_EXPORT_TIMEOUT', 30_000), interval),
    metricProducers,
  });
}
