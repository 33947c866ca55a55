/**
 * aimeter never holds a finished app, and what it records reaches the collector on the usual
 * exit paths. Each case runs a real app under the preload against a loopback collector that
 * works, is down (a closed port) or is a black hole (accepts, never answers), and times what
 * aimeter adds after the app's own last line.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT, freePort } from '../helpers/child-app';
import { blackHoleCollector, exportedSpanNames, otlpReceiver, pushedMetricNames } from '../helpers/otlp-receiver';

const APP = path.join(REPO_ROOT, 'dist', 'test', 'apps', 'exit-app.js');

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Milliseconds from the app's "done <ms>" line to the process's exit. */
  readonly addedMs: number;
}

/** Runs the exit app to its end; `onReady` may signal it. Kills it after `limitMs`. */
function runApp(env: Record<string, string>, { onReady, limitMs = 30_000 }: { onReady?: (pid: number) => void; limitMs?: number } = {}): Promise<Run> {
  const child = spawn(process.execPath, ['--require', 'aimeter/register', APP], {
    cwd: REPO_ROOT,
    env: { ...process.env, OTEL_METRICS_EXPORTER: 'otlp', OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    const before = stdout;
    stdout += d.toString();
    if (!before.includes('ready\n') && stdout.includes('ready\n')) onReady?.(child.pid!);
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      const exitedAt = Date.now();
      clearTimeout(killer);
      const doneAt = Number(/done (\d+)/.exec(stdout)?.[1] ?? NaN);
      resolve({ code, signal, stdout, stderr, addedMs: exitedAt - doneAt });
    });
  });
}

function aimeterLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('aimeter:'));
}

function assertOneLineNoStack(run: Run): void {
  assert.equal(aimeterLines(run.stderr).length, 1, `one aimeter line expected; stderr:\n${run.stderr}`);
  assert.doesNotMatch(run.stderr, /^\s+at /m, `no stack trace; stderr:\n${run.stderr}`);
}

// The bound is 1 s; process start-up and exit on a loaded 2-core machine get the rest.
const SLACK_MS = 700;

describe('a collector that is down or black-holed adds at most AIMETER_SHUTDOWN_TIMEOUT to exit', () => {
  for (const kind of ['black-holed', 'down'] as const) {
    for (const interval of ['60000', '1000']) {
      test(`${kind} collector, push interval ${interval} ms, app busy for 2.5 s`, async () => {
        const hole = kind === 'black-holed' ? await blackHoleCollector() : undefined;
        const url = hole?.url ?? `http://127.0.0.1:${await freePort()}`;
        try {
          const run = await runApp({
            OTEL_EXPORTER_OTLP_ENDPOINT: url,
            OTEL_METRIC_EXPORT_INTERVAL: interval,
            OTEL_BSP_SCHEDULE_DELAY: '200',
            EXIT_MODE: 'end',
            EXIT_WORK_MS: '2500',
          });
          assert.equal(run.code, 0, run.stderr);
          assert.ok(run.addedMs < 1000 + SLACK_MS, `exit took ${run.addedMs} ms after the app's work was done`);
          assertOneLineNoStack(run);
          assert.match(aimeterLines(run.stderr)[0]!, /not delivered after 1000 ms/);
        } finally {
          await hole?.close();
        }
      });
    }
  }

  test('black-holed collector over gRPC (the client holds the loop until its deadline): still bounded', async () => {
    const hole = await blackHoleCollector();
    try {
      const run = await runApp({ OTEL_EXPORTER_OTLP_ENDPOINT: hole.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', EXIT_MODE: 'end' });
      assert.equal(run.code, 0, run.stderr);
      assert.ok(run.addedMs < 1000 + SLACK_MS, `exit took ${run.addedMs} ms`);
      assertOneLineNoStack(run);
    } finally {
      await hole.close();
    }
  });

  test('AIMETER_SHUTDOWN_TIMEOUT sets the bound', async () => {
    const hole = await blackHoleCollector();
    try {
      const run = await runApp({ OTEL_EXPORTER_OTLP_ENDPOINT: hole.url, AIMETER_SHUTDOWN_TIMEOUT: '100', EXIT_MODE: 'end' });
      assert.equal(run.code, 0);
      assert.ok(run.addedMs < 100 + SLACK_MS, `exit took ${run.addedMs} ms`);
      assert.match(aimeterLines(run.stderr)[0]!, /not delivered after 100 ms/);
    } finally {
      await hole.close();
    }
  });
});

describe('nothing lost on the usual exits (working collector)', () => {
  async function delivered(env: Record<string, string>, options: Parameters<typeof runApp>[1] = {}) {
    const receiver = await otlpReceiver();
    try {
      const run = await runApp({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...env }, options);
      return { run, spans: exportedSpanNames(receiver.received), metrics: pushedMetricNames(receiver.received) };
    } finally {
      await receiver.close();
    }
  }
  const sigterm = { onReady: (pid: number) => setTimeout(() => process.kill(pid, 'SIGTERM'), 100) };

  test('the app runs out of work: spans and metrics pushed before it exits', async () => {
    const { run, spans, metrics } = await delivered({ EXIT_MODE: 'end' });
    assert.equal(run.code, 0);
    assert.deepEqual(spans, ['chat gpt-4o-mini']);
    assert.ok(metrics.has('aimeter.cost.usd'), [...metrics].join(', '));
    assert.deepEqual(aimeterLines(run.stderr), []);
  });

  test('SIGTERM the app does not handle: flushed, then the process still dies of the signal', async () => {
    const { run, spans, metrics } = await delivered({ EXIT_MODE: 'signal-none' }, sigterm);
    assert.equal(run.signal, 'SIGTERM');
    assert.deepEqual(spans, ['chat gpt-4o-mini']);
    assert.ok(metrics.has('aimeter.cost.usd'));
  });

  test("SIGTERM handler with the documented `await shutdown()` before process.exit: flushed", async () => {
    const { run, spans, metrics } = await delivered({ EXIT_MODE: 'signal-flush' }, sigterm);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(spans, ['chat gpt-4o-mini']);
    assert.ok(metrics.has('aimeter.cost.usd'));
    assert.deepEqual(aimeterLines(run.stderr), []);
  });

  test('uncaught exception handler with the documented `await shutdown()`: flushed', async () => {
    const { run, spans, metrics } = await delivered({ EXIT_MODE: 'crash-flush' });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /app crashed: boom/);
    assert.deepEqual(spans, ['chat gpt-4o-mini']);
    assert.ok(metrics.has('aimeter.cost.usd'));
  });

  test('SIGTERM handler calling process.exit() at once: one line says what was not delivered and the call that fixes it', async () => {
    const { run, spans } = await delivered({ EXIT_MODE: 'signal-exit' }, sigterm);
    assert.equal(run.code, 0);
    assert.deepEqual(spans, [], 'nothing could be sent: the exit is synchronous');
    assertOneLineNoStack(run);
    assert.match(aimeterLines(run.stderr)[0]!, /exited before 1 span and the metrics recorded since the last push could be delivered; call `await require\('aimeter'\)\.shutdown\(\)`/);
  });
});
