/**
 * Which copy of @opentelemetry/api the bundle (dist/bundle/aimeter.cjs) runs with (issue 10,
 * start-up). The API is a peer dependency: aimeter and the app must share ONE copy of it, the
 * installed one. Loading that copy from node_modules means 44 files resolved, read and compiled at
 * every start (about 10 ms and 1 MB in a real app's start; in a process that loads little else,
 * those 44 loads are what makes V8 optimise Node's own path functions, another 4 MB).
 *
 * So the bundle carries the API too (scripts/bundle.js `api-binding`), the CommonJS build of the
 * very version it was built with, and uses it only where it IS the installed copy: the installed
 * package has exactly that version and nobody has loaded it yet. It is then registered in
 * require.cache under the installed entry file, so the app's `require('@opentelemetry/api')` (and
 * `import`, which Node answers from the same cache for a CommonJS package) gets this very module:
 * still one copy, now loaded from the bundle. Any other case (another version installed, the API
 * already loaded, an unusual layout) loads the installed package as before.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

type ApiExports = typeof import('@opentelemetry/api');

export interface ApiSources {
  /** The version of the API inside the bundle (its package.json at build time). */
  readonly bundledVersion: string;
  /** The path `require('@opentelemetry/api')` resolves to from the bundle; throws as require() would. */
  resolveInstalled(): string;
  /** The API from the bundle (runs its modules; call at most once). */
  loadBundled(): ApiExports;
  /** The API from node_modules, the ordinary require(). */
  loadInstalled(): ApiExports;
}

type ModuleClass = typeof import('node:module') & {
  new (id: string, parent?: NodeJS.Module): NodeJS.Module & { filename: string; paths: string[]; loaded: boolean };
  _nodeModulePaths(dir: string): string[];
};

export function bindApi(sources: ApiSources, cache: NodeJS.Require['cache'] = require.cache): ApiExports {
  let entry: string;
  try {
    entry = sources.resolveInstalled();
  } catch {
    return sources.loadInstalled(); // not installed: the require() error the user would see anyway
  }
  if (cache[entry] !== undefined || installedVersion(entry) !== sources.bundledVersion) return sources.loadInstalled();
  const api = sources.loadBundled();
  const Module = require('node:module') as ModuleClass;
  const mod = new Module(entry, module);
  mod.filename = entry;
  mod.paths = Module._nodeModulePaths(path.dirname(entry));
  mod.exports = api;
  mod.loaded = true;
  cache[entry] = mod;
  return api;
}

/**
 * The version in the installed package's package.json: the entry is `<package>/build/src/index.js`
 * in every 1.x release. Undefined for any other layout, which then loads as before.
 */
export function installedVersion(entry: string): string | undefined {
  const root = path.resolve(path.dirname(entry), '..', '..');
  if (path.relative(root, entry) !== path.join('build', 'src', 'index.js')) return undefined;
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
    return pkg.name === '@opentelemetry/api' && typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}
