/**
 * A package manager started with NODE_OPTIONS=--require aimeter/register (npm start, npx, pnpm)
 * never takes the port: the app it runs does, and counts its call. Real npm and npx (and pnpm
 * through `npx -y pnpm@9` when the registry can be reached).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort, scrape } from '../helpers/child-app';
import { APPS, REGISTER, aimeterLines, genAiTotals, run } from './run';

const APP = path.join(APPS, 'one-call-app.js');
let dir: string;

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'aimeter-wrappers-'));
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'wrapped-app', version: '1.0.0', private: true, scripts: { start: `node ${JSON.stringify(APP)}` } }),
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function underWrapper(command: string, args: string[]) {
  const port = await freePort();
  const app = await run(command, args, {
    NODE_OPTIONS: `--require ${REGISTER}`,
    OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
    OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
    npm_config_update_notifier: 'false',
  }, { cwd: dir });
  try {
    const totals = genAiTotals((await scrape(port)).body);
    return { totals, stderr: app.stderr() };
  } finally {
    await app.stop();
  }
}

test('npm start under NODE_OPTIONS: npm does not take the port, the app does and counts its call', async () => {
  const { totals, stderr } = await underWrapper('npm', ['start']);
  assert.equal(totals.calls, 1);
  assert.deepEqual(aimeterLines(stderr), []);
});

test('npx under NODE_OPTIONS: npx does not take the port, the command it runs does', async () => {
  const { totals, stderr } = await underWrapper('npx', ['-c', `node ${JSON.stringify(APP)}`]);
  assert.equal(totals.calls, 1);
  assert.deepEqual(aimeterLines(stderr), []);
});

const pnpm = spawnSync('npx', ['-y', 'pnpm@9', '--version'], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, npm_config_update_notifier: 'false' } });
test('pnpm start (npx -y pnpm@9) under NODE_OPTIONS: neither npx nor pnpm takes the port', { skip: pnpm.status === 0 ? false : `pnpm@9 not available: ${pnpm.stderr}` }, async () => {
  const { totals, stderr } = await underWrapper('npx', ['-y', 'pnpm@9', 'start']);
  assert.equal(totals.calls, 1);
  assert.deepEqual(aimeterLines(stderr), []);
});
