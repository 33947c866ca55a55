/**
 * Configuration from the environment, parsed and validated in ONE place: the standard OTEL_*
 * variables where one exists, AIMETER_* for the rest (README "Configuration"). Invalid values
 * never stop the application: each yields ONE problem message naming the variable, the value,
 * the accepted values and the default that applies (rules: ./reader.ts). Everything else in
 * aimeter consumes the parsed object: nothing outside src/config/ reads process.env.
 */
import { EnvReader, type Env } from './reader';
import { DEFAULT_CONVENTIONS, OPT_IN_BOTH, OPT_IN_LATEST, type Conventions } from '../semconv/conventions';
import { printable } from '../internal/text';

export type { Env } from './reader';
export type MetricsExporter = 'prometheus' | 'otlp' | 'console';
export type TracesExporter = 'otlp' | 'console';
export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';
export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

/** Short names accepted by OTEL_NODE_DISABLED_INSTRUMENTATIONS (instrumentations/index.ts registers them). */
export const INSTRUMENTATION_NAMES = ['openai', 'anthropic', 'deepgram', 'elevenlabs', 'google-genai', 'bedrock', 'vercel-ai', 'langchain', 'openai-agents'] as const;
/**
 * OpenTelemetry's short name for @opentelemetry/instrumentation-http (its package name without
 * the `@opentelemetry/instrumentation-` prefix, as NodeSDK's OTEL_NODE_DISABLED_INSTRUMENTATIONS
 * takes it): no HTTP client or server spans, and so no trace context sent on outgoing requests.
 */
export const HTTP_INSTRUMENTATION_NAME = 'http';
const DISABLEABLE_INSTRUMENTATIONS = [HTTP_INSTRUMENTATION_NAME, ...INSTRUMENTATION_NAMES] as const;

const PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json', 'grpc'];
const SAMPLERS: readonly SamplerName[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];
/** setInterval/setTimeout take at most 2^31 - 1 ms. */
const MAX_TIMER_MS = 2_147_483_647;

/** Where one OTLP signal goes. */
export interface OtlpSignalConfig {
  /** OTEL_EXPORTER_OTLP_<SIGNAL>_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL (default http/protobuf). */
  readonly protocol: OtlpProtocol;
  /**
   * The full URL the exporter sends to: OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT as given, else
   * OTEL_EXPORTER_OTLP_ENDPOINT (+ /v1/<signal> for the http protocols), else the OTel default
   * (http://localhost:4318/v1/<signal>; grpc: http://localhost:4317). An invalid URL is reported
   * and skipped: the next in that order applies.
   */
  readonly url: string;
}

