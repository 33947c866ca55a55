/**
 * Span and metric exporters chosen by OTEL_TRACES_EXPORTER / OTEL_METRICS_EXPORTER and the
 * OTLP protocol variables, as parsed by src/config/env.ts. Exporter packages, and the metrics
 * SDK, are loaded only when selected (start-up cost, docs/performance.md). The endpoint URL
 * comes from the parsed config; headers, timeout and TLS variables are read by each exporter.
 * Every OTLP exporter is detached from the event loop (lifecycle/delivery.ts): an export never
 * keeps a finished app alive. The gRPC exporters are optional peer dependencies (optional-peer.ts):
 * when one is selected but not installed, that signal is not exported and one warning names the
 * package to install; the app runs on.
 */
import type { MetricProducer, MetricReader, PushMetricExporter } from '@opentelemetry/sdk-metrics';
// From sdk-trace, the one copy of the trace SDK the provider (tracer-provider.ts) and the OTLP
// exporters' transformer use.
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace';
import type { AimeterConfig, BatchSpanProcessorConfig, OtlpSignalConfig, TracesExporter } from '../config/env';
import { DetachedExporter, type DeliveryLedger } from '../lifecycle/delivery';
import { detachRetryTimers, detachedAgentFactory } from '../lifecycle/detached-export';
import { warn } from '../internal/log';
import { MissingPeerDependencyError, requireOptionalPeer } from './optional-peer';

export function traceProcessorsFor(
  exporters: ReadonlySet<TracesExporter>,
  otlp: OtlpSignalConfig,
  ledger: DeliveryLedger,
  batch: BatchSpanProcessorConfig,
): SpanProcessor[] {
  const processors: SpanProcessor[] = [];
  if (exporters.has('console')) processors.push(new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() }));
  const inner = exporters.has('otlp') ? unlessPeerMissing(() => otlpSpanExporter(otlp)) : undefined;
  if (inner) {
    // The detached queue holds one more batch processor queue's worth at most.
    const exporter = new DetachedExporter(inner, (spans) => spans.length, batch.maxQueueSize, 'span-export');
    processors.push(ledger.trackSpans(new BatchSpanProcessor({ exporter, ...batch }), exporter as DetachedExporter<unknown>));
  }
  return processors;
}

/** Metric collections waiting for a collector that is down (cumulative: the newest carries the totals). */
const MAX_QUEUED_COLLECTIONS = 5;

// The HTTP exporters' sockets and retry timers must not keep a finished app alive (see
// lifecycle/detached-export.ts); the gRPC exporter is bounded by shutdown() alone.
const httpOptions = (url: string | undefined) => ({ url, httpAgentOptions: detachedAgentFactory() });

function detached<E extends object>(exporter: E): E {
  detachRetryTimers(exporter);
  return exporter;
}

/** An exporter whose optional peer is missing: undefined and one warning (never a throw into the app). */
function unlessPeerMissing<E>(create: () => E): E | undefined {
  try {
    return create();
  } catch (error) {
    if (!(error instanceof MissingPeerDependencyError)) throw error;
    warn(`${error.message} (until then, this signal is not exported)`);
    return undefined;
  }
}

const GRPC = 'OTEL_EXPORTER_OTLP_PROTOCOL=grpc';

function otlpSpanExporter({ protocol, url }: OtlpSignalConfig): SpanExporter {
  switch (protocol) {
    case 'grpc': {
      const grpc = requireOptionalPeer('@opentelemetry/exporter-trace-otlp-grpc', GRPC, () => require('@opentelemetry/exporter-trace-otlp-grpc') as typeof import('@opentelemetry/exporter-trace-otlp-grpc'));
      return new grpc.OTLPTraceExporter({ url });
    }
    case 'http/json':
      return detached(new (require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter(httpOptions(url)));
    default:
      return detached(new (require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter(httpOptions(url)));
  }
}

function otlpMetricExporter({ protocol, url }: OtlpSignalConfig): PushMetricExporter {
  switch (protocol) {
    case 'grpc': {
      const grpc = requireOptionalPeer('@opentelemetry/exporter-metrics-otlp-grpc', GRPC, () => require('@opentelemetry/exporter-metrics-otlp-grpc') as typeof import('@opentelemetry/exporter-metrics-otlp-grpc'));
      return new grpc.OTLPMetricExporter({ url });
    }
    case 'http/json':
      return detached(new (require('@opentelemetry/exporter-metrics-otlp-http') as typeof import('@opentelemetry/exporter-metrics-otlp-http')).OTLPMetricExporter(httpOptions(url)));
    default:
      return detached(new (require('@opentelemetry/exporter-metrics-otlp-proto') as typeof import('@opentelemetry/exporter-metrics-otlp-proto')).OTLPMetricExporter(httpOptions(url)));
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

type ReaderConfig = Pick<AimeterConfig, 'metricsExporters' | 'otlpMetrics' | 'metricExportIntervalMs' | 'metricExportTimeoutMs'>;

/**
 * The push readers OTEL_METRICS_EXPORTER asks for (prometheus is served, not pushed).
 * `producers` add metrics from outside the SDK (the prom-client bridge), one set per reader.
 */
export function metricReadersFor(config: ReaderConfig, ledger: DeliveryLedger, producers: () => MetricProducer[] = () => []): MetricReader[] {
  const readers: MetricReader[] = [];
  const otlp = config.metricsExporters.has('otlp') ? unlessPeerMissing(() => otlpMetricExporter(config.otlpMetrics)) : undefined;
  if (otlp) readers.push(periodicReader(detachedMetricExporter(otlp, ledger), config, producers()));
  if (config.metricsExporters.has('console')) {
    const { ConsoleMetricExporter } = require('@opentelemetry/sdk-metrics') as typeof import('@opentelemetry/sdk-metrics');
    readers.push(periodicReader(new ConsoleMetricExporter(), config, producers()));
  }
  return readers;
}

/** A periodic reader honouring OTEL_METRIC_EXPORT_INTERVAL / OTEL_METRIC_EXPORT_TIMEOUT (ms). */
function periodicReader(exporter: PushMetricExporter, config: ReaderConfig, metricProducers: MetricProducer[]): MetricReader {
  const { PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics') as typeof import('@opentelemetry/sdk-metrics');
  return new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: config.metricExportIntervalMs,
    exportTimeoutMillis: config.metricExportTimeoutMs,
    metricProducers,
  });
}
