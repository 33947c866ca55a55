/**
 * When a CommonJS app under `--require aimeter/register` starts paying for aimeter (issue 10,
 * start-up): at its first require() or at the first turn of its event loop, whichever comes
 * first, not before its first line. Part of dist/bundle/loader.cjs (bundle-loader.ts).
 *
 * Nothing aimeter measures can happen earlier: every instrumented SDK, the HTTP server and
 * client, and `@opentelemetry/api` itself are reached through require(), and the start runs
 * synchronously inside that first require(), before the module is loaded, so the order of
 * hooks and modules is exactly that of a start at preload time. What a process that requires
 * nothing and never turns its event loop (`node -e 0`, a script of pure arithmetic) saves is the
 * whole start: the bundle, the OpenTelemetry API and SDK, the /metrics server (about 15 MB and
 * 40 ms on Node 20). Such a process also reports no configuration problem, having started
 * nothing that reads the configuration.
 *
 * An ES-module entry point starts at once (preload.ts): its imports do not go through
 * require(), and the loader hook must be registered before the first of them.
 */

/**
 * The built-in modules that an instrumentation hooks (instrumentation-http): their require()
 * starts aimeter. Any other built-in does not (Node itself requires `module` to run `-e`, and no
 * built-in but these is patched); every package and file does. test/core/first-use.test.ts
 * checks this list against every instrumentation's module definitions.
 */
export const HOOKED_BUILTINS: readonly string[] = ['http', 'https'];

type Require = (this: unknown, ...args: [string]) => unknown;
interface ModulePrototype {
  require: Require;
}

/**
 * Runs `start` once, at the first require() through Module.prototype.require (every require()
 * of a CommonJS module, createRequire()'s included) of a package, a file or a hooked built-in,
 * or at the first turn of the event loop (an unref'd immediate: it keeps nothing alive). `start`
 * must not throw.
 */
export function atFirstUse(start: () => void): void {
  const nodeModule = require('node:module') as typeof import('node:module') & { prototype: ModulePrototype };
  const proto = nodeModule.prototype;
  const original = proto.require;
  let started = false;
  let unhooked = false;

  const fire = (): void => {
    if (started) return;
    started = true;
    // Out of the chain before start() runs: its own require()s, and the require hook it installs
    // over Module.prototype.require, must find the original beneath.
    if (proto.require === deferred) {
      proto.require = original;
      unhooked = true;
    }
    start();
  };

  const { isBuiltin } = nodeModule;
  const hooked = new Set(HOOKED_BUILTINS.flatMap((name) => [name, `node:${name}`]));
  const startsAimeter = (id: unknown): boolean => typeof id !== 'string' || !isBuiltin(id) || hooked.has(id);

  function deferred(this: unknown, ...args: [string]): unknown {
    if (!started && !startsAimeter(args[0])) return original.apply(this, args);
    fire();
    // Unhooked: through the chain start() just built (its require hook sees this very module).
    // Someone wrapped this function meanwhile: it stays in their chain as a plain pass-through.
    return unhooked ? proto.require.apply(this, args) : original.apply(this, args);
  }

  proto.require = deferred;
  setImmediate(fire).unref();
}
