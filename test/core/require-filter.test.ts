/**
 * The require() calls that skip require-in-the-middle's second resolution (src/sdk/require-filter.ts;
 * issue 10, start-up): unit cases against @opentelemetry/instrumentation's own ModuleNameTrie,
 * then real child processes under the shipped preload, counting `Module._resolveFilename` calls.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { ModuleNameTrie } from '@opentelemetry/instrumentation/build/src/platform/node/ModuleNameTrie';
import { internalErrorCounts } from '../../src/internal/errors';
import { cannotLoadHooked } from '../../src/sdk/require-filter';
import { REPO_ROOT, runFileWith } from '../helpers/child-app';

/** The table as @opentelemetry/instrumentation fills it for these hooked names. */
function trieOf(...names: string[]): ModuleNameTrie {
  const trie = new ModuleNameTrie();
  for (const moduleName of names) trie.insert({ moduleName, onRequire: <T>(exports: T) => exports });
  return trie;
}

const NM = path.join(REPO_ROOT, 'node_modules');
const APP_FILE = { filename: path.join(REPO_ROOT, 'app', 'server.js') };
const EXPRESS_FILE = { filename: path.join(NM, 'express', 'lib', 'express.js') };
const OPENAI_FILE = { filename: path.join(NM, 'openai', 'index.js') };

test("bare specifiers in a package's files: skipped unless the package (scope and name) is hooked", () => {
  const trie = trieOf('openai', '@anthropic-ai/sdk', 'http');
  for (const id of ['debug', 'debug/src/node', '@types/node', '@anthropic-ai/other', 'openaix']) {
    assert.equal(cannotLoadHooked(trie, id, EXPRESS_FILE), true, id);
  }
  for (const id of ['openai', 'openai/resources/chat', '@anthropic-ai/sdk', '@anthropic-ai/sdk/core']) {
    assert.equal(cannotLoadHooked(trie, id, EXPRESS_FILE), false, id);
  }
});

test("bare specifiers in the application's own files go through the hook (module-alias, tsconfig-paths)", () => {
  const trie = trieOf('openai');
  assert.equal(cannotLoadHooked(trie, 'express', APP_FILE), false);
  assert.equal(cannotLoadHooked(trie, 'my-alias-of-openai', APP_FILE), false);
  assert.equal(cannotLoadHooked(trie, 'express', undefined), false);
});

test('paths: the package whose node_modules folder the joined path is in; application files are skipped', () => {
  const trie = trieOf('openai');
  assert.equal(cannotLoadHooked(trie, './routes', APP_FILE), true, "the app's own file");
  assert.equal(cannotLoadHooked(trie, './router', EXPRESS_FILE), true, 'inside an unhooked package');
  assert.equal(cannotLoadHooked(trie, './core', OPENAI_FILE), false, 'inside a hooked package');
  assert.equal(cannotLoadHooked(trie, '../node_modules/openai/index.js', APP_FILE), false, 'climbing into a hooked package');
  assert.equal(cannotLoadHooked(trie, '../../openai/index.js', EXPRESS_FILE), false, 'from one package into a hooked sibling');
  assert.equal(cannotLoadHooked(trie, path.join(NM, 'openai', 'index.js'), APP_FILE), false, 'absolute, hooked');
  assert.equal(cannotLoadHooked(trie, path.join(NM, 'express', 'index.js'), APP_FILE), true, 'absolute, unhooked');
  assert.equal(cannotLoadHooked(trie, './x', { filename: path.join(NM, 'openai', 'node_modules', 'dep', 'a.js') }), true, 'a dependency nested in a hooked package');
});

test('relative paths are joined as path.resolve() joins them: dots, double slashes, climbing past the root', () => {
  const trie = trieOf('openai', '@anthropic-ai/sdk');
  const ids = ['./a', '././a/./b', '../x', '../../openai/core.js', './a/../../../openai', './/a//b', '../openai/../express/x', '..', '.', './', '../../..'];
  const climb = '../'.repeat(REPO_ROOT.split(path.sep).length + 12);
  ids.push(`${climb}node_modules/openai/index.js`, `${climb}app/x.js`, `${climb}node_modules/@anthropic-ai/sdk/index.js`, `${climb}node_modules/@anthropic-ai/other`);
  for (const parent of [APP_FILE, EXPRESS_FILE, OPENAI_FILE, { filename: path.join(NM, '@anthropic-ai', 'sdk', 'index.js') }]) {
    for (const id of ids) {
      // The same question answered with path.resolve(): which node_modules package the file is in.
      const file = path.resolve(path.dirname(parent.filename), id);
      const at = file.lastIndexOf(`${path.sep}node_modules${path.sep}`);
      const parts = at === -1 ? [] : file.slice(at + '/node_modules/'.length).split(path.sep);
      const pkg = at === -1 ? '' : parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : parts[0]!;
      const expected = pkg === '' ? true : !['openai', '@anthropic-ai/sdk'].includes(pkg) && !(pkg.startsWith('@') && pkg.endsWith('/'));
      assert.equal(cannotLoadHooked(trie, id, parent), expected, `${id} from ${parent.filename} (${file})`);
    }
  }
});

