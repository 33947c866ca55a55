/**
 * start(): the whole pipeline in one call (what `aimeter/register` runs): the HTTP and
 * provider-SDK instrumentations, a lean OpenTelemetry tracer provider, the GenAI metrics
 * processor, the /metrics endpoint, and the exporters chosen by the standard OTEL_* variables.
 *
 * The ORDER matters (issue 16): a require hook patches only modules loaded after it, so
 * whatever loads `http`/`https` (exporters, prom-client, the server) is required inside
 * startOnce() after the instrumentations are constructed; this module's own imports are types
 * and configuration only. Nothing that is not configured is loaded (issue
 * 10, start-up).
 */
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import type { Registry } from 'prom-client';
import { configFromEnv, type AimeterConfig } from '../config/env';
import { recordInternalError } from '../internal/errors';
import { warn } from '../internal/log';
import type { GenAiMetrics } from '../metrics/genai-metrics';
import type { GenAiMetricsProcessor } from '../processor/genai-metrics-processor';
import type { MetricsServer } from '../server/metrics-server';
import type { ShutdownOutcome } from '../lifecycle/shutdown';

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
 * Flushes the last spans and metric pushes (bounded by AIMETER_SHUTDOWN_TIMEOUT) and stops
 * aimeter. The one call a preload user adds before their own process.exit(): it finds the
 * instance the preload started. Never rejects; a no-op when aimeter is not running.
 */
