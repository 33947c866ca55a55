/**
 * When `--require aimeter/register` starts aimeter in a CommonJS app (src/sdk/first-use.ts;
 * issue 10, start-up): at the first require() of a package, a file or a hooked built-in, inside
 * that require() (the module it returns is already instrumented), or at the first turn of the
 * event loop; not at all in a process that does neither. An ES-module entry point starts at once.
 * Each case is a real child process under the shipped preload.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isBuiltin } from 'node:module';
import * as path from 'node:path';
import { installInstrumentations } from '../../src/sdk/instrumentations';
import { esmHooksMayRun } from '../../src/sdk/esm-hook-gate';
import { HOOKED_BUILTINS } from '../../src/sdk/first-use';
import { REPO_ROOT, runFileWith } from '../helpers/child-app';

const RUNNING = `globalThis[Symbol.for('aimeter.instance')] != null`;
const OURS = `Object.keys(require.cache).filter((f) => f.includes('dist/bundle/')).map((f) => f.split('dist/bundle/')[1]).sort()`;

/** Runs `source` as a file under the preload; its last stdout line as JSON. */
function run(source: string, file = 'app.js'): Record<string, unknown> {
  return runFileWith(['--require', path.join(REPO_ROOT, 'dist', 'bundle', 'register.cjs')], source, file);
}

test('a process that requires nothing and never turns its event loop loads nothing of aimeter but its loader', () => {
  assert.deepEqual(run(`console.log(JSON.stringify({ running: ${RUNNING}, ours: ${OURS} }))`), {
    running: false,
    ours: ['loader.cjs', 'register.cjs'],
  });
});

test('a built-in that no instrumentation hooks does not start it; the first package does, before it loads', () => {
  const result = run(`
    require('node:os'); require('path');
    const before = ${RUNNING};
    require(require.resolve('express', { paths: [${JSON.stringify(REPO_ROOT)}] }));
    console.log(JSON.stringify({ before, after: ${RUNNING}, ours: ${OURS} }))`);
  assert.deepEqual(result, { before: false, after: true, ours: ['aimeter.cjs', 'loader.cjs', 'register.cjs'] });
});

test('a first require() of http returns the instrumented module', () => {
  assert.deepEqual(run(`console.log(JSON.stringify({ wrapped: require('http').get.__wrapped === true, running: ${RUNNING} }))`), { wrapped: true, running: true });
});

test('a first require() of a file of the app starts it too (require("aimeter") then finds the running instance)', () => {
  const result = run(`
    const before = ${RUNNING};
    const aimeter = require(${JSON.stringify(path.join(REPO_ROOT, 'dist', 'bundle', 'index.cjs'))});
    console.log(JSON.stringify({ before, current: aimeter.current() !== undefined }))`);
  assert.deepEqual(result, { before: false, current: true });
});

test('a process that requires nothing but stays up starts at the first turn of its event loop', () => {
  assert.deepEqual(run(`const atFirstLine = ${RUNNING}; setTimeout(() => console.log(JSON.stringify({ atFirstLine, later: ${RUNNING} })), 100);`), {
    atFirstLine: false,
    later: true,
  });
});

test('an ES-module entry point starts at once (its imports do not go through require())', () => {
  assert.deepEqual(run(`console.log(JSON.stringify({ running: ${RUNNING} }))`, 'app.mjs'), { running: true });
});

test("an app that wraps Module.prototype.require before its first require() keeps working: no recursion, http instrumented from the next require()", () => {
  const result = run(`
    const Module = module.constructor;
    const original = Module.prototype.require;
    let calls = 0;
    Module.prototype.require = function (...args) { calls += 1; return original.apply(this, args); };
    require('http');
    const wrapped = require('http').get.__wrapped === true;
    console.log(JSON.stringify({ wrapped, running: ${RUNNING}, ourWrapperCalled: calls > 0 }))`);
  assert.deepEqual(result, { wrapped: true, running: true, ourWrapperCalled: true });
});

test('HOOKED_BUILTINS lists every built-in module that an instrumentation hooks', () => {
  const hooked = installInstrumentations(new Set())
    .flatMap((instrumentation) => (instrumentation as unknown as { getModuleDefinitions(): { name: string }[] }).getModuleDefinitions())
    .map((definition) => definition.name)
    .filter((name) => isBuiltin(name));
  assert.ok(hooked.length > 0, 'instrumentation-http hooks http and https');
  assert.deepEqual([...new Set(hooked)].sort(), [...HOOKED_BUILTINS].sort());
});

test('esm-hook-gate: the real import-in-the-middle Hook wherever a loader flag is on the command line or in NODE_OPTIONS', () => {
  assert.equal(esmHooksMayRun([], undefined), false);
  assert.equal(esmHooksMayRun(['--require', 'aimeter/register'], '--max-old-space-size=100'), false);
  assert.equal(esmHooksMayRun(['--importance'], '--loaderx'), false, 'a flag that only starts like one');
  for (const execArgv of [['--import', 'x'], ['--import=x'], ['--loader', 'x'], ['--experimental-loader=x']]) {
    assert.equal(esmHooksMayRun(execArgv, undefined), true, execArgv.join(' '));
  }
  for (const options of ['--import=aimeter/register', '--require a --import b', '--experimental-loader x']) {
    assert.equal(esmHooksMayRun([], options), true, options);
  }
});
