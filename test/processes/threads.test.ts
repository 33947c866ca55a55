/**
 * Calls made in worker_threads are counted: 2 threads make 10 calls with the real `openai` SDK;
 * the main thread's /metrics counts exactly 10, with the single-thread token and cost sums.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { freePort, scrape } from '../helpers/child-app';
import { APPS, REGISTER, aimeterLines, genAiTotals, run } from './run';

async function totals(app: string, env: Record<string, string>, flag = '--require', register = REGISTER) {
  const port = await freePort();
  const running = await run(process.execPath, [flag, register, path.join(APPS, app)], {
    OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
    OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
    ...env,
  });
  try {
    // The threads have exited; their records may still be in flight to the main thread.
    let got = genAiTotals((await scrape(port)).body);
    for (let i = 0; i < 40 && got.calls < 10; i++) {
      await new Promise((r) => setTimeout(r, 50));
      got = genAiTotals((await scrape(port)).body);
    }
    return { got, stderr: running.stderr(), stdout: running.stdout() };
  } finally {
    await running.stop();
  }
}

test('worker_threads: 2 threads, 10 calls: the main thread /metrics counts exactly 10, with the same tokens and cost as one process', async () => {
  const single = await totals('cluster-app.js', { APP_WORKERS: '0' });
  assert.equal(single.got.calls, 10);
  const threaded = await totals('thread-app.js', { APP_THREADS: '2' });
  assert.deepEqual(threaded.got, single.got);
  assert.deepEqual(aimeterLines(threaded.stderr), []);
  // Over aimeter's own channel: the app's worker.on('message') never sees a record.
  assert.doesNotMatch(threaded.stdout, /saw a message not its own/);
});

test('worker_threads under --import: counted as well', async () => {
  const single = await totals('cluster-app.js', { APP_WORKERS: '0' });
  const threaded = await totals('thread-app.js', { APP_THREADS: '2' }, '--import', path.join(path.dirname(REGISTER), 'register.mjs'));
  assert.deepEqual(threaded.got, single.got);
  assert.deepEqual(aimeterLines(threaded.stderr), []);
});
