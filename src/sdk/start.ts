/**
 * start(): the whole pipeline in one call (what `aimeter/register` runs): the OpenTelemetry
 * Node SDK with the HTTP and provider-SDK instrumentations, the GenAI metrics processor, the
 * /metrics endpoint, and the exporters chosen by the standard OTEL_* variables.
 */
import { metrics as otelMetrics } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { ConsoleMetricExporter, type MetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK, resources } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Registry } from 'prom-client';
import { createInstrumentations } from '../../instrumentations';
import { configFromEnv, type AimeterConfig } from '../config/env';
import { setRuntimeSettings } from '../config/runtime';
import { recordInternalError } from '../internal/errors';
import { warn } from '../internal/log';
import { packageVersion } from '../internal/package-info';
import { GenAiMetrics } from '../metrics/genai-metrics';
import { OtelMirror } from '../metrics/otel-mirror';
import { PromClientMetricProducer } from '../metrics/prom-client-bridge';
import { PriceBook } from '../prices/price-book';
import { GenAiMetricsProcessor } from '../processor/genai-metrics-processor';
import { createExposition } from '../server/exposition';
import { startMetricsServer, type MetricsServer } from '../server/metrics-server';
import { otlpMetricExporter, periodicReader, traceProcessorsFor } from './exporters';
import { GenAiRecordingSampler, samplerFromEnv } from './sampler';
import { warnAboutSdksLoadedEarly } from './late-load';

type Env = Readonly<Record<string, string | undefined>>;

export interface StartOptions {
  /** Environment to configure from (default process.env); options below override it. */
  readonly env?: Env;
  readonly serviceName?: string;
  /** Serve /metrics (default: when OTEL_METRICS_EXPORTER includes prometheus, its default). */
  readonly serveMetrics?: boolean;
  readonly metricsHost?: string;
  readonly metricsPort?: number;
  /** A price file merged over the bundled list (default AIMETER_PRICES). */
  readonly pricesFile?: string;
  readonly maxSeriesPerMetric?: number;
  readonly captureMessageContent?: boolean;
  /** Further instrumentations to register beside aimeter's. */
  readonly instrumentations?: readonly Instrumentation[];
  /** Further span processors (e.g. your own exporter's). */
  readonly spanProcessors?: readonly SpanProcessor[];
  /** prom-client registries whose metrics are appended to /metrics. */
  readonly registries?: readonly Registry[];
}

export interface Aimeter {
  readonly config: AimeterConfig;
  readonly processor: GenAiMetricsProcessor;
  readonly metrics: GenAiMetrics;
  /** The /metrics endpoint, when served. */
  readonly server: MetricsServer | undefined;
  /** The exposition text /metrics serves. */
  metricsText(): Promise<string>;
  shutdown(): Promise<void>;
}

const INSTANCE = Symbol.for('aimeter.instance');
type GlobalWithInstance = typeof globalThis & { [INSTANCE]?: Aimeter | null };

/** The running instance, if start() ran in this process. */
export function current(): Aimeter | undefined {
  return (globalThis as GlobalWithInstance)[INSTANCE] ?? undefined;
}

/**
 * Starts aimeter once per process (later calls return the running instance). Returns undefined
 * when disabled (OTEL_SDK_DISABLED=true) or when start-up failed; it never throws.
 */
export function start(options: StartOptions = {}): Aimeter | undefined {
  const existing = (globalThis as GlobalWithInstance)[INSTANCE];
  if (existing !== undefined) return existing ?? undefined;
  try {
    const instance = startOnce(options);
    (globalThis as GlobalWithInstance)[INSTANCE] = instance ?? null;
    return instance;
  } catch (error) {
    recordInternalError('start', error);
    warn(`aimeter: failed to start (${String(error)}); the application runs on without telemetry.`);
    (globalThis as GlobalWithInstance)[INSTANCE] = null;
    return undefined;
  }
}

