/** Which role a process plays (src/processes/role.ts), on real files and symlinks laid out as the CLIs install them. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { packageManagerWrapper } from '../../src/processes/package-managers';
import { metricsPortFor, processRole } from '../../src/processes/role';
import { configFromEnv } from '../../src/config/env';

const root = mkdtempSync(path.join(tmpdir(), 'aimeter-role-'));
after(() => rmSync(root, { recursive: true, force: true }));

function file(relative: string): string {
  const full = path.join(root, relative);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, '');
  return full;
}
function link(relative: string, target: string): string {
  const full = path.join(root, relative);
  mkdirSync(path.dirname(full), { recursive: true });
  symlinkSync(target, full);
  return full;
}

test('the package managers and PM2 CLIs are recognised, through the symlinks they are installed as', () => {
  const npmCli = file('lib/node_modules/npm/bin/npm-cli.js');
  assert.equal(packageManagerWrapper(link('bin/npm', npmCli), undefined), 'npm');
  assert.equal(packageManagerWrapper(link('bin/npx', file('lib/node_modules/npm/bin/npx-cli.js')), undefined), 'npx');
  assert.equal(packageManagerWrapper(link('bin/yarn', file('lib/node_modules/yarn/bin/yarn.js')), undefined), 'yarn');
  assert.equal(packageManagerWrapper(file('project/.yarn/releases/yarn-4.5.0.cjs'), undefined), 'yarn');
  assert.equal(packageManagerWrapper(link('bin/pnpm', file('lib/node_modules/pnpm/bin/pnpm.cjs')), undefined), 'pnpm');
  assert.equal(packageManagerWrapper(link('corepack-bin/pnpm', file('lib/node_modules/corepack/dist/pnpm.js')), undefined), 'corepack');
  assert.equal(packageManagerWrapper(link('bin/pm2', file('lib/node_modules/pm2/bin/pm2')), undefined), 'pm2');
  assert.equal(packageManagerWrapper(file('lib/node_modules/pm2/lib/Daemon.js'), undefined), 'pm2');
  // The script npm_execpath names (a nested `npm run`, a package manager under another name).
  const custom = file('tools/my-pm/entry.js');
  assert.equal(packageManagerWrapper(custom, custom), 'entry');
});

test('applications are not wrappers: PM2 ProcessContainer (runs the app), an app named cli.js, an app under npm (npm_execpath set)', () => {
  assert.equal(packageManagerWrapper(file('lib/node_modules/pm2/lib/ProcessContainer.js'), undefined), undefined);
  assert.equal(packageManagerWrapper(file('lib/node_modules/pm2/lib/ProcessContainerFork.js'), undefined), undefined);
  assert.equal(packageManagerWrapper(file('app/cli.js'), undefined), undefined);
  assert.equal(packageManagerWrapper(file('app/server.js'), path.join(root, 'lib/node_modules/npm/bin/npm-cli.js')), undefined);
  assert.equal(packageManagerWrapper(undefined, undefined), undefined);
});

test('roles: threads, PM2 instances, cluster workers, main; PM2 instances serve side by side', () => {
  const hints = (env: Record<string, string>) => configFromEnv(env).config.processHints;
  const main = { isMainThread: true, parentPort: null, clusterWorker: false };
  const worker = { ...main, clusterWorker: true };
  const app = file('app/server.js');
  assert.deepEqual(processRole(hints({}), { isMainThread: false, parentPort: null, clusterWorker: false }, app), { kind: 'internal-thread' });
  assert.deepEqual(processRole(hints({}), { isMainThread: false, parentPort: {}, clusterWorker: false }, app), { kind: 'thread' });
  assert.deepEqual(processRole(hints({}), worker, app), { kind: 'cluster-worker' });
  const pm2 = processRole(hints({ pm_id: '3', NODE_APP_INSTANCE: '2' }), worker, app);
  assert.deepEqual(pm2, { kind: 'pm2-instance', instance: 2 });
  assert.equal(metricsPortFor(pm2, 9464), 9466);
  assert.equal(metricsPortFor(pm2, 0), 0, 'port 0 (any free port) stays 0');
  assert.deepEqual(processRole(hints({ pm_id: '0' }), main, app), { kind: 'pm2-instance', instance: 0 });
  // PM2 cluster mode: only the pm2_env JSON is in the environment while the preload runs.
  assert.deepEqual(processRole(hints({ pm2_env: JSON.stringify({ instance_var: 'NODE_APP_INSTANCE', NODE_APP_INSTANCE: 1, pm_id: 4 }) }), worker, app), { kind: 'pm2-instance', instance: 1 });
  assert.deepEqual(processRole(hints({ pm2_env: '{not json' }), worker, app), { kind: 'pm2-instance', instance: 0 });
  assert.deepEqual(processRole(hints({}), main, app), { kind: 'main' });
  assert.equal(metricsPortFor({ kind: 'main' }, 9464), 9464);
});

test('AIMETER_CLUSTER_COLLECT_TIMEOUT_MS: default 1000, strict digits, one problem naming the variable', () => {
  assert.equal(configFromEnv({}).config.clusterCollectTimeoutMs, 1000);
  assert.equal(configFromEnv({ AIMETER_CLUSTER_COLLECT_TIMEOUT_MS: '250' }).config.clusterCollectTimeoutMs, 250);
  for (const bad of ['0x10', '1e3', '-5', '0', 'soon', '60001']) {
    const parsed = configFromEnv({ AIMETER_CLUSTER_COLLECT_TIMEOUT_MS: bad });
    assert.equal(parsed.config.clusterCollectTimeoutMs, 1000, bad);
    assert.equal(parsed.problems.length, 1, bad);
    assert.match(parsed.problems[0]!, /AIMETER_CLUSTER_COLLECT_TIMEOUT_MS/);
  }
});
