/**
 * The bundle's loader (src/sdk/bundle-loader.ts; issue 10, start-up): its code cache, through the real
 * preload in child processes: the first start writes V8's compiled code of dist/bundle/aimeter.cjs
 * under NODE_COMPILE_CACHE/aimeter, the next start takes it (the file is not rewritten: V8
 * accepted it), and either way the app's first line finds aimeter running (hooks in place,
 * `require('aimeter')` the same copy as the preload's). A corrupt cache costs one compile and is
 * replaced; a cache directory that cannot be made, that others can write to, or that is a symbolic
 * link, is not used; and
 * NODE_DISABLE_COMPILE_CACHE turns it off. With OTEL_SDK_DISABLED=true the bundle is not read at all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../helpers/child-app';

// What the app's first line sees: http instrumented (shimmer marks what it wrapped), the running
// instance reachable through require('aimeter').
const APP = `console.log(JSON.stringify({ httpWrapped: require('http').get.__wrapped === true, running: require('aimeter').current() !== undefined }))`;

function start(env: Record<string, string>): { httpWrapped: boolean; running: boolean } {
  const out = execFileSync(process.execPath, ['--require', 'aimeter/register', '-e', APP], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    // NODE_V8_COVERAGE cleared: under c8 the loader takes plain require() (the bundle's coverage
    // build), which is not what these tests are about.
    env: { ...process.env, NODE_V8_COVERAGE: '', NODE_OPTIONS: '', NODE_DISABLE_COMPILE_CACHE: '', OTEL_EXPORTER_PROMETHEUS_PORT: '0', OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1', ...env },
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { httpWrapped: boolean; running: boolean };
}

const cacheFiles = (dir: string): string[] => {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.cache'));
  } catch {
    return [];
  }
};

test('the first start writes the code cache, the next one takes it, and both start aimeter fully', (t) => {
  const root = mkdtempSync(path.join(tmpdir(), 'aimeter-cache-test-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dir = path.join(root, 'aimeter');
  assert.deepEqual(start({ NODE_COMPILE_CACHE: root }), { httpWrapped: true, running: true });
  const [file] = cacheFiles(dir);
  assert.ok(file, 'a cache file was written at exit');
  assert.match(file, new RegExp(`-${process.version.replace(/\./g, '\\.')}-${process.arch}\\.cache$`));
  assert.equal(statSync(dir).mode & 0o777, 0o700, 'the directory is private');
  assert.equal(statSync(path.join(dir, file)).mode & 0o777, 0o600);
  const written = statSync(path.join(dir, file));
  assert.ok(written.size > 100_000, `${written.size} bytes: the functions the preload compiled, not only the top level`);

  assert.deepEqual(start({ NODE_COMPILE_CACHE: root }), { httpWrapped: true, running: true });
  const again = statSync(path.join(dir, file));
  assert.equal(again.mtimeMs, written.mtimeMs, 'not rewritten: V8 took the cache');
  assert.equal(again.ino, written.ino);
});

test('a corrupt cache costs one compile and is replaced; the app never sees it', (t) => {
  const root = mkdtempSync(path.join(tmpdir(), 'aimeter-cache-test-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  start({ NODE_COMPILE_CACHE: root });
  const dir = path.join(root, 'aimeter');
  const [file] = cacheFiles(dir);
  const garbage = Buffer.alloc(4096, 7);
  writeFileSync(path.join(dir, file!), garbage);
  assert.deepEqual(start({ NODE_COMPILE_CACHE: root }), { httpWrapped: true, running: true });
  assert.notDeepEqual(readFileSync(path.join(dir, file!)), garbage, 'rewritten with V8 code');
  assert.deepEqual(cacheFiles(dir), [file], 'no partial files left');
});

test('no cache where it cannot be made or is not private, nor when NODE_DISABLE_COMPILE_CACHE is set', (t) => {
  const root = mkdtempSync(path.join(tmpdir(), 'aimeter-cache-test-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  // NODE_COMPILE_CACHE names a file: the directory cannot be made.
  const file = path.join(root, 'a-file');
  writeFileSync(file, '');
  assert.deepEqual(start({ NODE_COMPILE_CACHE: file }), { httpWrapped: true, running: true });
  // A directory others can write to: bytecode planted there would run as the app.
  const open = path.join(root, 'open');
  mkdirSync(path.join(open, 'aimeter'), { recursive: true });
  chmodSync(path.join(open, 'aimeter'), 0o777);
  assert.deepEqual(start({ NODE_COMPILE_CACHE: open }), { httpWrapped: true, running: true });
  assert.deepEqual(cacheFiles(path.join(open, 'aimeter')), []);
  // A symbolic link in its place (in a shared /tmp, anyone can plant one): not followed.
  const linked = path.join(root, 'linked');
  const target = path.join(root, 'target');
  mkdirSync(target, { mode: 0o700 });
  mkdirSync(linked);
  symlinkSync(target, path.join(linked, 'aimeter'), 'dir');
  assert.deepEqual(start({ NODE_COMPILE_CACHE: linked }), { httpWrapped: true, running: true });
  assert.deepEqual(cacheFiles(target), []);
  // Node's own switch.
  const off = path.join(root, 'off');
  assert.deepEqual(start({ NODE_COMPILE_CACHE: off, NODE_DISABLE_COMPILE_CACHE: '1' }), { httpWrapped: true, running: true });
  assert.deepEqual(cacheFiles(path.join(off, 'aimeter')), []);
});

test('OTEL_SDK_DISABLED=true: the bundle is not even read; any other value goes to the full rule', () => {
  // require('http') first: a CommonJS app starts aimeter at its first require() (first-use.ts).
  const probe = `console.log(JSON.stringify({ wrapped: require('http').get.__wrapped === true, bundle: Object.keys(require.cache).some((f) => f.endsWith('aimeter.cjs')) }))`;
  const run = (value: string) => {
    const child = spawnSync(process.execPath, ['--require', 'aimeter/register', '-e', probe], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '', OTEL_SDK_DISABLED: value, OTEL_EXPORTER_PROMETHEUS_PORT: '0', OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1' },
    });
    return { ...(JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { bundle: boolean; wrapped: boolean }), stderr: child.stderr };
  };
  for (const value of ['true', ' TRUE ']) assert.deepEqual(run(value), { bundle: false, wrapped: false, stderr: '' }, JSON.stringify(value));
  // Not the shortcut's to judge: config/env.ts reads it (false, or invalid: a warning and the default, enabled).
  assert.deepEqual(run('false'), { bundle: true, wrapped: true, stderr: '' });
  const invalid = run('yes');
  assert.deepEqual([invalid.bundle, invalid.wrapped], [true, true]);
  assert.match(invalid.stderr, /OTEL_SDK_DISABLED="yes" is not valid/);
});

test("require-in-the-middle's debug logger is loaded only under DEBUG (scripts/bundle.js lazy-debug)", () => {
  const probe = `require('http'); console.log(JSON.stringify(process.moduleLoadList.some((m) => m === 'NativeModule tty')))`;
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['--require', 'aimeter/register', '-e', probe], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '', DEBUG: '', OTEL_EXPORTER_PROMETHEUS_PORT: '0', OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1', ...env },
    });
  const quiet = run({});
  assert.equal(quiet.stdout.trim(), 'false', 'debug (and its node:tty) not loaded');
  assert.equal(quiet.stderr, '');
  const debugging = run({ DEBUG: 'require-in-the-middle' });
  assert.match(debugging.stderr, /require-in-the-middle registering require hook/);
});