test('whatever cannot be told from the text goes through the hook', () => {
  const trie = trieOf('openai');
  assert.equal(cannotLoadHooked(trie, '#internal/util', EXPRESS_FILE), false, 'package imports');
  assert.equal(cannotLoadHooked(trie, 'node:nonexistent', EXPRESS_FILE), false, 'node: prefix');
  assert.equal(cannotLoadHooked(trie, './x', undefined), false, 'no requiring module');
  assert.equal(cannotLoadHooked(trie, './x', { filename: undefined }), false, 'a requiring module without a file');
  assert.equal(cannotLoadHooked(trie, '', APP_FILE), false, 'empty id');
  assert.equal(cannotLoadHooked(trie, 42, APP_FILE), false, 'not a string');
  assert.equal(cannotLoadHooked({}, 'debug', EXPRESS_FILE), false, 'a table of another shape');
});

test('a table that throws when read: the call goes through the hook, and the error is counted', () => {
  const before = internalErrorCounts().get('require-filter') ?? 0;
  const hostile = {
    get _trie(): never {
      throw new Error('boom');
    },
  };
  assert.equal(cannotLoadHooked(hostile, 'debug', EXPRESS_FILE), false);
  assert.equal(internalErrorCounts().get('require-filter') ?? 0, before + 1);
});

test('an instrumentation registered later is seen at the next call', () => {
  const trie = trieOf('openai');
  assert.equal(cannotLoadHooked(trie, 'pg', EXPRESS_FILE), true);
  trie.insert({ moduleName: 'pg', onRequire: <T>(exports: T) => exports });
  assert.equal(cannotLoadHooked(trie, 'pg', EXPRESS_FILE), false);
});

/** Counts Module._resolveFilename calls while each package loads (absolute entry paths: the app file is in a temporary folder). */
function resolutions(preload: readonly string[]): { express: number; openai: number; patched: boolean } {
  const entry = (pkg: string) => JSON.stringify(require.resolve(pkg));
  return runFileWith(
    preload,
    `const Module = require('node:module');
require('node:http'); // starts aimeter under the preload (src/sdk/first-use.ts)
let n = 0;
const resolve = Module._resolveFilename;
Module._resolveFilename = function () { n++; return resolve.apply(this, arguments); };
const count = (load) => { const before = n; const exports = load(); return [n - before, exports]; };
const [express] = count(() => require(${entry('express')}));
const [openai, sdk] = count(() => require(${entry('openai')}));
// The SDK's own method is a class method (its source starts "create("); aimeter's wrapper is not.
const create = (sdk.OpenAI ?? sdk.default).Chat.Completions.prototype.create;
console.log(JSON.stringify({ express, openai, patched: !String(create).startsWith('create(') }));
`,
  ) as { express: number; openai: number; patched: boolean };
}

test('under the preload, loading express resolves no file twice; openai still goes through the hook and is patched', () => {
  const bare = resolutions([]);
  const withAimeter = resolutions(['--require', path.join(REPO_ROOT, 'dist', 'bundle', 'register.cjs')]);
  assert.ok(bare.express > 20, `express loads its files (${bare.express} resolutions)`);
  // Without the filter the hook resolves every file a second time: about twice bare node's count.
  assert.ok(withAimeter.express <= bare.express, `no second resolution of any express file (${withAimeter.express} against ${bare.express})`);
  assert.ok(withAimeter.openai > bare.openai, `openai's files are resolved again by the hook (${withAimeter.openai} against ${bare.openai})`);
  assert.equal(bare.patched, false);
  assert.equal(withAimeter.patched, true);
});

test('an alias the application maps with its own resolver (module-alias style) to a hooked package is still patched', () => {
  const entry = JSON.stringify(require.resolve('openai'));
  const out = runFileWith(
    ['--require', path.join(REPO_ROOT, 'dist', 'bundle', 'register.cjs')],
    `const Module = require('node:module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) { return resolve.call(this, request === 'my-openai' ? ${entry} : request, ...rest); };
require('node:http'); // starts aimeter under the preload
const sdk = require('my-openai');
const create = (sdk.OpenAI ?? sdk.default).Chat.Completions.prototype.create;
console.log(JSON.stringify({ patched: !String(create).startsWith('create(') }));
`,
  );
  assert.equal(out.patched, true);
});
