/**
 * Every variable of the README "Configuration" table: each invalid value (case, typos, hex,
 * exponent, out of range, not a URL) gets ONE problem naming the variable, the value and the
 * accepted values, and the default applies. Empty values are treated as unset (OTel spec).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFromEnv, INSTRUMENTATION_NAMES, type AimeterConfig } from '../../src/config/env';
import { INSTRUMENTATIONS } from '../../instrumentations';

interface Case {
  /** Invalid values: each gives exactly one problem and the default. */
  readonly invalid: readonly string[];
  /** What the problem must say is accepted. */
  readonly accepted: RegExp;
  /** Read the setting the variable controls. */
  readonly read: (config: AimeterConfig) => unknown;
  /** Valid values (with what they parse to), case variants included. */
  readonly valid?: ReadonlyArray<readonly [string, unknown]>;
}

const list = (set: ReadonlySet<string>) => [...set].sort().join(',');

const CASES: Record<string, Case> = {
  OTEL_SDK_DISABLED: {
    invalid: ['yes', '1', 'treu', 'on'],
    accepted: /use true or false/,
    read: (c) => c.disabled,
    valid: [['TRUE', true], ['False', false], [' true ', true]],
  },
  OTEL_METRICS_EXPORTER: {
    invalid: ['promethus', 'prom', 'statsd', 'prometheus;otlp'],
    accepted: /use a comma list of prometheus, otlp, console, or none/,
    read: (c) => list(c.metricsExporters),
    valid: [['Prometheus', 'prometheus'], ['PROMETHEUS,otlp', 'otlp,prometheus'], ['none', ''], ['console', 'console']],
  },
  OTEL_TRACES_EXPORTER: {
    invalid: ['otpl', 'jaeger', 'zipkin'],
    accepted: /use a comma list of otlp, console, or none/,
    read: (c) => list(c.tracesExporters),
    valid: [['OTLP', 'otlp'], ['none', '']],
  },
  OTEL_EXPORTER_PROMETHEUS_HOST: {
    invalid: ['not a host', 'http://0.0.0.0', 'host/path'],
    accepted: /use a host name or IP address/,
    read: (c) => c.prometheusHost,
    valid: [['127.0.0.1', '127.0.0.1'], ['::', '::'], ['localhost', 'localhost']],
  },
  OTEL_EXPORTER_PROMETHEUS_PORT: {
    invalid: ['0x10', '1e3', '65536', '-1', '94.64', 'ninety', '9464abc'],
    accepted: /use a whole number from 0 to 65535 \(decimal digits only\)/,
    read: (c) => c.prometheusPort,
    valid: [['9465', 9465], ['0', 0]],
  },
  OTEL_METRIC_EXPORT_INTERVAL: {
    invalid: ['0', '0x10', '1e3', '-5', '60s', '2147483648'],
    accepted: /use a whole number of milliseconds from 1 to 2147483647/,
    read: (c) => c.metricExportIntervalMs,
    valid: [['1000', 1000]],
  },
  OTEL_METRIC_EXPORT_TIMEOUT: {
    invalid: ['0', '0x10', '1e3', '30s'],
    accepted: /use a whole number of milliseconds from 1 to 2147483647/,
    read: (c) => c.metricExportTimeoutMs,
    valid: [['500', 500]],
  },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    invalid: ['localhost:4318', 'collector', 'ftp://collector:21', 'http//x'],
    accepted: /use an absolute http:\/\/ or https:\/\/ URL/,
    read: (c) => c.otlpTraces.url,
    valid: [['http://collector:4318', 'http://collector:4318/v1/traces'], ['https://c.example/otlp/', 'https://c.example/otlp/v1/traces']],
  },
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: {
    invalid: ['localhost:4318/v1/traces', 'not a url'],
    accepted: /use an absolute http:\/\/ or https:\/\/ URL/,
    read: (c) => c.otlpTraces.url,
    valid: [['http://c:4318/custom', 'http://c:4318/custom']],
  },
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: {
    invalid: ['c:4318'],
    accepted: /use an absolute http:\/\/ or https:\/\/ URL/,
    read: (c) => c.otlpMetrics.url,
    valid: [['http://c:4318/m', 'http://c:4318/m']],
  },
  OTEL_EXPORTER_OTLP_PROTOCOL: {
    invalid: ['http', 'protobuf', 'http/proto', 'grpcs'],
    accepted: /use one of http\/protobuf, http\/json, grpc/,
    read: (c) => `${c.otlpTraces.protocol} ${c.otlpMetrics.protocol}`,
    valid: [['GRPC', 'grpc grpc'], ['HTTP/JSON', 'http/json http/json']],
  },
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: {
    invalid: ['json'],
    accepted: /use one of http\/protobuf, http\/json, grpc/,
    read: (c) => c.otlpTraces.protocol,
    valid: [['grpc', 'grpc']],
  },
  OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: {
    invalid: ['json'],
    accepted: /use one of http\/protobuf, http\/json, grpc/,
    read: (c) => c.otlpMetrics.protocol,
    valid: [['http/json', 'http/json']],
  },
  OTEL_EXPORTER_OTLP_HEADERS: {
    invalid: ['api-key', 'a=1,b', 'k=%E0%A4%A'],
    accepted: /use a comma list of key=value pairs/,
    read: () => undefined,
  },
  OTEL_RESOURCE_ATTRIBUTES: {
    invalid: ['service.name', '=x'],
    accepted: /use a comma list of key=value pairs/,
    read: () => undefined,
  },
  OTEL_TRACES_SAMPLER: {
    invalid: ['always', 'ratio', 'parentbased'],
    accepted: /use one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio/,
    read: (c) => c.sampler,
    valid: [['ALWAYS_OFF', 'always_off'], ['TraceIdRatio', 'traceidratio']],
  },
  OTEL_NODE_DISABLED_INSTRUMENTATIONS: {
    invalid: ['opneai', 'open-ai', 'llamaindex'],
    accepted: /use a comma list of http, openai, anthropic, deepgram, elevenlabs, google-genai, bedrock, vercel-ai, langchain, openai-agents/,
    read: (c) => list(c.disabledInstrumentations),
    valid: [['OpenAI', 'openai'], ['openai, deepgram', 'deepgram,openai'], ['http', 'http'], ['HTTP,openai', 'http,openai'], ['openai-agents,LangChain', 'langchain,openai-agents']],
  },
  OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: {
    invalid: ['maybe', 'yes', '1'],
    accepted: /use true or false/,
    read: (c) => c.captureMessageContent,
    valid: [['TRUE', true]],
  },
  AIMETER_MAX_SERIES_PER_METRIC: {
    invalid: ['0', '-3', '0x10', '1e3', '1000001', 'lots'],
    accepted: /use a whole number from 1 to 1000000 \(decimal digits only\)/,
    read: (c) => c.maxSeriesPerMetric,
    valid: [['500', 500]],
  },
  AIMETER_OPENAI_STREAM_USAGE: {
    invalid: ['on', 'enabled'],
    accepted: /use true or false/,
    read: (c) => c.openaiStreamUsage,
    valid: [['True', true]],
  },
  OTEL_BSP_SCHEDULE_DELAY: {
    invalid: ['0x10', '1e3', '-1', '5s', '2147483648'],
    accepted: /use a whole number of milliseconds from 0 to 2147483647/,
    read: (c) => c.batchSpanProcessor.scheduledDelayMillis,
    valid: [['50', 50], ['0', 0]],
  },
  OTEL_BSP_EXPORT_TIMEOUT: {
    invalid: ['0', '30s'],
    accepted: /use a whole number of milliseconds from 1 to 2147483647/,
    read: (c) => c.batchSpanProcessor.exportTimeoutMillis,
    valid: [['1000', 1000]],
  },
  OTEL_BSP_MAX_QUEUE_SIZE: {
    invalid: ['0', '1e3', '1000001'],
    accepted: /use a whole number from 1 to 1000000/,
    read: (c) => c.batchSpanProcessor.maxQueueSize,
    valid: [['4096', 4096]],
  },
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: {
    invalid: ['0', 'big'],
    accepted: /use a whole number from 1 to 1000000/,
    read: (c) => c.batchSpanProcessor.maxExportBatchSize,
    valid: [['100', 100]],
  },
  OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: {
    invalid: ['-1', '1e2', 'many'],
    accepted: /use a whole number from 0 to 9007199254740991/,
    read: (c) => c.spanLimits.attributeCountLimit,
    valid: [['16', 16], ['0', 0]],
  },
  OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: {
    invalid: ['-1', '1kb'],
    accepted: /use a whole number from 0 to 9007199254740991/,
    read: (c) => c.spanLimits.attributeValueLengthLimit,
    valid: [['100', 100]],
  },
  OTEL_SPAN_EVENT_COUNT_LIMIT: {
    invalid: ['-1', 'x'],
    accepted: /use a whole number from 0 to 9007199254740991/,
    read: (c) => c.spanLimits.eventCountLimit,
    valid: [['5', 5]],
  },
};

