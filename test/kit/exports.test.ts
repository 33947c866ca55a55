/**
 * patchableExports: a bundler's CommonJS exports (non-configurable getters, as esbuild and tsup
 * write them) become a copy the patcher can wrap, the same copy every time; exports that can be
 * redefined are patched in place.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { patchableExports } from '../../src/tracing/exports';
import { Patcher } from '../../src/tracing/patcher';

/** What esbuild's __export and __toCommonJS make: getters that cannot be redefined. */
function bundledExports(live: { greet: (name: string) => string; version: number }): Record<string, unknown> {
  const exports = Object.defineProperty({}, '__esModule', { value: true });
  for (const key of ['greet', 'version'] as const) Object.defineProperty(exports, key, { get: () => live[key], enumerable: true });
  return exports;
}

test('read-only getters: a copy with the same live exports, wrapped there, the original untouched', () => {
  const live = { greet: (name: string) => `hello ${name}`, version: 1 };
  const original = bundledExports(live);
  assert.throws(() => Object.defineProperty(original, 'greet', { value: () => 'x' }), TypeError, 'the premise: not redefinable');
  const copy = patchableExports(original, 'greet');
  assert.notEqual(copy, original);
  assert.equal(patchableExports(original, 'greet'), copy, 'one copy per exports object');
  assert.deepEqual(Object.keys(copy), ['greet', 'version']);
  assert.equal(copy.__esModule, true);
  live.version = 2;
  assert.equal(copy.version, 2, 'live, as the bundler\'s getters are');
  const patcher = new Patcher(Symbol('test'));
  assert.equal(
    patcher.wrap(copy, 'greet', (fn) => function (this: unknown, ...args: unknown[]) {
      return `${fn.apply(this, args) as string}!`;
    }),
    true,
  );
  assert.equal((copy.greet as (n: string) => string)('you'), 'hello you!');
  assert.equal((original.greet as (n: string) => string)('you'), 'hello you', 'the original is not changed');
  patcher.unwrap(copy, 'greet');
  assert.equal((copy.greet as (n: string) => string)('you'), 'hello you');
});

test('exports that can be redefined (a plain object, an ES module namespace through import-in-the-middle) are patched in place', () => {
  const plain = { greet: () => 'hi' };
  assert.equal(patchableExports(plain, 'greet'), plain);
  const writable = Object.defineProperty({}, 'greet', { value: () => 'hi', writable: true, enumerable: true });
  assert.equal(patchableExports(writable, 'greet'), writable);
  const missing = {};
  assert.equal(patchableExports(missing, 'greet'), missing, 'nothing to patch: left as it is');
});
