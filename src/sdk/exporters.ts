/**
 * Span and metric exporters chosen by OTEL_TRACES_EXPORTER / OTEL_METRICS_EXPORTER and the
 * OTLP protocol variables. Exporter packages, and the metrics SDK, are loaded only when
 * selected (start-up cost, docs/performance.md). Each exporter reads its own
 * OTEL_EXPORTER_OTLP_* endpoint, header and timeout variables.
 */
import type { MetricReader, PushMetricExporter } from '@opentelemetry/sdk-metrics';
// From sdk-trace-node, which re-exports them: the one copy of the trace SDK the provider uses.
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { MetricsExporter, TracesExporter } from '../config/env';
import { DetachedExporter, type DeliveryLedger } from '../lifecycle/delivery';
import { detachRetryTimers, detachedAgentFactory } from '../lifecycle/detached-export';

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

export function traceProcessorsFor(exporters: ReadonlySet<TracesExporter>, env: Env, problems: string[], ledger: DeliveryLedger): SpanProcessor[] {
  const processors: SpanProcessor[] = [];
  if (exporters.has('console')) processors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));
  if (exporters.has('otlp')) {
    const exporter = new DetachedExporter(otlpSpanExporter(protocol(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', problems)), (spans) => spans.length, MAX_QUEUED_SPANS, 'span-export');
    processors.push(ledger.trackSpans(new BatchSpanProcessor(exporter), exporter as DetachedExporter<unknown>));
  }
  return processors;
}

/** The batch processor's default queue (OTEL_BSP_MAX_QUEUE_SIZE) again: one more queue's worth at most. */
const MAX_QUEUED_SPANS = 2048;
/** Metric collections waiting for a collector that is down (cumulative: the newest carries the totals). */
const MAX_QUEUED_COLLECTIONS = 5;

// The HTTP exporters' sockets and retry timers must not keep a finished app alive (see
// lifecycle/detached-export.ts); the gRPC exporter is bounded by shutdown() alone.
const httpOptions = () => ({ httpAgentOptions: detachedAgentFactory() });

function detached<E extends object>(exporter: E): E {
  detachRetryTimers(exporter);
  return exporter;
}

function otlpSpanExporter(p: Protocol): SpanExporter {
  switch (p) {
    case 'grpc':
      return new (require('@opentelemetry/exporter-trace-otlp-grpc') as typeof import('@opentelemetry/exporter-trace-otlp-grpc')).OTLPTraceExporter();
    case 'http/json':
      return detached(new (require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter(httpOptions()));
    default:
      return detached(new (require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter(httpOptions()));
  }
}

/** Notes span ends for the ledger: what a push exporter has not seen yet. */
export function spanEndMarker(ledger: DeliveryLedger): SpanProcessor {
  return {
    onStart: () => undefined,
    onEnd: () => ledger.spanEnded(),
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}

/** The push exporter the metric reader sees: detached (see lifecycle/delivery.ts), temporality choices forwarded. */
function detachedMetricExporter(inner: PushMetricExporter, ledger: DeliveryLedger): PushMetricExporter {
  const detachedExporter = new DetachedExporter(inner, () => 1, MAX_QUEUED_COLLECTIONS, 'metric-export');
  ledger.trackMetrics(detachedExporter as DetachedExporter<unknown>);
  return {
    export: (metrics, done) => {
      ledger.collected();
      detachedExporter.export(metrics, done);
    },
    forceFlush: () => detachedExporter.forceFlush(),
    shutdown: () => detachedExporter.shutdown(),
    ...(inner.selectAggregationTemporality ? { selectAggregationTemporality: inner.selectAggregationTemporality.bind(inner) } : {}),
    ...(inner.selectAggregation ? { selectAggregation: inner.selectAggregation.bind(inner) } : {}),
  };
}

/** The push readers OTEL_METRICS_EXPORTER asks for (prometheus is served, not pushed). */
export function metricReadersFor(exporters: ReadonlySet<MetricsExporter>, env: Env, problems: string[], ledger: DeliveryLedger): MetricReader[] {
  const readers: MetricReader[] = [];
  if (exporters.has('otlp')) readers.push(periodicReader(detachedMetricExporter(otlpMetricExporter(env, problems), ledger), env, problems));
  if (exporters.has('console')) {
    const { ConsoleMetricExporter } = require('@opentelemetry/sdk-metrics') as typeof import('@opentelemetry/sdk-metrics');
    readers.push(periodicReader(new ConsoleMetricExporter(), env, problems));
  }
  return readers;
}

function otlpMetricExporter(env: Env, problems: string[]): PushMetricExporter {
  switch (protocol(env, 'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL', problems)) {
    case 'grpc':
      return new (require('@opentelemetry/exporter-metrics-otlp-grpc') as typeof import('@opentelemetry/exporter-metrics-otlp-grpc')).OTLPMetricExporter();
    case 'http/json':
      return detached(new (require('@opentelemetry/exporter-metrics-otlp-http') as typeof import('@opentelemetry/exporter-metrics-otlp-http')).OTLPMetricExporter(httpOptions()));
    default:
      return detached(new (require('@opentelemetry/exporter-metrics-otlp-proto') as typeof import('@opentelemetry/exporter-metrics-otlp-proto')).OTLPMetricExporter(httpOptions()));
  }
}

/** A periodic reader honouring OTEL_METRIC_EXPORT_INTERVAL / OTEL_METRIC_EXPORT_TIMEOUT (ms). */
function periodicReader(exporter: PushMetricExporter, env: Env, problems: string[]): MetricReader {
  const ms = (name: string, fallback: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (Number.isInteger(n) && n > 0) return n;
    problems.push(`${name}="${raw}" is not valid: use a whole number of milliseconds above 0 (using ${fallback}).`);
    return fallback;
  };
  const interval = ms('OTEL_METRIC_EXPORT_INTERVAL', 60_000);
  const { PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics') as typeof import('@opentelemetry/sdk-metrics');
  return new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: interval,
    exportTimeoutMillis: Math.min(ms('OTEL_METRIC_EXPORT_TIMEOUT', 30_000), interval),
  });
}