const defaults = configFromEnv({}).config;

for (const [variable, c] of Object.entries(CASES)) {
  test(`${variable}: every invalid value gives one warning naming it, its value and the accepted values; the default applies`, () => {
    for (const value of c.invalid) {
      const { config, problems } = configFromEnv({ [variable]: value });
      assert.equal(problems.length, 1, `${variable}=${value}: ${JSON.stringify(problems)}`);
      const problem = problems[0]!;
      assert.ok(problem.startsWith(`${variable}=${JSON.stringify(value)} is not valid: `), problem);
      assert.match(problem, c.accepted);
      assert.match(problem, /\(using [^)]+\)\.$/);
      assert.deepEqual(c.read(config), c.read(defaults), `${variable}=${value} must leave the default`);
    }
    for (const [value, parsed] of c.valid ?? []) {
      const { config, problems } = configFromEnv({ [variable]: value });
      assert.deepEqual(problems, [], `${variable}=${value}`);
      assert.deepEqual(c.read(config), parsed, `${variable}=${value}`);
    }
    // Empty or blank: the same as unset (OTel spec), no warning.
    for (const blank of ['', '   ']) {
      const { config, problems } = configFromEnv({ [variable]: blank });
      assert.deepEqual(problems, []);
      assert.deepEqual(c.read(config), c.read(defaults));
    }
  });
}

