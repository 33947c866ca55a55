/**
 * A temporary directory for one cell: the smoke app beside a `node_modules` that holds the
 * `openai` version under test, so the app's own `require('openai')` / `import 'openai'` finds it
 * (the app stays unmodified).
 *
 * OTel 3.x cells also get a copy of the built aimeter (package.json, dist/src, dist/bundle,
 * dist/instrumentations, prices) whose `@opentelemetry/*` imports must resolve to
 * test/fixtures/otel-v3's 3.x packages. NODE_PATH cannot do that (node_modules directories win
 * over it) and the repository's node_modules holds the 2.x set, so the copy sits in the sandbox,
 * outside the repository, and the sandbox's node_modules is built of links: every package of
 * the repository's node_modules except the `@opentelemetry` scope, overlaid with every package
 * of the fixture's node_modules (the fixture wins where both have one, e.g. import-in-the-middle,
 * as a deduplicated install would). No 2.x OTel package is reachable from the copy's
 * node_modules: an import of one that 3.x does not have (sdk-trace-node, api-logs) fails, as it
 * would for a user. The preload is the bundle (dist/bundle), which carries the trace pipeline it
 * was built with inside it and requires the rest (@opentelemetry/api, sdk-metrics, the
 * exporters) from the app's node_modules: the 3.x ones here, as in a user's app on OTel 3.x.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Cell, SdkCell } from './cells';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');
export const OTEL3_MODULES = path.join(FIXTURES, 'otel-v3', 'node_modules');

/** Where the cell's `openai` comes from. */
export function openaiDir(version: Cell['openai']): string {
  if (version === '6') return path.join(REPO_ROOT, 'node_modules', 'openai');
  return path.join(FIXTURES, `openai-v${version}`, 'node_modules', 'openai');
}

/** Why the cell cannot run here (a fixture not installed), or undefined. */
export function missingFixture(cell: Cell): string | undefined {
  const needed = [openaiDir(cell.openai), ...(cell.otel === 3 ? [path.join(OTEL3_MODULES, '@opentelemetry', 'sdk-trace')] : [])];
  const missing = needed.find((dir) => !existsSync(path.join(dir, 'package.json')));
  return missing && `fixture not installed: ${path.relative(REPO_ROOT, missing)} (run \`node scripts/install-fixtures.js\`)`;
}

export interface Sandbox {
  readonly dir: string;
  /** The app to run and the register to preload (`--require` path or `--import` URL target). */
  readonly app: string;
  readonly register: string;
  close(): void;
}

export function makeSandbox(cell: Cell): Sandbox {
  const dir = mkdtempSync(path.join(os.tmpdir(), `aimeter-${cell.id}-`));
  const esm = cell.entry === 'import';
  const app = path.join(dir, esm ? 'app.mjs' : 'app.cjs');
  const apps = path.join(REPO_ROOT, 'dist', 'test', 'compat', 'apps');
  cpSync(path.join(apps, esm ? 'openai-server.mjs' : 'openai-server.js'), app);
  // What both twins run (CommonJS; it requires nothing of the sandbox's packages).
  cpSync(path.join(apps, 'openai-server-scenario.js'), path.join(dir, 'openai-server-scenario.js'));
  const modules = path.join(dir, 'node_modules');
  mkdirSync(modules);
  let aimeter = REPO_ROOT;
  if (cell.otel === 3) {
    aimeter = path.join(dir, 'aimeter');
    for (const part of ['package.json', 'prices', path.join('dist', 'src'), path.join('dist', 'bundle'), path.join('dist', 'instrumentations')]) {
      cpSync(path.join(REPO_ROOT, part), path.join(aimeter, part), { recursive: true });
    }
    linkPackages(realpathSync(path.join(REPO_ROOT, 'node_modules')), modules, (name) => name !== '@opentelemetry' && name !== 'openai');
    linkPackages(realpathSync(OTEL3_MODULES), modules, () => true);
  }
  symlinkSync(realpathSync(openaiDir(cell.openai)), path.join(modules, 'openai'), 'dir');
  return {
    dir,
    app,
    register: path.join(aimeter, 'dist', 'bundle', esm ? 'register.mjs' : 'register.cjs'),
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Links each package of `from` into `to` (a scope's packages one by one), replacing earlier links. */
function linkPackages(from: string, to: string, keep: (name: string) => boolean): void {
  for (const name of readdirSync(from)) {
    if (name.startsWith('.') || !keep(name)) continue;
    if (name.startsWith('@')) {
      mkdirSync(path.join(to, name), { recursive: true });
      for (const pkg of readdirSync(path.join(from, name))) link(path.join(from, name, pkg), path.join(to, name, pkg));
    } else link(path.join(from, name), path.join(to, name));
  }
}

function link(target: string, at: string): void {
  rmSync(at, { force: true, recursive: false });
  symlinkSync(target, at, 'dir');
}

/** Where an SDK cell's packages are installed (test/fixtures/sdk-oldest unless the cell names another fixture). */
export function sdkModules(cell: SdkCell): string {
  return path.join(FIXTURES, cell.fixture ?? 'sdk-oldest', 'node_modules');
}

/**
 * A temporary directory for one SDK cell (cells.ts `SDK_CELLS`): the SDK app beside a
 * `node_modules` made of links to every package of the cell's fixture (the SDKs at their oldest
 * supported versions and what they depend on, e.g. zod for a tool's schema), so the app's own
 * `require()`s find them. aimeter is preloaded from the repository (OTel JS 2.x).
 */
export function makeSdkSandbox(cell: SdkCell): Sandbox {
  const dir = mkdtempSync(path.join(os.tmpdir(), `aimeter-${cell.id}-`));
  const app = path.join(dir, 'app.cjs');
  cpSync(path.join(REPO_ROOT, 'dist', 'test', 'compat', 'apps', 'sdk-app.js'), app);
  const modules = path.join(dir, 'node_modules');
  mkdirSync(modules);
  linkPackages(realpathSync(sdkModules(cell)), modules, () => true);
  const register = path.join(REPO_ROOT, 'dist', 'bundle', cell.entry === 'import' ? 'register.mjs' : 'register.cjs');
  return { dir, app, register, close: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Why the SDK cell cannot run here (the fixture not installed), or undefined. */
export function missingSdkFixture(cell: SdkCell): string | undefined {
  const manifest = path.join(sdkModules(cell), cell.module, 'package.json');
  return existsSync(manifest) ? undefined : `fixture not installed: ${path.relative(REPO_ROOT, manifest)} (run \`node scripts/install-fixtures.js\`)`;
}

/**
 * The version of the cell's package in the fixture (the cell checks it is the one it names),
 * without a leading "v" (@elevenlabs/elevenlabs-js 2.0.1's manifest says "v2.0.1").
 */
export function installedSdkVersion(cell: SdkCell): string {
  return (JSON.parse(readFileSync(path.join(sdkModules(cell), cell.module, 'package.json'), 'utf8')) as { version: string }).version.replace(/^v/, '');
}
