/**
 * Loads dist/bundle/aimeter.cjs with V8's code cache (issue 10, start-up): compiling the bundle's
 * half megabyte of JavaScript, and then each function the preload runs, is a third of the
 * preload's CPU; V8 can instead read back the bytecode it made the last time. Built by
 * scripts/bundle.js into dist/bundle/loader.cjs, beside the bundle, with BUNDLE_HASH (the
 * bundle's SHA-256) defined at build time: the cache's name holds it, the bundle's size and the
 * Node version and architecture, since V8 itself checks only the source's length and its flags.
 *
 * The cache is aimeter's own file, never the app's modules' (module.enableCompileCache() would
 * turn it on for the whole app): NODE_COMPILE_CACHE/aimeter when that is set, else a directory
 * of this user's own under the temporary directory (created 0700, used only if it is owned by
 * this user and closed to others: the cached bytecode is run as it is).
 * NODE_DISABLE_COMPILE_CACHE (Node's own switch) and coverage runs (NODE_V8_COVERAGE) load the
 * bundle with plain require(). A cache that cannot be read, is rejected, or cannot be written
 * costs one ordinary compile, never an error.
 *
 * The module goes into require.cache under the bundle's path, so `require('aimeter')`
 * (index.cjs) and the preload (register.cjs) share it, as they did with require().
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { entryIsEsm } from './entry-format';
import { atFirstUse } from './first-use';
import type { PreloadOptions, PreloadResult } from './preload';

declare const BUNDLE_HASH: string;

type NodeModuleInternals = typeof import('node:module') & {
  new (id: string, parent?: NodeJS.Module): NodeJS.Module & { filename: string; paths: string[]; loaded: boolean };
  _nodeModulePaths(dir: string): string[];
};

/** What `aimeter/register` runs: src/sdk/preload.ts, from the bundle. */
export function preload(options: PreloadOptions): PreloadResult {
  // A shortcut, not the rule: OTEL_SDK_DISABLED=true exactly (any case, trimmed) is disabled by
  // configFromEnv too, so the half-megabyte bundle need not even be read (about 4 MB of RSS).
  // Every other value, valid or not, goes to the bundle, where config/env.ts decides and warns.
  if (process.env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return { ready: Promise.resolve() };
  if (options.esmHook === 'always' || (options.esmHook === 'esm-entry' && entryIsEsm())) return (loadBundle() as { preload: typeof preload }).preload({ esmHook: 'always' });
  // A CommonJS entry point: everything at the app's first require() or event-loop turn (first-use.ts).
  atFirstUse(() => {
    try {
      (loadBundle() as { preload: typeof preload }).preload({ esmHook: 'never' });
    } catch (error) {
      // Inside the app's require(): an unreadable or damaged install must not become its error.
      process.stderr.write(`aimeter: failed to load (${String(error)}); the application runs on without telemetry.\n`);
    }
  });
  return { ready: Promise.resolve() };
}

/** The cached bytecode is written this long after start (or at exit, whichever is first). */
const WRITE_AFTER_MS = 2000;

export function loadBundle(): unknown {
  const file = path.join(__dirname, 'aimeter.cjs');
  const loaded = require.cache[file];
  if (loaded) return loaded.exports;
  const env = process.env;
  const dir = env.NODE_V8_COVERAGE || env.NODE_DISABLE_COMPILE_CACHE ? undefined : cacheDir(env.NODE_COMPILE_CACHE);
  if (dir === undefined) return require(file);
  let compiled: Compiled;
  try {
    compiled = compile(file, dir);
  } catch {
    return require(file); // e.g. an unreadable cache the vm refused outright
  }
  return evaluate(file, compiled);
}

interface Compiled {
  readonly script: import('node:vm').Script;
  readonly cacheFile: string;
  /** Whether V8 took the cached bytecode. */
  readonly hit: boolean;
}

function compile(file: string, dir: string): Compiled {
  const vm = require('node:vm') as typeof import('node:vm');
  const source = fs.readFileSync(file, 'utf8');
  const cacheFile = path.join(dir, `aimeter-${BUNDLE_HASH.slice(0, 16)}-${source.length}-${process.version}-${process.arch}.cache`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined; // the first run, or the cache was cleaned away
  }
  // The CommonJS wrapper on a line of its own (lineOffset -1): stack traces keep the bundle's
  // own line and column numbers.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {\n${source}\n})`, {
    filename: file,
    lineOffset: -1,
    ...(cachedData && { cachedData }),
    // import() inside the bundle resolves as from any CommonJS file (Node >= 20.12).
    ...(vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER !== undefined && { importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER }),
  });
  return { script, cacheFile, hit: cachedData !== undefined && !script.cachedDataRejected };
}

function evaluate(file: string, { script, cacheFile, hit }: Compiled): unknown {
  const Module = require('node:module') as NodeModuleInternals;
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  require.cache[file] = mod;
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  try {
    wrapper.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  } catch (error) {
    delete require.cache[file];
    throw error;
  }
  mod.loaded = true;
  if (!hit) writeLater(script, cacheFile);
  return mod.exports;
}

/**
 * After start-up, so that the cache holds the functions the preload compiled, not only the
 * bundle's top level; at exit for a process that ends sooner.
 */
function writeLater(script: import('node:vm').Script, cacheFile: string): void {
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    process.removeListener('exit', write);
    const partial = `${cacheFile}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(partial, script.createCachedData(), { mode: 0o600 });
      fs.renameSync(partial, cacheFile); // atomic: a concurrent start reads the old file or the new one
    } catch {
      try {
        fs.unlinkSync(partial);
      } catch {
        // nothing was written
      }
    }
  };
  setTimeout(write, WRITE_AFTER_MS).unref();
  process.once('exit', write);
}

/** The cache directory, or undefined when there is none this user can trust. */
export function cacheDir(nodeCompileCache: string | undefined): string | undefined {
  try {
    const os = require('node:os') as typeof import('node:os');
    const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
    const dir = nodeCompileCache ? path.join(nodeCompileCache, 'aimeter') : path.join(os.tmpdir(), `aimeter-compile-cache-${uid ?? os.userInfo().username}`);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = fs.lstatSync(dir); // a symbolic link planted in a shared /tmp is not followed
    if (!stat.isDirectory()) return undefined;
    if (uid !== undefined && (stat.uid !== uid || (stat.mode & 0o022) !== 0)) return undefined; // someone else could plant bytecode
    return dir;
  } catch {
    return undefined; // read-only file system, no temporary directory: compile as usual
  }
}
