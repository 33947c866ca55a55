import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { parseExposition, sum } from '../helpers/exposition';
import { freePort, REPO_ROOT, scrape, startChildApp } from '../helpers/child-app';

const CJS_APP = path.join(REPO_ROOT, 'dist', 'test', 'apps', 'span-app.js');
const ESM_APP = path.join(REPO_ROOT, 'dist', 'test', 'apps', 'span-app.mjs');
const LABELS = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o-mini' };
// gpt-4o-mini from the bundled list: $0.15 / M input, $0.60 / M output.
const EXPECTED_COST = (1000 * 0.15 + 200 * 0.6) / 1e6;

async function assertServesMetrics(port: number) {
  const res = await scrape(port);
  assert.equal(res.status, 200);
  assert.match(res.type, /^text\/plain; version=0\.0\.4/);
  const m = parseExposition(res.body);
  assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', LABELS), 1);
  assert.equal(sum(m, 'gen_ai_client_token_usage_sum', { ...LABELS, gen_ai_token_type: 'input' }), 1000);
  assert.equal(sum(m, 'aimeter_tokens_total', { ...LABELS, gen_ai_token_type: 'output' }), 200);
  assert.ok(Math.abs(sum(m, 'aimeter_cost_usd_total', LABELS) - EXPECTED_COST) < 1e-9);
  assert.ok(sum(m, 'process_cpu_seconds_total') > 0, 'Node process metrics are served too');
  assert.equal(sum(m, 'aimeter_build_info'), 1);
  const health = await scrape(port, '/healthz');
  assert.equal(health.status, 200);
}

describe('aimeter/register preload', () => {
  test('CommonJS: node --require aimeter/register app.js', async () => {
    const port = await freePort();
    const app = await startChildApp(['--require', 'aimeter/register', CJS_APP], { OTEL_EXPORTER_PROMETHEUS_PORT: String(port), OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1' });
    try {
      await assertServesMetrics(port);
    } finally {
      assert.equal(await app.stop(), 0);
    }
    assert.equal(app.stderr(), '', 'no warnings on a clean start');
  });

  test('ESM: node --import aimeter/register app.mjs', async () => {
    const port = await freePort();
    const app = await startChildApp(['--import', 'aimeter/register', ESM_APP], { OTEL_EXPORTER_PROMETHEUS_PORT: String(port), OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1' });
    try {
      await assertServesMetrics(port);
    } finally {
      assert.equal(await app.stop(), 0);
    }
  });

  test('a busy metrics port prints one warning and the app runs on', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const app = await startChildApp(['--require', 'aimeter/register', CJS_APP], { OTEL_EXPORTER_PROMETHEUS_PORT: String(port), OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1' });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await app.stop(), 0, 'the app exits normally');
      const warnings = app.stderr().trim().split('\n');
      assert.equal(warnings.length, 1, app.stderr());
      assert.match(warnings[0]!, new RegExp(`cannot serve /metrics on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\).*application runs on.*OTEL_EXPORTER_PROMETHEUS_PORT`));
    } finally {
      blocker.close();
    }
  });

  test('OTEL_SDK_DISABLED=true: no endpoint, the app runs untouched', async () => {
    const port = await freePort();
    const app = await startChildApp(['--require', 'aimeter/register', CJS_APP], { OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_PROMETHEUS_PORT: String(port) });
    try {
      await new Promise((r) => setTimeout(r, 500));
      await assert.rejects(scrape(port, '/metrics', { waitMs: 0 }));
    } finally {
      assert.equal(await app.stop(), 0);
    }
  });

  test('an invalid setting is named in a warning and the default applies', async () => {
    const port = await freePort();
    const app = await startChildApp(['--require', 'aimeter/register', CJS_APP], {
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'maybe',
    });
    try {
      await assertServesMetrics(port);
    } finally {
      await app.stop();
    }
    assert.match(app.stderr(), /OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT="maybe" is not valid: use true or false \(using false\)/);
  });
});
