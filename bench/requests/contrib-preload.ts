/**
 * The contrib set-up of the in-request benchmark, as its users run it: NodeSDK with
 * @opentelemetry/instrumentation-http and @opentelemetry/instrumentation-openai, its metrics
 * recorded by the SDK's MeterProvider and served on /metrics by
 * @opentelemetry/exporter-prometheus (OTEL_EXPORTER_PROMETHEUS_PORT), no trace exporter
 * (OTEL_TRACES_EXPORTER=none, set by the bench for every mode, aimeter's default).
 *
 * Spans: NodeSDK with no exporter would start no tracer provider at all (every span a
 * non-recording one). contrib's users export their traces (NodeSDK's default is OTLP), and aimeter
 * records every span it derives metrics from, so by default the spans are recorded and handed to
 * a span processor that does nothing: the export's own cost left out on both sides. With
 * AIMETER_BENCH_CONTRIB_TRACES=none (the `contrib-metrics-only` mode) there is no tracer
 * provider: contrib for metrics alone, its cheapest form.
 *
 * One departure from the defaults, to compare like with like: instrumentation-http's own HTTP
 * metrics are switched off (a no-op meter), since aimeter records none. With them on (the
 * `contrib-http-metrics` mode, `--modes=...`) contrib costs more again.
 *
 * Usage: node --require dist/bench/requests/contrib-preload.js dist/bench/requests/app.js
 */
import { createNoopMeter } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { NodeSDK } from '@opentelemetry/sdk-node';

/** Spans recorded, exported nowhere. */
const recordedSpansGoNowhere = {
  onStart(): void {},
  onEnd(): void {},
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

const http = new HttpInstrumentation();
new NodeSDK({
  serviceName: 'bench-app',
  metricReader: new PrometheusExporter({ host: '127.0.0.1' }),
  instrumentations: [http, new OpenAIInstrumentation()],
  ...(process.env.AIMETER_BENCH_CONTRIB_TRACES === 'none' ? {} : { spanProcessors: [recordedSpansGoNowhere] }),
}).start();
if (process.env.AIMETER_BENCH_HTTP_METRICS !== 'true') http.setMeterProvider({ getMeter: () => createNoopMeter() });
