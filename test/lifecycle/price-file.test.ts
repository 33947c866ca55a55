/** AIMETER_PRICES naming a special file (a FIFO, a device, a directory) is refused with a message; start-up does not hang. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, freePort, startChildApp } from '../helpers/child-app';

const APP = path.join(REPO_ROOT, 'dist', 'test', 'apps', 'exit-app.js');

for (const [kind, make] of [
  ['a named pipe', (dir: string) => {
    const fifo = path.join(dir, 'prices.fifo');
    execFileSync('mkfifo', [fifo]);
    return fifo;
  }],
  ['a device', () => '/dev/zero'],
  ['a directory', (dir: string) => dir],
] as const) {
  test(`AIMETER_PRICES naming ${kind}: refused with a message, the app starts`, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'aimeter-prices-'));
    try {
      const file = make(dir);
      const app = await startChildApp(['--require', 'aimeter/register', APP], {
        AIMETER_PRICES: file,
        EXIT_MODE: 'stdin',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
        OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      }, { timeoutMs: 30_000 });
      assert.equal(await app.stop(), 0);
      assert.ok(app.stderr().includes(`aimeter: price file ${file}: is not a regular file (${kind})`), app.stderr());
      assert.match(app.stderr(), /the bundled prices stay in force/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
