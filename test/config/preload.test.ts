/**
 * Bad configuration through the real preload: the default applies (the /metrics endpoint stays
 * on, spans still reach a collector) and stderr has exactly one line per invalid variable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { freePort, REPO_ROOT, scrape, startChildApp } from '../helpers/child-app';
import { parseExposition, sum } from '../helpers/exposition';

const APP = path.join(REPO_ROOT, 'dist', 'test', 'apps', 'span-app.js');

async function servedTokens(port: number): Promise<number> {
  const res = await scrape(port);
  assert.equal(res.status, 200);
  return sum(parseExposition(res.body), 'aimeter_tokens_total', { gen_ai_token_type: 'input' });
}

/** Runs the span app under the preload with `env`, checks /metrics serves its call; returns stderr. */
async function servedWith(env: Record<string, string>): Promise<string> {
  const port = await freePort();
  const app = await startChildApp(['--require', 'aimeter/register', APP], {
    ...env,
    OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
    OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
  });
  try {
    assert.equal(await servedTokens(port), 1000);
  } finally {
    assert.equal(await app.stop(), 0);
  }
  return app.stderr();
}

test('OTEL_METRICS_EXPORTER=promethus: one warning, /metrics still served (the default)', async () => {
  const stderr = await servedWith({ OTEL_METRICS_EXPORTER: 'promethus', OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'opneai' });
  assert.deepEqual(stderr.trim().split('\n'), [
    'aimeter: OTEL_METRICS_EXPORTER="promethus" is not valid: "promethus" unknown; use a comma list of prometheus, otlp, console, or none (using prometheus).',
    'aimeter: OTEL_NODE_DISABLED_INSTRUMENTATIONS="opneai" is not valid: "opneai" unknown; use a comma list of http, openai, anthropic, deepgram, elevenlabs, google-genai, bedrock, vercel-ai, langchain, openai-agents (using none).',
  ]);
});

test('OTEL_METRICS_EXPORTER=Prometheus (enum values are case-insensitive): served, no warning', async () => {
  assert.equal(await servedWith({ OTEL_METRICS_EXPORTER: 'Prometheus' }), '');
});

test('an invalid traces endpoint: one warning, and the spans go to the general OTLP endpoint', async () => {
  const traces: string[] = [];
  const collector = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      traces.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  const port = await freePort();
  const app = await startChildApp(['--require', 'aimeter/register', APP], {
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'HTTP/JSON',
    OTEL_EXPORTER_OTLP_ENDPOINT: url,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '127.0.0.1:4318/v1/traces',
    OTEL_BSP_SCHEDULE_DELAY: '50',
    OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
    OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
  });
  try {
    const deadline = Date.now() + 10_000;
    while (traces.length === 0) {
      assert.ok(Date.now() < deadline, 'no span reached the collector');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual([...new Set(traces)], ['/v1/traces']);
  } finally {
    await app.stop();
    await new Promise((r) => collector.close(() => r(undefined)));
  }
  assert.deepEqual(app.stderr().trim().split('\n'), [
    `aimeter: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="127.0.0.1:4318/v1/traces" is not valid: use an absolute http:// or https:// URL (using ${url}/v1/traces).`,
  ]);
});