test('OTEL_BSP_* and span limits: the SDK defaults, span-specific limits over general ones, a batch no larger than the queue', () => {
  assert.deepEqual(defaults.batchSpanProcessor, { scheduledDelayMillis: 5000, exportTimeoutMillis: 30_000, maxQueueSize: 2048, maxExportBatchSize: 512 });
  assert.deepEqual(defaults.spanLimits, {
    attributeCountLimit: 128,
    attributeValueLengthLimit: Infinity,
    eventCountLimit: 128,
    linkCountLimit: 128,
    attributePerEventCountLimit: 128,
    attributePerLinkCountLimit: 128,
  });
  const general = configFromEnv({ OTEL_ATTRIBUTE_COUNT_LIMIT: '10', OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '64' }).config.spanLimits;
  assert.deepEqual([general.attributeCountLimit, general.attributeValueLengthLimit], [10, 64]);
  const both = configFromEnv({ OTEL_ATTRIBUTE_COUNT_LIMIT: '10', OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '3' }).config.spanLimits;
  assert.equal(both.attributeCountLimit, 3);
  assert.equal(configFromEnv({ OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '512' }).config.batchSpanProcessor.maxExportBatchSize, 100);
});

test('OTEL_TRACES_SAMPLER_ARG: a decimal from 0 to 1 for the ratio samplers, else one warning and 1', () => {
  for (const value of ['2', '-0.5', '1e-1', '0x1', 'half', '50%']) {
    const { config, problems } = configFromEnv({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: value });
    assert.equal(problems.length, 1, value);
    assert.ok(problems[0]!.startsWith(`OTEL_TRACES_SAMPLER_ARG="${value}" is not valid: use a decimal number from 0 to 1`), problems[0]);
    assert.equal(config.samplerRatio, 1);
  }
  assert.equal(configFromEnv({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }).config.samplerRatio, 0.25);
  assert.equal(configFromEnv({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '.5' }).config.samplerRatio, 0.5);
});

test('the OTLP default applies when an endpoint is invalid: http://localhost:4318/v1/<signal>, grpc http://localhost:4317', () => {
  const http = configFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' }).config;
  assert.equal(http.otlpTraces.url, 'http://localhost:4318/v1/traces');
  assert.equal(http.otlpMetrics.url, 'http://localhost:4318/v1/metrics');
  // Still an intent to export traces: the default endpoint gets them.
  assert.deepEqual([...http.tracesExporters], ['otlp']);
  const grpc = configFromEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: 'nope' }).config;
  assert.equal(grpc.otlpTraces.url, 'http://localhost:4317');
  // An invalid signal endpoint falls back to the general one.
  const general = configFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'bad' });
  assert.equal(general.config.otlpTraces.url, 'http://c:4318/v1/traces');
  assert.equal(general.problems.length, 1);
});

test('a list with unknown and known words keeps the known ones and names the unknown', () => {
  const { config, problems } = configFromEnv({ OTEL_METRICS_EXPORTER: 'prometheus,statsd' });
  assert.deepEqual([...config.metricsExporters], ['prometheus']);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /"statsd" unknown/);
});

test('a value with control characters is escaped in the warning', () => {
  const { problems } = configFromEnv({ OTEL_EXPORTER_PROMETHEUS_PORT: '94\u001b[2J64\nforged' });
  assert.equal(problems.length, 1);
  assert.doesNotMatch(problems[0]!, /[\u0000-\u001f]/);
  assert.match(problems[0]!, /\\u001b/);
});

test('OTEL_NODE_DISABLED_INSTRUMENTATIONS names are the registered instrumentations', () => {
  assert.deepEqual(
    INSTRUMENTATIONS.map((i) => i.name),
    [...INSTRUMENTATION_NAMES],
  );
});
