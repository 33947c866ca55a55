/**
 * Configuration from the environment: the standard OTEL_* variables where one exists,
 * AIMETER_* for the rest. Invalid values never stop the application: each one yields a
 * problem message naming the variable and the accepted values, and the default applies.
 */
export type MetricsExporter = 'prometheus' | 'otlp' | 'console';
export type TracesExporter = 'otlp' | 'console';

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
  /** OTEL_NODE_DISABLED_INSTRUMENTATIONS: comma list of instrumentation short names to skip. */
  readonly disabledInstrumentations: ReadonlySet<string>;
}

export interface ParsedConfig {
  readonly config: AimeterConfig;
  /** One message per invalid variable. */
  readonly problems: readonly string[];
}

type Env = Readonly<Record<string, string | undefined>>;

export function configFromEnv(env: Env = process.env): ParsedConfig {
  const problems: string[] = [];
  const p = new EnvReader(env, problems);
  const otlpEndpointSet = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  const config: AimeterConfig = {
    disabled: p.bool('OTEL_SDK_DISABLED', false),
    metricsExporters: p.list('OTEL_METRICS_EXPORTER', ['prometheus', 'otlp', 'console'] as const, ['prometheus']),
    tracesExporters: p.list('OTEL_TRACES_EXPORTER', ['otlp', 'console'] as const, otlpEndpointSet ? ['otlp'] : []),
    prometheusHost: p.string('OTEL_EXPORTER_PROMETHEUS_HOST', '0.0.0.0'),
    prometheusPort: p.int('OTEL_EXPORTER_PROMETHEUS_PORT', 9464, 0, 65535),
    captureMessageContent: p.bool('OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT', false),
    pricesFile: p.string('AIMETER_PRICES', '') || undefined,
    maxSeriesPerMetric: p.int('AIMETER_MAX_SERIES_PER_METRIC', 2000, 1, 1_000_000),
    openaiStreamUsage: p.bool('AIMETER_OPENAI_STREAM_USAGE', false),
    propagateTraceContextToGenAi: p.bool('OTEL_INSTRUMENTATION_GENAI_PROPAGATE_TRACE_CONTEXT', false),
    disabledInstrumentations: new Set(p.rawList('OTEL_NODE_DISABLED_INSTRUMENTATIONS')),
  };
  return { config, problems };
}

class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  private raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    this.problems.push(`${name}="${value}" is not valid: use true or false (using ${fallback}).`);
    return fallback;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    this.problems.push(`${name}="${value}" is not valid: use a whole number from ${min} to ${max} (using ${fallback}).`);
    return fallback;
  }

  rawList(name: string): string[] {
    const value = this.raw(name);
    return value === undefined ? [] : value.split(',').map((s) => s.trim()).filter(Boolean);
  }

  /** A comma list of allowed words; `none` means the empty set. */
  list<T extends string>(name: string, allowed: readonly T[], fallback: readonly T[]): ReadonlySet<T> {
    const items = this.rawList(name);
    if (items.length === 0) return new Set(fallback);
    if (items.length === 1 && items[0] === 'none') return new Set();
    const bad = items.filter((item) => !(allowed as readonly string[]).includes(item));
    if (bad.length > 0) {
      this.problems.push(
        `${name}="${this.raw(name)}" is not valid: "${bad.join('", "')}" unknown; use a comma list of ${allowed.join(', ')}, or none (ignoring the unknown values).`,
      );
    }
    return new Set(items.filter((item): item is T => (allowed as readonly string[]).includes(item)));
  }
}
