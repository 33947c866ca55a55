/**
 * The ES-module hook (import-in-the-middle) that lets `import OpenAI from 'openai'` be patched,
 * registered the cheapest way the running Node allows (issue 10, start-up):
 * - in the app's own thread, through module.registerHooks() (synchronous hooks), where
 *   import-in-the-middle supports them (Node >= 22.22.3, >= 24.11.1, >= 25.1, 26): no loader
 *   thread to start, no second V8 isolate, no message round trip per import;
 * - otherwise (Node 20, early 22/24) through module.register(), which runs the hook in a
 *   loader-hooks thread of its own.
 * Either way only the modules some instrumentation hooks are wrapped: the names each
 * `new Hook([...])` announces on import-in-the-middle's add-hook channel.
 */
import type { MessagePort } from 'node:worker_threads';
import { openEsmHookGate } from './esm-hook-gate';

type Iitm = typeof import('import-in-the-middle');
type NodeModule = typeof import('node:module') & {
  register?: (specifier: string, parentURL: string, options?: unknown) => void;
  registerHooks?: (hooks: unknown) => unknown;
};

/** import-in-the-middle's register-hooks.mjs (its .d.mts omits shouldInclude, which its README documents). */
interface InThreadRegister {
  register(options: { shouldInclude(url: string, specifier: string): boolean }): void;
}

/** Which way registerEsmHook() went (for tests and the bench). */
export type EsmHookKind = 'in-thread' | 'loader-thread' | 'none';

export interface RegisteredEsmHook {
  readonly kind: EsmHookKind;
  /** Resolves when the hook knows the modules to wrap (at once in-thread). */
  readonly ready: Promise<void>;
}

/** Registers the hook; throws only what Node or import-in-the-middle throw (the caller records it). */
export function registerEsmHook(): RegisteredEsmHook {
  const nodeModule = require('node:module') as NodeModule;
  if (typeof nodeModule.register !== 'function') return { kind: 'none', ready: Promise.resolve() }; // Node < 20.6: CommonJS only.
  openEsmHookGate();
  const iitm = require('import-in-the-middle') as Iitm;
  if (inThreadHooksWork(nodeModule)) {
    const { registerOptions } = iitm.createAddHookMessageChannel();
    const { register } = require('import-in-the-middle/register-hooks.mjs') as InThreadRegister;
    register({ shouldInclude: hookedModules((registerOptions as { data: { addHookMessagePort: MessagePort } }).data.addHookMessagePort) });
    return { kind: 'in-thread', ready: Promise.resolve() };
  }
  const { pathToFileURL } = require('node:url') as typeof import('node:url');
  const { registerOptions, waitForAllMessagesAcknowledged } = iitm.createAddHookMessageChannel();
  nodeModule.register('import-in-the-middle/hook.mjs', pathToFileURL(__filename).href, registerOptions);
  return { kind: 'loader-thread', ready: waitForAllMessagesAcknowledged() };
}

/**
 * module.registerHooks() exists from 22.15, but import-in-the-middle's synchronous loader needs
 * a later fix (nodejs/node#59929); its own predicate says where. That file has no imports, and
 * require() of an ES module works on every Node that has registerHooks().
 */
function inThreadHooksWork(nodeModule: NodeModule): boolean {
  if (typeof nodeModule.registerHooks !== 'function') return false;
  const { supportsSyncHooks } = require('import-in-the-middle/supports-sync-hooks.mjs') as { supportsSyncHooks(): boolean };
  return supportsSyncHooks();
}

/**
 * The in-thread hook's shouldInclude: a module is wrapped when a Hook() named it (its bare
 * specifier, its resolved URL or its absolute path, and `node:x` for a built-in x, as
 * import-in-the-middle's own include list matches). The names arrive on the add-hook channel that
 * the loader thread would read; here nothing listens on that port: each resolve reads what is
 * queued synchronously, so a Hook() made just before an import counts for it.
 */
export function hookedModules(port: MessagePort): (url: string, specifier: string) => boolean {
  const { receiveMessageOnPort } = require('node:worker_threads') as typeof import('node:worker_threads');
  const { isBuiltin } = require('node:module') as typeof import('node:module');
  const names = new Set<string>();
  const paths = new Set<string>();
  port.unref();
  return (url, specifier) => {
    for (let queued = receiveMessageOnPort(port); queued !== undefined; queued = receiveMessageOnPort(port)) {
      for (const name of queued.message as unknown[]) {
        if (typeof name !== 'string') continue;
        names.add(name);
        if (!name.startsWith('node:') && isBuiltin(name)) names.add(`node:${name}`);
        if (name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name)) paths.add(name);
      }
    }
    if (names.has(specifier) || names.has(url)) return true;
    if (paths.size === 0 || !url.startsWith('file:')) return false;
    const { fileURLToPath } = require('node:url') as typeof import('node:url');
    return paths.has(fileURLToPath(url));
  };
}
