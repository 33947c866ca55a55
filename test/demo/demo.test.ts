/**
 * The README's first command runs this demo: it must work with no key and no network, fill
 * every GenAI metric family, and print a one-line summary per request.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { METRICS } from '../../src/metrics/catalog';
import { SELF_METRICS } from '../../src/metrics/genai-metrics';
import { prometheusName } from '../../src/metrics/prometheus-names';
import { parseExposition } from '../helpers/exposition';
import { freePort, REPO_ROOT, scrape, startChildApp } from '../helpers/child-app';

const DEMO = path.join(REPO_ROOT, 'dist', 'examples', 'assistant', 'main.js');

test('the demo fills every metric family and prints a summary per request', async () => {
  const [metricsPort, appPort] = [await freePort(), await freePort()];
  const env: Record<string, string> = {
    OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
    OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
    DEMO_PORT: String(appPort),
    DEMO_INTERVAL_MS: '30',
  };
  delete process.env.OPENAI_API_KEY;
  const app = await startChildApp(['--require', 'aimeter/register', DEMO], env, { readyLine: '', timeoutMs: 30_000 });
  try {
    // 30 requests cover the whole traffic mix three times.
    const deadline = Date.now() + 60_000;
    while (app.stdout().split('\n').filter((l) => l.startsWith('/')).length < 30) {
      assert.ok(Date.now() < deadline, `demo too slow; stdout: ${app.stdout()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const m = parseExposition((await scrape(metricsPort)).body);
    // Self-metrics say how aimeter itself is doing (zeros in a healthy single-process demo).
    const selfMetrics = new Set<string>(SELF_METRICS);
    // OpenAI charges nothing extra for prompt-cache writes, so the OpenAI-only demo cannot fill
    // the write premium (test/core/processor.test.ts and metrics-doc.test.ts fill it with Anthropic prices).
    const notInDemo = new Set(['cacheWritePremium']);
    for (const [key, def] of Object.entries(METRICS)) {
      if (selfMetrics.has(key) || notInDemo.has(key)) continue;
      const name = prometheusName(def);
      const sample = def.kind === 'histogram' ? `${name}_count` : name;
      const total = m.samples.filter((s) => s.name === sample).reduce((a, s) => a + s.value, 0);
      assert.ok(total > 0, `${name} has data`);
    }
    assert.equal(m.samples.find((s) => s.name === 'aimeter_internal_errors_total' && !s.labels.aimeter_component)?.value, 0);
    const summaries = app.stdout().split('\n').filter((l) => l.startsWith('/voice'));
    assert.ok(summaries.length > 0);
    assert.match(summaries[0]!, /^\/voice\s+ok\s+\d+ ms\s+tokens \d+ in \/ \d+ out\s+\$\d+\.\d{6}\s+agents \[support-agent\]\s+tools \[(get_weather|lookup_order)\]/);
  } finally {
    app.child.kill('SIGTERM');
  }
});
