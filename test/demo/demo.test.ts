/**
 * The README's first command runs this demo: it must work with no key and no network, fill
 * every GenAI metric family, and print a one-line summary per request.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as net from 'node:net';
import * as path from 'node:path';
import { startFakeOpenAI, type FakeOpenAI } from '../../examples/fake-provider/openai';
import { isEmitted, METRICS, type MetricDefinition } from '../../src/metrics/catalog';
import { SELF_METRICS } from '../../src/metrics/genai-metrics';
import { prometheusName } from '../../src/metrics/prometheus-names';
import { parseExposition } from '../helpers/exposition';
import { freePort, REPO_ROOT, scrape, startChildApp, type ChildApp } from '../helpers/child-app';

const DEMO = path.join(REPO_ROOT, 'dist', 'examples', 'assistant', 'main.js');
/** The per-request line aimeter prints for the demo (summaryLine): method, route, status. */
const REQUEST_LINE = /^POST \/\w+ \d{3} /;

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
    while (app.stdout().split('\n').filter((l) => REQUEST_LINE.test(l)).length < 30) {
      assert.ok(Date.now() < deadline, `demo too slow; stdout: ${app.stdout()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const m = parseExposition((await scrape(metricsPort)).body);
    // Self-metrics say how aimeter itself is doing (zeros in a healthy single-process demo).
    const selfMetrics = new Set<string>(SELF_METRICS);
    // OpenAI charges nothing extra for prompt-cache writes, so the OpenAI-only demo cannot fill
    // the write premium (test/core/processor.test.ts and metrics-doc.test.ts fill it with Anthropic prices).
    // Nor does a healthy demo evict open requests or conversations (test/outcomes counts those),
    // nor open a live (WebSocket) transcription: its pipeline transcribes recorded audio
    // (test/speech/deepgram-live.test.ts fills the time to first transcript).
    const notInDemo = new Set(['cacheWritePremium', 'outcomesOverflow', 'speechToTextTimeToFirstTranscript']);
    for (const [key, def] of Object.entries(METRICS)) {
      if (selfMetrics.has(key) || notInDemo.has(key)) continue;
      // The demo runs in the default conventions: families of the newest ones only are not served.
      if (!isEmitted(def as MetricDefinition, 'v1.41')) continue;
      const name = prometheusName(def);
      const sample = def.kind === 'histogram' ? `${name}_count` : name;
      const total = m.samples.filter((s) => s.name === sample).reduce((a, s) => a + s.value, 0);
      assert.ok(total > 0, `${name} has data`);
    }
    assert.equal(m.samples.find((s) => s.name === 'aimeter_internal_errors_total' && !s.labels.aimeter_component)?.value, 0);
    // aimeter's own line (onRequestEnd + summaryLine), e.g.
    // POST /voice 200  1.1 s  tokens 138 (123 in / 15 out)  $0.0018  agents support-agent(1, 620 ms)  tools get_weather(1, 113 ms)
    const summaries = app.stdout().split('\n').filter((l) => l.startsWith('POST /voice '));
    assert.ok(summaries.length > 0);
    assert.match(summaries[0]!, /^POST \/voice 200 {2}[\d.]+ m?s {2}tokens [\d,]+ \([\d,]+ in \/ [\d,]+ out\) {2}\$[\d.]+ {2}agents support-agent\(1, [\d.]+ m?s\) {2}tools (get_weather|lookup_order)\(1, [\d.]+ m?s\)/);
  } finally {
    app.child.kill('SIGTERM');
  }
});

/** Waits until `app`'s stdout has a line matching `line`. */
async function untilLine(app: { stdout(): string; stderr(): string }, line: RegExp, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!app.stdout().split('\n').some((l) => line.test(l))) {
    assert.ok(Date.now() < deadline, `no line ${line} in time; stdout: ${app.stdout()} stderr: ${app.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a busy demo port: one line naming DEMO_PORT, no stack trace, exit code 1', async () => {
  const busy = net.createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const port = (busy.address() as net.AddressInfo).port;
  try {
    const child = spawn(process.execPath, ['--require', 'aimeter/register', DEMO], {
      cwd: REPO_ROOT,
      env: { ...process.env, DEMO_PORT: String(port), OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()), OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1', OPENAI_API_KEY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 1);
    assert.deepEqual(stderr.trim().split('\n'), [`demo: port ${port} is in use; set DEMO_PORT to a free port (e.g. DEMO_PORT=${port + 1} npm start)`]);
  } finally {
    busy.close();
  }
});

/** The demo run to its end (3 requests) with a loopback stand-in for api.openai.com (the OpenAI SDK honours OPENAI_BASE_URL) that records what reaches it. */
async function runDemoAgainstStandIn(env: Record<string, string>): Promise<{ app: ChildApp; real: FakeOpenAI }> {
  const real: FakeOpenAI = await startFakeOpenAI();
  const app = await startChildApp(
    ['--require', 'aimeter/register', DEMO],
    {
      OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      DEMO_PORT: String(await freePort()),
      DEMO_INTERVAL_MS: '10',
      DEMO_REQUESTS: '3',
      OPENAI_BASE_URL: real.url,
      ...env,
    },
    { readyLine: '', timeoutMs: 30_000 },
  );
  try {
    await untilLine(app, /^aimeter demo: done$/);
  } catch (error) {
    app.child.kill('SIGTERM');
    await real.close();
    throw error;
  }
  return { app, real };
}

test('an exported OPENAI_API_KEY alone is not used: the fake provider answers, the "real" one sees nothing', async () => {
  const { app, real } = await runDemoAgainstStandIn({ OPENAI_API_KEY: 'sk-exported-by-accident' });
  try {
    assert.match(app.stdout(), /^aimeter demo: OPENAI_API_KEY is set but not used: this demo calls its fake provider unless DEMO_REAL_API=true$/m);
    assert.match(app.stdout(), /^aimeter demo: assistant on http:\/\/127\.0\.0\.1:\d+ \(fake OpenAI at http:\/\/127\.0\.0\.1:\d+/m);
    assert.equal(app.stdout().split('\n').filter((l) => REQUEST_LINE.test(l)).length, 3);
    assert.equal(real.requests.length, 0);
  } finally {
    app.child.kill('SIGTERM');
    await real.close();
  }
});

test('DEMO_REAL_API=true: announced on start, and the calls go to the real API (here a loopback stand-in)', async () => {
  const { app, real } = await runDemoAgainstStandIn({ DEMO_REAL_API: 'true', OPENAI_API_KEY: 'sk-test' });
  try {
    const lines = app.stdout().split('\n');
    assert.match(lines[0]!, /^aimeter demo: DEMO_REAL_API=true: calling the REAL OpenAI API with your OPENAI_API_KEY; every request is billed/);
    assert.match(app.stdout(), /^aimeter demo: assistant on http:\/\/127\.0\.0\.1:\d+ \(real OpenAI API\)$/m);
    assert.ok(real.requests.length >= 3, `the real API got ${real.requests.length} requests`);
    assert.ok(real.requests.every((r) => r.headers.authorization === 'Bearer sk-test'));
  } finally {
    app.child.kill('SIGTERM');
    await real.close();
  }
});

test('DEMO_REAL_API=true without OPENAI_API_KEY: one line, exit code 1', async () => {
  const child = spawn(process.execPath, ['--require', 'aimeter/register', DEMO], {
    cwd: REPO_ROOT,
    env: { ...process.env, DEMO_REAL_API: 'true', OPENAI_API_KEY: '', DEMO_PORT: String(await freePort()), OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()), OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 1);
  assert.deepEqual(stderr.trim().split('\n'), ['demo: DEMO_REAL_API=true needs OPENAI_API_KEY; unset DEMO_REAL_API to use the fake provider']);
});