function startOnce(options: StartOptions): Aimeter | undefined {
  const env = options.env ?? process.env;
  const parsed = configFromEnv(env);
  const fromEnv = parsed.config;
  const problems = [...parsed.problems];
  const config: AimeterConfig = {
    ...fromEnv,
    prometheusHost: options.metricsHost ?? fromEnv.prometheusHost,
    prometheusPort: options.metricsPort ?? fromEnv.prometheusPort,
    pricesFile: options.pricesFile ?? fromEnv.pricesFile,
    maxSeriesPerMetric: options.maxSeriesPerMetric ?? fromEnv.maxSeriesPerMetric,
    captureMessageContent: options.captureMessageContent ?? fromEnv.captureMessageContent,
  };
  if (config.disabled) return undefined;
  warnAboutSdksLoadedEarly();

  setRuntimeSettings({ captureMessageContent: config.captureMessageContent, openaiStreamUsage: config.openaiStreamUsage });
  const version = packageVersion();
  const metrics = new GenAiMetrics({ maxSeriesPerMetric: config.maxSeriesPerMetric, version });
  const prices = PriceBook.load({ userFile: config.pricesFile, onWarning: warn });
  // Exemplars link a histogram bucket to a trace: only where this process exports its spans.
  const exportsTraces = config.tracesExporters.size > 0 || (options.spanProcessors?.length ?? 0) > 0;
  const processor = new GenAiMetricsProcessor({ metrics, prices, exemplars: exportsTraces });

  const metricsText = createExposition(metrics, { registries: options.registries });
  // Pushed metrics carry every family of /metrics: the prom-client registries through a bridge.
  const pushed = () => [new PromClientMetricProducer(metricsText.registries)];
  const metricReaders: MetricReader[] = [];
  if (config.metricsExporters.has('otlp')) {
    metricReaders.push(periodicReader(otlpMetricExporter(env, problems), env, problems, pushed()));
  }
  if (config.metricsExporters.has('console')) {
    metricReaders.push(periodicReader(new ConsoleMetricExporter(), env, problems, pushed()));
  }

  const sdk = new NodeSDK({
    ...(options.serviceName ? { serviceName: options.serviceName } : {}),
    instrumentations: [new HttpInstrumentation(), ...createInstrumentations(config.disabledInstrumentations), ...(options.instrumentations ?? [])],
    spanProcessors: [processor, ...traceProcessorsFor(config.tracesExporters, env, problems), ...(options.spanProcessors ?? [])],
    sampler: new GenAiRecordingSampler(samplerFromEnv(env, problems)),
    metricReaders,
    // The SDK's default detectors plus service.instance.id, from which a Collector's Prometheus
    // exporter sets `instance` on pushed metrics; OTEL_NODE_RESOURCE_DETECTORS still decides.
    ...(env.OTEL_NODE_RESOURCE_DETECTORS?.trim()
      ? {}
      : { resourceDetectors: [resources.envDetector, resources.processDetector, resources.hostDetector, resources.serviceInstanceIdDetector] }),
    // Logs are not aimeter's business; without this the SDK would default to an OTLP log exporter.
    logRecordProcessors: [],
  });
  sdk.start();
  if (metricReaders.length > 0) metrics.attachMirror(new OtelMirror(otelMetrics.getMeter('aimeter', version)));

  for (const problem of problems) warn(`aimeter: ${problem}`);

  const serve = options.serveMetrics ?? config.metricsExporters.has('prometheus');
  const server = serve ? startMetricsServer({ host: config.prometheusHost, port: config.prometheusPort, render: metricsText }) : undefined;

  let stopped: Promise<void> | undefined;
  const shutdown = () =>
    (stopped ??= (async () => {
      process.off('beforeExit', shutdown);
      await server?.close();
      await sdk.shutdown().catch((error: unknown) => recordInternalError('shutdown', error));
      (globalThis as GlobalWithInstance)[INSTANCE] = undefined;
    })());
  // A script that simply runs to its end still gets its last spans and metrics exported.
  // (Signals stay the application's business: call shutdown() from your own handler.)
  process.once('beforeExit', shutdown);

  return { config, processor, metrics, server, metricsText, shutdown };
}
