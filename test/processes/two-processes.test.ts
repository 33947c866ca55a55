/**
 * Two unrelated processes on one host with the same metrics port: the first serves /metrics, the
 * second prints ONE line naming the fix (its own port through OTEL_EXPORTER_PROMETHEUS_PORT, or
 * one cluster) and runs on; its calls are never lost without a word.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { freePort, scrape } from '../helpers/child-app';
import { APPS, REGISTER, aimeterLines, genAiTotals, run } from './run';

const APP = path.join(APPS, 'one-call-app.js');

test('two processes, one port: the second is told plainly how to be counted', async () => {
  const port = await freePort();
  const env = { OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1', OTEL_EXPORTER_PROMETHEUS_PORT: String(port) };
  const first = await run(process.execPath, ['--require', REGISTER, APP], env);
  try {
    await scrape(port);
    const second = await run(process.execPath, ['--require', REGISTER, APP], env);
    // The warning comes when the bind fails, which may be just after "ready".
    for (let i = 0; i < 100 && aimeterLines(second.stderr()).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await second.stop(), 0, 'the second process ran on and exited normally');
    const lines = aimeterLines(second.stderr());
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0]!, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.match(lines[0]!, /another process/);
    assert.match(lines[0]!, /OTEL_EXPORTER_PROMETHEUS_PORT/);
    assert.match(lines[0]!, /cluster/);
    assert.match(lines[0]!, /docs\/processes\.md/);
    // The first one is untouched: its own call, no warning.
    assert.equal(genAiTotals((await scrape(port)).body).calls, 1);
    assert.deepEqual(aimeterLines(first.stderr()), []);
  } finally {
    await first.stop();
  }
});