export interface AimeterConfig {
  /** OTEL_SDK_DISABLED=true turns aimeter off entirely. */
  readonly disabled: boolean;
  /** OTEL_METRICS_EXPORTER (default prometheus: the /metrics endpoint). */
  readonly metricsExporters: ReadonlySet<MetricsExporter>;
  /** OTEL_TRACES_EXPORTER (default: none, or otlp when an OTLP endpoint is configured). */
  readonly tracesExporters: ReadonlySet<TracesExporter>;
  /** OTEL_EXPORTER_PROMETHEUS_HOST (default 0.0.0.0). */
  readonly prometheusHost: string;
  /** OTEL_EXPORTER_PROMETHEUS_PORT (default 9464). */
  readonly prometheusPort: number;
  /** OTEL_METRIC_EXPORT_INTERVAL / OTEL_METRIC_EXPORT_TIMEOUT in ms (defaults 60000 / 30000). */
  readonly metricExportIntervalMs: number;
  readonly metricExportTimeoutMs: number;
  readonly otlpTraces: OtlpSignalConfig;
  readonly otlpMetrics: OtlpSignalConfig;
  /** OTEL_BSP_*: the batch span processor of the OTLP trace export (the SDK's defaults). */
  readonly batchSpanProcessor: BatchSpanProcessorConfig;
  /** OTEL_SPAN_* / OTEL_ATTRIBUTE_* limits (defaults the SDK's: 128 each, no value length limit). */
  readonly spanLimits: SpanLimitsConfig;
  /** OTEL_TRACES_SAMPLER (default parentbased_always_on) and its ratio OTEL_TRACES_SAMPLER_ARG (default 1). */
  readonly sampler: SamplerName;
  readonly samplerRatio: number;
  /** OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT (default false). */
  readonly captureMessageContent: boolean;
  /** AIMETER_PRICES: a price file merged over the bundled list. */
  readonly pricesFile: string | undefined;
  /** AIMETER_MAX_SERIES_PER_METRIC (default 2000). */
  readonly maxSeriesPerMetric: number;
  /** AIMETER_OPENAI_STREAM_USAGE=true: ask OpenAI streams for usage (stream_options.include_usage). */
  readonly openaiStreamUsage: boolean;
  /** OTEL_INSTRUMENTATION_GENAI_PROPAGATE_TRACE_CONTEXT=true: send trace context to AI provider hosts too (default false). */
  readonly propagateTraceContextToGenAi: boolean;
  /** OTEL_NODE_DISABLED_INSTRUMENTATIONS: comma list of instrumentation short names to skip (`http` and INSTRUMENTATION_NAMES). */
  readonly disabledInstrumentations: ReadonlySet<string>;
  /** AIMETER_SHUTDOWN_TIMEOUT (ms, default 1000): how long shutdown waits for the last exports. */
  readonly shutdownTimeoutMs: number;
  /** The KPI events endpoint (docs/quality.md): on when AIMETER_EVENTS_TOKEN is set. */
  readonly events: EventsConfig;
  /** AIMETER_REQUEST_SUMMARY=true: print one line per request (src/outcomes/summary-line.ts). */
  readonly requestSummary: boolean;
  /** AIMETER_OUTCOMES: outcome names allowed beside the built-in ones (lower-case words). */
  readonly extraOutcomes: readonly string[];
  /** AIMETER_CONVERSATION_IDLE_TIMEOUT (seconds, default 1800; 0: never): a quiet conversation then ends as idle. */
  readonly conversationIdleTimeoutSeconds: number;
  /** AIMETER_VARIANT: the variant label of every call of this deployment (e.g. canary); '' for none. */
  readonly variant: string;
  /**
   * OTEL_SEMCONV_STABILITY_OPT_IN: the GenAI conventions emitted (src/semconv/conventions.ts):
   * `gen_ai_latest_experimental` the newest, `gen_ai_latest_experimental/dup` both, else v1.41.
   */
  readonly genAiConventions: Conventions;
  /** AIMETER_CLUSTER_COLLECT_TIMEOUT_MS (default 1000): how long a cluster primary's scrape waits for its workers' series. */
  readonly clusterCollectTimeoutMs: number;
  /** What process managers set in a process's environment (src/processes/role.ts reads it). */
  readonly processHints: ProcessHints;
}

/**
 * Variables that the process managers set, not the user: read as given, never warned about.
 */
export interface ProcessHints {
  /**
   * PM2 runs this process (pm_id or pm2_env is set): its instance number, 0 when absent. In
   * cluster mode PM2 passes the app's variables as the JSON `pm2_env` and copies them into
   * process.env only after the preload has run, so the number is read from there too.
   */
  readonly pm2Instance: number | undefined;
  /** npm_execpath: the package manager CLI that started this process or one of its parents. */
  readonly packageManagerExecpath: string | undefined;
}

