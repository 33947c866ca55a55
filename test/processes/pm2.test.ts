/**
 * PM2 cluster mode with the real pm2 (test/fixtures/pm2): `NODE_OPTIONS=--require
 * aimeter/register pm2 start app.js -i 2`. PM2's daemon is the cluster primary and runs no
 * aimeter code of the app's, so each instance serves its own /metrics on
 * OTEL_EXPORTER_PROMETHEUS_PORT + NODE_APP_INSTANCE; the CLI and the daemon take no port.
 * 2 instances x 5 calls: exactly 5 on each port, 10 in all.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, freePort, scrape } from '../helpers/child-app';
import { APPS, REGISTER, genAiTotals } from './run';

const PM2 = path.join(REPO_ROOT, 'test', 'fixtures', 'pm2', 'node_modules', 'pm2', 'bin', 'pm2');
const APP = path.join(APPS, 'pm2-app.js');
let home: string;
let env: NodeJS.ProcessEnv;

function pm2(...args: string[]) {
  return spawnSync(process.execPath, [PM2, ...args], { env, encoding: 'utf8', timeout: 60_000 });
}

before(() => {
  home = mkdtempSync(path.join(tmpdir(), 'aimeter-pm2-'));
});
after(() => {
  if (env) pm2('kill');
  rmSync(home, { recursive: true, force: true });
});

/** A free port whose successor is free too (the ports of instances 0 and 1). */
async function twoPorts(): Promise<number> {
  const { createServer } = await import('node:net');
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer().once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (;;) {
    const base = await freePort();
    if (base < 65535 && (await free(base + 1))) return base;
  }
}

test('PM2 cluster mode: each instance serves its own /metrics on port + NODE_APP_INSTANCE, all 10 calls counted', { skip: existsSync(PM2) ? false : 'test/fixtures/pm2 not installed (npm run pretest)' }, async () => {
  const base = await twoPorts();
  env = {
    ...process.env,
    PM2_HOME: home,
    NODE_OPTIONS: `--require ${REGISTER}`,
    OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
    OTEL_EXPORTER_PROMETHEUS_PORT: String(base),
    APP_CALLS: '5',
  };
  const started = pm2('start', APP, '-i', '2', '--name', 'aimeter-pm2-test');
  assert.equal(started.status, 0, started.stderr + started.stdout);
  const per: number[] = [];
  const deadline = Date.now() + 30_000;
  for (const port of [base, base + 1]) {
    let calls = 0;
    while (Date.now() < deadline) {
      calls = await scrape(port, '/metrics', { waitMs: 30_000 }).then((r) => genAiTotals(r.body).calls);
      if (calls >= 5) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    per.push(calls);
  }
  assert.deepEqual(per, [5, 5]);
  const errors = pm2('logs', '--nostream', '--lines', '200', '--err');
  assert.doesNotMatch(errors.stdout, /aimeter: cannot serve/);
});
