/**
 * The bundle's copy of @opentelemetry/api (src/sdk/api-binding.ts; issue 10, start-up): used only
 * where it is the installed version and nobody loaded the installed package yet, and then
 * registered as that package, so the app's require() and import get the very same module. Unit
 * cases with stand-in sources, then real child processes under the shipped preload.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bindApi, installedVersion, type ApiSources } from '../../src/sdk/api-binding';
import { REPO_ROOT, runFileWith } from '../helpers/child-app';

const INSTALLED_ENTRY = require.resolve('@opentelemetry/api');
const INSTALLED_VERSION = (JSON.parse(readFileSync(path.join(path.dirname(INSTALLED_ENTRY), '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

/** Sources whose two copies are told apart by a marker; records which one was loaded. */
function sources(overrides: Partial<ApiSources> = {}): ApiSources & { loaded: string[] } {
  const loaded: string[] = [];
  return {
    loaded,
    bundledVersion: INSTALLED_VERSION,
    resolveInstalled: () => INSTALLED_ENTRY,
    loadBundled: () => (loaded.push('bundled'), { copy: 'bundled' } as never),
    loadInstalled: () => (loaded.push('installed'), { copy: 'installed' } as never),
    ...overrides,
  };
}

test('the same version installed and not loaded yet: the bundled copy, registered as the installed entry', () => {
  const cache: NodeJS.Require['cache'] = {};
  const s = sources();
  const api = bindApi(s, cache) as unknown as { copy: string };
  assert.equal(api.copy, 'bundled');
  assert.deepEqual(s.loaded, ['bundled']);
  const mod = cache[INSTALLED_ENTRY]!;
  assert.equal(mod.exports, api);
  assert.equal(mod.filename, INSTALLED_ENTRY);
  assert.equal(mod.loaded, true);
  assert.ok(mod.paths.includes(path.join(path.dirname(INSTALLED_ENTRY), 'node_modules')));
});

test('another version installed, the package already loaded, or nothing installed: the installed package, nothing registered', () => {
  for (const [what, overrides, cache] of [
    ['another version', { bundledVersion: '1.9.0-not-this-one' }, {}],
    ['already loaded', {}, { [INSTALLED_ENTRY]: { exports: {} } as NodeJS.Module }],
    [
      'not installed',
      {
        resolveInstalled: () => {
          throw new Error("Cannot find module '@opentelemetry/api'");
        },
      },
      {},
    ],
  ] as const) {
    const s = sources(overrides);
    const before = Object.keys(cache).length;
    assert.equal((bindApi(s, cache as NodeJS.Require['cache']) as unknown as { copy: string }).copy, 'installed', what);
    assert.deepEqual(s.loaded, ['installed'], what);
    assert.equal(Object.keys(cache).length, before, what);
  }
});

test('installedVersion reads the package.json of a 1.x layout, and nothing else', () => {
  assert.equal(installedVersion(INSTALLED_ENTRY), INSTALLED_VERSION);
  assert.equal(installedVersion(path.join(path.dirname(INSTALLED_ENTRY), '..', 'esm', 'index.js')), undefined);
  assert.equal(installedVersion(path.join(tmpdir(), 'nowhere', 'build', 'src', 'index.js')), undefined);
  // A package.json of another package at the same place is not taken for the API's.
  const dir = mkdtempSync(path.join(tmpdir(), 'aimeter-api-binding-'));
  try {
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'not-the-api', version: INSTALLED_VERSION }));
    assert.equal(installedVersion(path.join(dir, 'build', 'src', 'index.js')), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** `source` as a file run with `preload` flags; its last stdout line as JSON. */
function run(source: string, file: string, preload: readonly string[]): Record<string, unknown> {
  return runFileWith(preload, source, file);
}

const API = JSON.stringify(INSTALLED_ENTRY);
const REGISTER_CJS = path.join(REPO_ROOT, 'dist', 'bundle', 'register.cjs');
const REGISTER_MJS = path.join(REPO_ROOT, 'dist', 'bundle', 'register.mjs');
/** The API's files in require.cache, and whether a span the app starts through its own API is recorded by aimeter's provider. */
const REPORT = `({
  apiFiles: Object.keys(require.cache).filter((f) => f.includes('@opentelemetry/api/build/')).length,
  recording: api.trace.getTracer('app').startSpan('app span').isRecording(),
  provider: api.trace.getTracerProvider().getDelegate?.().constructor.name,
})`;

test('under the preload, a CommonJS app requiring the API gets one module: the bundled copy, registered as the installed package', () => {
  const report = run(`const api = require(${API});\nconsole.log(JSON.stringify(${REPORT}));\n`, 'app.js', ['--require', REGISTER_CJS]);
  assert.equal(report.apiFiles, 1, 'only the entry file: the other 43 files of the API were never loaded');
  assert.equal(report.recording, true, "the app's span goes to aimeter's tracer provider");
  assert.notEqual(report.provider, undefined);
});

test("an ES module's import of the API is the same module as require()'s", () => {
  const report = run(
    `import * as ns from ${API};\nimport { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nconst api = require(${API});\n` +
      `console.log(JSON.stringify({ ...${REPORT}, same: ns.default === api && ns.trace === api.trace }));\n`,
    'app.mjs',
    ['--import', REGISTER_MJS],
  );
  assert.equal(report.same, true);
  assert.equal(report.apiFiles, 1);
  assert.equal(report.recording, true);
});

test('an API the process loaded before aimeter is the one aimeter uses', () => {
  // -r loads the installed package (all its files) before the preload starts aimeter.
  const report = run(`const api = require(${API});\nconsole.log(JSON.stringify(${REPORT}));\n`, 'app.js', ['--require', INSTALLED_ENTRY, '--require', REGISTER_CJS]);
  assert.ok((report.apiFiles as number) > 1, `the installed package's own files (${String(report.apiFiles)})`);
  assert.equal(report.recording, true, "aimeter registered its provider with the app's copy");
});
