/**
 * What the bundled @opentelemetry/instrumentation gets for `import { Hook } from
 * 'import-in-the-middle'` (scripts/bundle.js, `esm-hook-gate`): the real Hook where an ES-module
 * loader hook can be running in this process, and otherwise a Hook that does nothing.
 *
 * An import-in-the-middle Hook only ever fires from its loader hook. A CommonJS app under
 * `--require aimeter/register` gets none (preload.ts registers it for an ES-module entry point
 * only), so every instrumentation's ES-module Hook would be dead weight, yet loading
 * import-in-the-middle loads node:worker_threads, its message channel and two more files: about
 * 1.5 MB and a few milliseconds at every start (issue 10, start-up).
 *
 * The real Hook is used when aimeter registered its hook (esm-hook.ts opens the gate first) or
 * when the command line or NODE_OPTIONS carries any loader flag (`--import`, `--loader`,
 * `--experimental-loader`): someone else's import-in-the-middle hook may be running then. Not
 * seen: a hook that the app registers itself with module.register() after aimeter started.
 */
import type { HookFn, Options } from 'import-in-the-middle';

type RealHookModule = typeof import('import-in-the-middle');

let opened = false;

/** esm-hook.ts, before it registers the loader hook: the instrumentations' Hooks must be real. */
export function openEsmHookGate(): void {
  opened = true;
}

const LOADER_FLAG = /(?:^|\s)--(?:import|loader|experimental-loader)(?:[=\s]|$)/;

/** Whether an ES-module loader hook may run in this process (see the header). */
export function esmHooksMayRun(execArgv: readonly string[] = process.execArgv, nodeOptions: string | undefined = process.env.NODE_OPTIONS): boolean {
  if (opened) return true;
  return execArgv.some((arg) => LOADER_FLAG.test(arg)) || (nodeOptions !== undefined && LOADER_FLAG.test(nodeOptions));
}

/** A Hook that no loader will ever call: what `unhook()` undoes is nothing. */
class InertHook {
  unhook(): void {}
}

/**
 * import-in-the-middle's Hook when a loader hook may run, else an InertHook. Decided per Hook, at
 * construction (instrumentations are enabled after the preload registered its loader hook).
 */
export class Hook {
  constructor(modules: string[], options: Options, hookFn: HookFn) {
    if (!esmHooksMayRun()) return new InertHook() as unknown as Hook;
    const { Hook: RealHook } = require('import-in-the-middle') as RealHookModule;
    return new RealHook(modules, options, hookFn) as unknown as Hook;
  }

  unhook(): void {}
}