export interface EventsConfig {
  /** AIMETER_EVENTS_TOKEN: the bearer token of POST /api/kpi/events (at least 16 characters); unset = endpoint off. */
  readonly token: string | undefined;
  /** AIMETER_EVENTS_EVALUATIONS, _CACHES, _CONVERSIONS: allow-lists replacing the defaults (comma lists of names). */
  readonly evaluations: readonly string[] | undefined;
  readonly caches: readonly string[] | undefined;
  readonly conversions: readonly string[] | undefined;
  /** AIMETER_EVENTS_RATE_LIMIT: requests per minute per client address (default 600). */
  readonly rateLimitPerMinute: number;
  /** AIMETER_EVENTS_MAX_BYTES: largest body accepted (default 65536). */
  readonly maxBodyBytes: number;
  /** AIMETER_EVENTS_DEDUPE_WINDOW: seconds an event id is remembered (default 86400). */
  readonly dedupeWindowMs: number;
}

export interface BatchSpanProcessorConfig {
  readonly scheduledDelayMillis: number;
  readonly exportTimeoutMillis: number;
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
}

export interface SpanLimitsConfig {
  readonly attributeCountLimit: number;
  readonly attributeValueLengthLimit: number;
  readonly eventCountLimit: number;
  readonly linkCountLimit: number;
  readonly attributePerEventCountLimit: number;
  readonly attributePerLinkCountLimit: number;
}

/**
 * Read here, not by the SDK: `@opentelemetry/sdk-trace` (the trace SDK of OTel JS 2.12+ and 3.x,
 * src/sdk/tracer-provider.ts) takes them as options only; sdk-trace-base's shims used to read them.
 */
