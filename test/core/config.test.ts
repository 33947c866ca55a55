import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFromEnv } from '../../src/config/env';

test('defaults: /metrics on 0.0.0.0:9464, no trace export, content off', () => {
  const { config, problems } = configFromEnv({});
  assert.deepEqual(problems, []);
  assert.deepEqual([...config.metricsExporters], ['prometheus']);
  assert.deepEqual([...config.tracesExporters], []);
  assert.equal(config.prometheusHost, '0.0.0.0');
  assert.equal(config.prometheusPort, 9464);
  assert.equal(config.captureMessageContent, false);
  assert.equal(config.disabled, false);
});

test('an OTLP endpoint turns trace export on; exporters lists are parsed', () => {
  const { config } = configFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_METRICS_EXPORTER: 'prometheus,otlp' });
  assert.deepEqual([...config.tracesExporters], ['otlp']);
  assert.deepEqual([...config.metricsExporters].sort(), ['otlp', 'prometheus']);
  assert.deepEqual([...configFromEnv({ OTEL_METRICS_EXPORTER: 'none' }).config.metricsExporters], []);
});

test('invalid values name the variable and the accepted values, and fall back to defaults', () => {
  const { config, problems } = configFromEnv({
    OTEL_EXPORTER_PROMETHEUS_PORT: 'ninety',
    OTEL_SDK_DISABLED: 'yes',
    OTEL_METRICS_EXPORTER: 'prometheus,statsd',
    AIMETER_MAX_SERIES_PER_METRIC: '-3',
  });
  assert.equal(config.prometheusPort, 9464);
  assert.equal(config.disabled, false);
  assert.deepEqual([...config.metricsExporters], ['prometheus']);
  assert.equal(config.maxSeriesPerMetric, 2000);
  assert.equal(problems.length, 4);
  assert.match(problems[0]!, /OTEL_SDK_DISABLED="yes" is not valid: use true or false/);
  assert.ok(problems.some((p) => /OTEL_EXPORTER_PROMETHEUS_PORT="ninety" is not valid: use a whole number from 0 to 65535/.test(p)));
  assert.ok(problems.some((p) => /OTEL_METRICS_EXPORTER=.*"statsd" unknown; use a comma list of prometheus, otlp, console, or none/.test(p)));
  assert.ok(problems.some((p) => /AIMETER_MAX_SERIES_PER_METRIC="-3"/.test(p)));
});