export async function shutdown(): Promise<void> {
  await current()?.shutdown();
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

/** POST /api/kpi/events beside /metrics, when AIMETER_EVENTS_TOKEN is set (docs/quality.md). */
function kpiEventsFrom(config: AimeterConfig, metrics: GenAiMetrics): MetricsServerOptionsKpi {
  const events = config.events;
  if (events.token === undefined) return undefined;
  const { createKpiEventsHandler } = require('../quality/kpi-events') as typeof import('../quality/kpi-events');
  return createKpiEventsHandler({
    token: events.token,
    metrics,
    allow: {
      ...(events.evaluations && { evaluations: events.evaluations }),
      ...(events.caches && { caches: events.caches }),
      ...(events.conversions && { conversions: events.conversions }),
    },
    rateLimitPerMinute: events.rateLimitPerMinute,
    maxBodyBytes: events.maxBodyBytes,
    dedupeWindowMs: events.dedupeWindowMs,
  });
}
type MetricsServerOptionsKpi = import('../server/metrics-server').MetricsServerOptions['kpiEvents'];

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
  // Cluster primary or worker, PM2 instance, worker thread: what this process serves, pushes and sends.
  const { placeProcess } = require('../processes') as typeof import('../processes');
  const placement = placeProcess(config);
  const { warnAboutSdksLoadedEarly } = require('./late-load') as typeof import('./late-load');
  warnAboutSdksLoadedEarly();

  // 1. The parts that load nothing an instrumentation patches (no http, https, SDKs, undici),
  //    before the hooks: a module loaded after them pays the require hook's look-up too.
  const { setRuntimeSettings } = require('../config/runtime') as typeof import('../config/runtime');
  const { packageVersion } = require('../internal/package-info') as typeof import('../internal/package-info');
  const { GenAiMetrics } = require('../metrics/genai-metrics') as typeof import('../metrics/genai-metrics');
  const { PriceBook } = require('../prices/price-book') as typeof import('../prices/price-book');
  const { GenAiMetricsProcessor } = require('../processor/genai-metrics-processor') as typeof import('../processor/genai-metrics-processor');
  const { createResource } = require('./resource') as typeof import('./resource');
  const { GenAiRecordingSampler, samplerFrom } = require('./sampler') as typeof import('./sampler');
  const { startTracing } = require('./tracer-provider') as typeof import('./tracer-provider');

  // 2. The hooks.
  const { installInstrumentations } = require('./instrumentations') as typeof import('./instrumentations');
  const instrumentations = installInstrumentations(config.disabledInstrumentations, options.instrumentations, config);

  // 3. What loads http/https (exporters, prom-client, the server): only after the hooks.
  const { metricReadersFor, spanEndMarker, traceProcessorsFor } = require('./exporters') as typeof import('./exporters');

  setRuntimeSettings({
    captureMessageContent: config.captureMessageContent,
    openaiStreamUsage: config.openaiStreamUsage,
    conventions: config.genAiConventions,
  });
  const version = packageVersion();
  const metrics = new GenAiMetrics({ maxSeriesPerMetric: config.maxSeriesPerMetric, version, conventions: config.genAiConventions });
  const prices = PriceBook.load({ userFile: config.pricesFile, onWarning: warn });
  // Exemplars link a histogram bucket to a trace: only where this process exports its spans.
  const exportsTraces = config.tracesExporters.size > 0 || (options.spanProcessors?.length ?? 0) > 0;
  const processor = new GenAiMetricsProcessor({ metrics, prices, exemplars: exportsTraces, outcomes: { config } });
  const resource = createResource(options.serviceName);

  const { DeliveryLedger } = require('../lifecycle/delivery') as typeof import('../lifecycle/delivery');
  const ledger = new DeliveryLedger();
  const tracing = startTracing({
    resource,
    sampler: new GenAiRecordingSampler(samplerFrom(config)),
    spanLimits: config.spanLimits,
    spanProcessors: [
      processor,
      ...(config.metricsExporters.has('otlp') ? [spanEndMarker(ledger)] : []),
      ...traceProcessorsFor(config.tracesExporters, config.otlpTraces, ledger, config.batchSpanProcessor),
      ...(options.spanProcessors ?? []),
    ],
    instrumentations,
  });
  const { createExposition } = require('../server/exposition') as typeof import('../server/exposition');
  const links = placement.connect(metrics);
  const metricsText = createExposition(metrics, { registries: options.registries, source: links.source });
  // Pushed metrics carry every family of /metrics: the prom-client registries through a bridge
  // (loaded, with prom-client, only for push exporters).
  const pushedProducers = () => {
    const { PromClientMetricProducer } = require('../metrics/prom-client-bridge') as typeof import('../metrics/prom-client-bridge');
    return [new PromClientMetricProducer(metricsText.registries)];
  };
  const metricReaders = placement.pushesMetrics ? metricReadersFor(config, ledger, pushedProducers) : [];
  let push: { shutdown(): Promise<void> } | undefined;
  if (metricReaders.length > 0) {
    const { startMetricsPush } = require('./meter-provider') as typeof import('./meter-provider');
    const started = startMetricsPush(metricReaders, resource, version);
    metrics.attachMirror(started.mirror);
    push = started;
  }

  for (const problem of problems) warn(`aimeter: ${problem}`);

  const serve = (options.serveMetrics ?? config.metricsExporters.has('prometheus')) && placement.serves;
  let server: MetricsServer | undefined;
  if (serve) {
    const { startMetricsServer } = require('../server/metrics-server') as typeof import('../server/metrics-server');
    server = startMetricsServer({ host: config.prometheusHost, port: placement.port, render: metricsText, kpiEvents: kpiEventsFrom(config, metrics) });
  }

  const { boundedShutdown } = require('../lifecycle/shutdown') as typeof import('../lifecycle/shutdown');
  const { installExitHooks } = require('../lifecycle/exit-hooks') as typeof import('../lifecycle/exit-hooks');
  let stopped: Promise<ShutdownOutcome> | undefined;
  let done = false;
  const flush = () =>
    (stopped ??= (async () => {
      hooks.uninstall();
      const outcome = await boundedShutdown(
        [
          { what: 'the /metrics endpoint', run: async () => void (links.close(), await server?.close()) },
          {
            what: 'the last spans and metrics to the configured exporters',
            run: async () => void (await Promise.all([tracing.shutdown(), push?.shutdown()])),
            detail: () => {
              const failures = ledger.failures();
              return failures && `last error: ${failures}`;
            },
          },
        ],
        config.shutdownTimeoutMs,
        () => ledger.abandon(),
      );
      done = true;
      (globalThis as GlobalWithInstance)[INSTANCE] = undefined;
      return outcome;
    })());
  const shutdown = async (): Promise<void> => void (await flush());
  // The exits aimeter can see coming flush on their own (a script that runs to its end, a
  // SIGTERM/SIGINT the app does not handle); see lifecycle/exit-hooks.ts for the others.
  const hooks = installExitHooks(flush, () => ledger.describe(), () => done);

  return { config, processor, metrics, server, metricsText, shutdown };
}
