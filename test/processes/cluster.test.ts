/**
 * A Node `cluster` app under the preload (primary + 2 workers, 10 LLM calls made by the workers)
 * serves ONE /metrics, on the primary, whose GenAI families are the exact sum over the workers:
 * the same call count, tokens and dollars as the same 10 calls made in a single process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { freePort, scrape } from '../helpers/child-app';
import { parseExposition } from '../helpers/exposition';
import { APPS, REGISTER, aimeterLines, genAiTotals, run, type GenAiTotals } from './run';

const APP = path.join(APPS, 'cluster-app.js');

async function scrapedTotals(env: Record<string, string>): Promise<{ first: GenAiTotals; totals: GenAiTotals; text: string; stderr: string; stdout: string }> {
  const port = await freePort();
  const app = await run(process.execPath, ['--require', REGISTER, APP], {
    OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
    OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
    ...env,
  });
  try {
    const { body } = await scrape(port);
    // A second scrape: the sums hold (nothing counted twice), and the app's handlers saw nothing.
    const again = await scrape(port);
    return { first: genAiTotals(body), totals: genAiTotals(again.body), text: again.body, stderr: app.stderr(), stdout: app.stdout() };
  } finally {
    await app.stop();
  }
}

test('cluster: 2 workers, 10 calls: the primary /metrics counts exactly 10, with the single-process token and cost sums', async () => {
  const single = await scrapedTotals({ APP_WORKERS: '0' });
  assert.equal(single.totals.calls, 10, 'the single-process baseline counts its 10 calls');
  assert.ok(single.totals.inputTokens > 0 && single.totals.costUsd > 0);

  const clustered = await scrapedTotals({ APP_WORKERS: '2' });
  assert.deepEqual(clustered.first, single.totals);
  assert.deepEqual(clustered.totals, single.totals);
  // No worker tried to bind the port (and so none warned about it).
  assert.deepEqual(aimeterLines(clustered.stderr), []);
  // aimeter's IPC messages are Node-internal: the app's process.on('message') / worker.on('message') never see them.
  assert.doesNotMatch(clustered.stdout, /saw a message not its own/);
  const { samples } = parseExposition(clustered.text);
  assert.equal(samples.find((s) => s.name === 'aimeter_cluster_workers')?.value, 2);
  assert.equal(samples.find((s) => s.name === 'aimeter_cluster_worker_misses_total')?.value, 0);
});

test('cluster: a worker that does not answer within AIMETER_CLUSTER_COLLECT_TIMEOUT_MS is counted as a miss and named once; the scrape is not held', async () => {
  // APP_BARE_WORKER: one more worker forked without the preload (it cannot answer).
  const started = Date.now();
  const result = await scrapedTotals({ APP_WORKERS: '2', APP_BARE_WORKER: '1', AIMETER_CLUSTER_COLLECT_TIMEOUT_MS: '300' });
  assert.equal(result.totals.calls, 10);
  const { samples } = parseExposition(result.text);
  assert.equal(samples.find((s) => s.name === 'aimeter_cluster_workers')?.value, 2);
  // Two scrapes (scrapedTotals scrapes twice): two misses, one line.
  assert.equal(samples.find((s) => s.name === 'aimeter_cluster_worker_misses_total')?.value, 2);
  const lines = aimeterLines(result.stderr);
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0]!, /did not answer within 300 ms/);
  assert.ok(Date.now() - started < 30_000);
});