function batchSpanProcessorFrom(p: EnvReader): BatchSpanProcessorConfig {
  const maxQueueSize = p.int('OTEL_BSP_MAX_QUEUE_SIZE', 2048, 1, 1_000_000);
  return {
    scheduledDelayMillis: p.int('OTEL_BSP_SCHEDULE_DELAY', 5000, 0, MAX_TIMER_MS, ' of milliseconds'),
    exportTimeoutMillis: p.int('OTEL_BSP_EXPORT_TIMEOUT', 30_000, 1, MAX_TIMER_MS, ' of milliseconds'),
    maxQueueSize,
    // The SDK requires a batch no larger than the queue.
    maxExportBatchSize: Math.min(p.int('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512, 1, 1_000_000), maxQueueSize),
  };
}

function spanLimitsFrom(p: EnvReader): SpanLimitsConfig {
  const count = (name: string, fallback = 128): number => p.int(name, fallback, 0, Number.MAX_SAFE_INTEGER);
  return {
    // The span-specific variable wins over the general OTEL_ATTRIBUTE_* one (the spec's order).
    attributeCountLimit: count('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', count('OTEL_ATTRIBUTE_COUNT_LIMIT')),
    attributeValueLengthLimit: count('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', count('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', Infinity)),
    eventCountLimit: count('OTEL_SPAN_EVENT_COUNT_LIMIT'),
    linkCountLimit: count('OTEL_SPAN_LINK_COUNT_LIMIT'),
    attributePerEventCountLimit: count('OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT'),
    attributePerLinkCountLimit: count('OTEL_SPAN_ATTRIBUTE_PER_LINK_COUNT_LIMIT'),
  };
}

export interface ParsedConfig {
  readonly config: AimeterConfig;
  /** One message per invalid variable. */
  readonly problems: readonly string[];
}

export function configFromEnv(env: Env = process.env): ParsedConfig {
  const p = new EnvReader(env);
  const otlpEndpointSet = p.raw('OTEL_EXPORTER_OTLP_ENDPOINT') !== undefined || p.raw('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') !== undefined;
  const interval = p.int('OTEL_METRIC_EXPORT_INTERVAL', 60_000, 1, MAX_TIMER_MS, ' of milliseconds');
  const sampler = p.oneOf('OTEL_TRACES_SAMPLER', SAMPLERS, 'parentbased_always_on');
  const generalProtocol = p.oneOf('OTEL_EXPORTER_OTLP_PROTOCOL', PROTOCOLS, 'http/protobuf');
  const generalEndpoint = p.url('OTEL_EXPORTER_OTLP_ENDPOINT', 'the OTel default http://localhost:4318, for grpc http://localhost:4317');
  const config: AimeterConfig = {
    disabled: p.bool('OTEL_SDK_DISABLED', false),
    metricsExporters: p.list('OTEL_METRICS_EXPORTER', ['prometheus', 'otlp', 'console'] as const, ['prometheus']),
    tracesExporters: p.list('OTEL_TRACES_EXPORTER', ['otlp', 'console'] as const, otlpEndpointSet ? ['otlp'] : []),
    prometheusHost: p.host('OTEL_EXPORTER_PROMETHEUS_HOST', '0.0.0.0'),
    prometheusPort: p.int('OTEL_EXPORTER_PROMETHEUS_PORT', 9464, 0, 65535),
    metricExportIntervalMs: interval,
    // A push must end before the next one starts.
    metricExportTimeoutMs: Math.min(p.int('OTEL_METRIC_EXPORT_TIMEOUT', 30_000, 1, MAX_TIMER_MS, ' of milliseconds'), interval),
    otlpTraces: otlpSignal(p, 'TRACES', 'traces', generalProtocol, generalEndpoint),
    otlpMetrics: otlpSignal(p, 'METRICS', 'metrics', generalProtocol, generalEndpoint),
    batchSpanProcessor: batchSpanProcessorFrom(p),
    spanLimits: spanLimitsFrom(p),
    sampler,
    samplerRatio: sampler.endsWith('traceidratio') ? p.ratio('OTEL_TRACES_SAMPLER_ARG', 1) : 1,
    captureMessageContent: p.bool('OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT', false),
    pricesFile: p.raw('AIMETER_PRICES'),
    maxSeriesPerMetric: p.int('AIMETER_MAX_SERIES_PER_METRIC', 2000, 1, 1_000_000),
    openaiStreamUsage: p.bool('AIMETER_OPENAI_STREAM_USAGE', false),
    propagateTraceContextToGenAi: p.bool('OTEL_INSTRUMENTATION_GENAI_PROPAGATE_TRACE_CONTEXT', false),
    disabledInstrumentations: p.list('OTEL_NODE_DISABLED_INSTRUMENTATIONS', DISABLEABLE_INSTRUMENTATIONS, [], false),
    shutdownTimeoutMs: p.int('AIMETER_SHUTDOWN_TIMEOUT', 1000, 0, 600_000, ' of milliseconds'),
    clusterCollectTimeoutMs: p.int('AIMETER_CLUSTER_COLLECT_TIMEOUT_MS', 1000, 1, 60_000, ' of milliseconds'),
    processHints: processHints(p),
    genAiConventions: genAiConventions(p),
    requestSummary: p.bool('AIMETER_REQUEST_SUMMARY', false),
    extraOutcomes: labelWords(p, 'AIMETER_OUTCOMES'),
    conversationIdleTimeoutSeconds: p.int('AIMETER_CONVERSATION_IDLE_TIMEOUT', 1800, 0, 2_000_000, ' of seconds'),
    variant: labelWord(p, 'AIMETER_VARIANT'),
    events: eventsConfig(p),
  };
  // Applied by the OpenTelemetry SDK and exporters themselves; checked here so a typo is told.
  p.keyValues('OTEL_RESOURCE_ATTRIBUTES');
  p.keyValues('OTEL_EXPORTER_OTLP_HEADERS');
  p.keyValues('OTEL_EXPORTER_OTLP_TRACES_HEADERS');
  p.keyValues('OTEL_EXPORTER_OTLP_METRICS_HEADERS');
  return { config, problems: p.problems };
}

function processHints(p: EnvReader): ProcessHints {
  const pm2Env = p.raw('pm2_env');
  const underPm2 = p.raw('pm_id') !== undefined || pm2Env !== undefined;
  const instance = p.raw('NODE_APP_INSTANCE') ?? pm2InstanceOf(pm2Env);
  return {
    pm2Instance: underPm2 ? (instance !== undefined && /^\d{1,5}$/.test(instance) ? Number(instance) : 0) : undefined,
    packageManagerExecpath: p.raw('npm_execpath'),
  };
}

/** The instance number in PM2's `pm2_env` JSON (under its `instance_var`, NODE_APP_INSTANCE by default). */
function pm2InstanceOf(pm2Env: string | undefined): string | undefined {
  if (pm2Env === undefined) return undefined;
  try {
    const parsed = JSON.parse(pm2Env) as Record<string, unknown>;
    const name = typeof parsed.instance_var === 'string' ? parsed.instance_var : 'NODE_APP_INSTANCE';
    const value = parsed[name];
    return typeof value === 'number' || typeof value === 'string' ? String(value) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * OTEL_SEMCONV_STABILITY_OPT_IN is a comma list shared by every instrumentation of the process
 * (`http`, `database/dup`, ...): words for other conventions are theirs and pass silently; a
 * `gen_ai` word aimeter does not know is a problem (a typo would silently keep the old names).
 * `/dup` wins over the plain word when both are given, as the HTTP migration specifies.
 */
function genAiConventions(p: EnvReader): Conventions {
  const words = p.entries('OTEL_SEMCONV_STABILITY_OPT_IN').map((w) => w.toLowerCase());
  const genAi = words.filter((w) => w.startsWith('gen_ai'));
  const unknown = genAi.filter((w) => w !== OPT_IN_LATEST && w !== OPT_IN_BOTH);
  const chosen: Conventions = genAi.includes(OPT_IN_BOTH) ? 'both' : genAi.includes(OPT_IN_LATEST) ? 'latest' : DEFAULT_CONVENTIONS;
  if (unknown.length > 0) {
    p.problems.push(
      `OTEL_SEMCONV_STABILITY_OPT_IN=${printable(p.raw('OTEL_SEMCONV_STABILITY_OPT_IN')!, 200)} is not valid: ${unknown.map((u) => printable(u, 60)).join(', ')} unknown; for the GenAI conventions use ${OPT_IN_LATEST} or ${OPT_IN_BOTH} (using ${chosen === 'v1.41' ? 'the v1.41 names' : chosen === 'both' ? OPT_IN_BOTH : OPT_IN_LATEST}).`,
    );
  }
  return chosen;
}

/** A label-safe word: what AIMETER_OUTCOMES entries and AIMETER_VARIANT must be. */
export const LABEL_WORD = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const LABEL_WORD_RULE = 'letters, digits and _ . : - (at most 64, starting with a letter or digit)';

/** A comma list of label-safe words, lower-cased; invalid entries are reported and dropped. */
function labelWords(p: EnvReader, name: string): string[] {
  const entries = p.entries(name).map((e) => e.toLowerCase());
  const bad = entries.filter((e) => !/^[a-z][a-z0-9_]{0,31}$/.test(e));
  if (bad.length > 0) p.invalid(name, p.raw(name)!, `${bad.join(', ')}: use a comma list of lower-case words (a-z, 0-9, _; at most 32, starting with a letter)`, 'the valid words only');
  return entries.filter((e) => !bad.includes(e));
}

function labelWord(p: EnvReader, name: string): string {
  const value = p.raw(name);
  if (value === undefined) return '';
  if (LABEL_WORD.test(value)) return value;
  p.invalid(name, value, `use ${LABEL_WORD_RULE}`, 'no variant');
  return '';
}

/** Names that become labels: the rule of src/quality/labels.ts. */
const NAME = /^[A-Za-z][A-Za-z0-9_.@:-]{0,63}$/;

function eventsConfig(p: EnvReader): EventsConfig {
  let token = p.raw('AIMETER_EVENTS_TOKEN');
  if (token !== undefined && (token.length < 16 || /\s/.test(token))) {
    p.invalid('AIMETER_EVENTS_TOKEN', '(hidden)', 'a token of at least 16 characters without white space', 'the KPI events endpoint stays off');
    token = undefined;
  }
  const names = (name: string): readonly string[] | undefined => {
    if (p.raw(name) === undefined) return undefined;
    const entries = p.entries(name);
    const bad = entries.filter((e) => !NAME.test(e));
    if (bad.length > 0) {
      p.invalid(name, p.raw(name)!, `a comma list of names matching ${NAME.source}`, 'the default allow-list');
      return undefined;
    }
    return entries;
  };
  return {
    token: token === '' ? undefined : token,
    evaluations: names('AIMETER_EVENTS_EVALUATIONS'),
    caches: names('AIMETER_EVENTS_CACHES'),
    conversions: names('AIMETER_EVENTS_CONVERSIONS'),
    rateLimitPerMinute: p.int('AIMETER_EVENTS_RATE_LIMIT', 600, 1, 1_000_000),
    maxBodyBytes: p.int('AIMETER_EVENTS_MAX_BYTES', 65_536, 256, 16_777_216, ' of bytes'),
    dedupeWindowMs: p.int('AIMETER_EVENTS_DEDUPE_WINDOW', 86_400, 0, 30 * 86_400, ' of seconds') * 1000,
  };
}

function otlpSignal(
  p: EnvReader,
  upper: 'TRACES' | 'METRICS',
  signal: 'traces' | 'metrics',
  generalProtocol: OtlpProtocol,
  generalEndpoint: string | undefined,
): OtlpSignalConfig {
  const protocol = p.oneOf(`OTEL_EXPORTER_OTLP_${upper}_PROTOCOL`, PROTOCOLS, generalProtocol);
  const http = protocol !== 'grpc';
  const fallback = generalEndpoint
    ? http
      ? `${generalEndpoint.replace(/\/+$/, '')}/v1/${signal}`
      : generalEndpoint
    : http
      ? `http://localhost:4318/v1/${signal}`
      : 'http://localhost:4317';
  const specific = p.url(`OTEL_EXPORTER_OTLP_${upper}_ENDPOINT`, fallback);
  return { protocol, url: specific ?? fallback };
}

/**
 * The configuration of this process's environment, for parts used without start() (a processor
 * added to the user's own SDK, the manual API). start() parses once and passes its object on.
 */
export function environmentConfig(): ParsedConfig {
  return configFromEnv();
}

/** What the `aimeter` command line reads from the environment (flags override each). */
export interface CliEnv {
  /** AIMETER_PROMETHEUS_URL: the Prometheus base URL (default http://localhost:9090). */
  readonly prometheusUrl: string;
  /** AIMETER_PROMETHEUS_TOKEN: a bearer token for a protected Prometheus. */
  readonly token: string | undefined;
  /** AIMETER_PROMETHEUS_USER / AIMETER_PROMETHEUS_PASSWORD: basic auth. */
  readonly user: string | undefined;
  readonly password: string | undefined;
  /** NO_COLOR (https://no-color.org): any non-empty value turns colours off. */
  readonly noColor: boolean;
}

export const DEFAULT_PROMETHEUS_URL = 'http://localhost:9090';

export function cliEnvFromEnv(env: Env = process.env): CliEnv {
  const p = new EnvReader(env);
  return {
    prometheusUrl: p.string('AIMETER_PROMETHEUS_URL', DEFAULT_PROMETHEUS_URL),
    token: p.raw('AIMETER_PROMETHEUS_TOKEN'),
    user: p.raw('AIMETER_PROMETHEUS_USER'),
    password: env.AIMETER_PROMETHEUS_PASSWORD,
    noColor: (env.NO_COLOR ?? '') !== '',
  };
}
