/**
 * What `aimeter/register` runs, for both --require (CommonJS) and --import (ESM): the ESM
 * loader hook for import-in-the-middle (so `import OpenAI from 'openai'` is instrumented too;
 * in the app's own thread where Node allows it, esm-hook.ts), then start(). Never throws: a
 * preload that crashed the app would defeat its purpose.
 *
 * Cheap when it has nothing to do: OTEL_SDK_DISABLED, then the thread, are checked before anything
 * else is loaded (start.ts loads the pipeline itself, instrumentations first). Disabled loads
 * the configuration modules and nothing else (every module counts: past about 20 require()s,
 * V8 optimises the loader's own functions, about 4 MB of RSS).
 */
import { configFromEnv } from '../config/env';

export interface PreloadResult {
  /** Resolves when the ESM hook has acknowledged the modules to instrument. */
  readonly ready: Promise<void>;
}

const NOTHING_TO_WAIT_FOR: PreloadResult = { ready: Promise.resolve() };

export interface PreloadOptions {
  /**
   * 'always' (--import, or an ES-module entry point), 'esm-entry' (--require: only when the entry
   * point is an ES module, see entry-format.ts) or 'never' (the bundle's loader found the entry
   * point to be CommonJS already).
   */
  readonly esmHook: 'always' | 'esm-entry' | 'never';
}

export function preload(options: PreloadOptions): PreloadResult {
  // Disabled: no SDK and no loader hook (problems in the settings are start()'s to report).
  // Checked first: even node:worker_threads costs a megabyte and a half.
  const parsed = configFromEnv(process.env);
  if (parsed.config.disabled) return NOTHING_TO_WAIT_FOR;
  // Node 20 runs --require preloads again inside its loader-hooks worker thread (started by
  // module.register() in esm-hook.ts where in-thread hooks are not available); telemetry belongs
  // to the application's main thread only, and that thread must not load the module graph a
  // second time.
  // A package manager's CLI (npm start, npx, yarn, pnpm under NODE_OPTIONS) is skipped too: the app
  // it starts is measured (src/processes/). A user's worker thread is measured, and sends its
  // records to the main thread; it uses the CommonJS hooks only (no second loader thread).
  const { currentRole } = require('../processes/role') as typeof import('../processes/role');
  const role = currentRole(parsed.config.processHints);
  if (role.kind === 'internal-thread' || role.kind === 'wrapper') return NOTHING_TO_WAIT_FOR;
  let ready: Promise<void> = Promise.resolve();
  try {
    if (role.kind !== 'thread' && (options.esmHook === 'always' || (options.esmHook === 'esm-entry' && entryIsEsm()))) {
      ready = (require('./esm-hook') as typeof import('./esm-hook')).registerEsmHook().ready;
    }
  } catch (error) {
    const { recordInternalError } = require('../internal/errors') as typeof import('../internal/errors');
    recordInternalError('esm-hook', error);
  }
  const { start } = require('./start') as typeof import('./start');
  start();
  return { ready };
}

function entryIsEsm(): boolean {
  return (require('./entry-format') as typeof import('./entry-format')).entryIsEsm();
}
