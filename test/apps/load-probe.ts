/**
 * A preload placed BEFORE aimeter/register by test/core/preload-order.test.ts: it notes, for
 * every module that must be patched (or that loads what must be), whether a require hook was in
 * place when it was first loaded. Writes JSON to $LOAD_PROBE_REPORT at exit (the main thread),
 * and to $LOAD_PROBE_REPORT.loader the modules Node 20's loader-hooks thread (which runs
 * --require preloads again) holds once aimeter/register ran there.
 */
import { writeFileSync } from 'node:fs';
import Module from 'node:module';
import { isMainThread } from 'node:worker_threads';

const WATCHED_BUILTINS = ['http', 'https', 'http2'];
const WATCHED_PACKAGES = ['openai', '@anthropic-ai/sdk', '@deepgram/sdk', '@elevenlabs/elevenlabs-js', 'undici', 'express', 'prom-client', 'import-in-the-middle'];

export interface ProbeReport {
  /** Module -> was Module.prototype.require already hooked when it was first loaded? */
  readonly firstLoads: Record<string, boolean>;
  /** Modules in the CommonJS cache (at exit; in the loader thread, right after aimeter/register ran). */
  readonly modules: number;
  readonly otelLoaded: boolean;
  /** Packages (from node_modules) in the CommonJS cache. */
  readonly packages: string[];
}

const loader = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown; prototype: { require: unknown } };
const plainRequire = loader.prototype.require;
const firstLoads: Record<string, boolean> = {};
const originalLoad = loader._load;
const file = process.env.LOAD_PROBE_REPORT! + (isMainThread ? '' : '.loader');

function watchedName(request: string, resolved: string): string | undefined {
  const bare = request.replace(/^node:/, '');
  if (WATCHED_BUILTINS.includes(bare)) return bare;
  const normalised = resolved.replace(/\\/g, '/');
  return WATCHED_PACKAGES.find((name) => normalised.includes(`/node_modules/${name}/`));
}

loader._load = function (request: string, parent: unknown, isMain: boolean) {
  let name: string | undefined;
  try {
    name = watchedName(request, (Module as unknown as { _resolveFilename(r: string, p: unknown): string })._resolveFilename(request, parent));
  } catch {
    name = undefined;
  }
  if (name !== undefined && !(name in firstLoads)) firstLoads[name] = loader.prototype.require !== plainRequire;
  const exports = originalLoad.call(this, request, parent, isMain);
  if (!isMainThread && request === 'aimeter/register') report();
  return exports;
};

function report(): void {
  const modules = Object.keys(require.cache);
  const result: ProbeReport = {
    firstLoads,
    modules: modules.length,
    otelLoaded: modules.some((key) => key.includes('/node_modules/@opentelemetry/')),
    packages: [...new Set(modules.map((key) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(key.replace(/\\/g, '/'))?.[1]).filter((p) => p !== undefined))],
  };
  writeFileSync(file, JSON.stringify(result));
}

if (isMainThread) process.on('exit', report);
