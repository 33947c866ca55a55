/**
 * A module's exports in a form the patcher can replace functions on.
 *
 * Bundled CommonJS builds (esbuild, tsup: the Vercel AI SDK's `dist/index.js`) define every export
 * as a non-configurable getter, so `exports.generateText` cannot be redefined in place. The require
 * hook may hand out another object instead (require-in-the-middle caches what the hook returns):
 * `patchableExports` makes it, with every export as a configurable getter reading the original
 * (live, as the bundler's own are), which `Patcher.wrap` can then replace. ES module namespaces
 * seen through import-in-the-middle are patchable in place and are returned as they are.
 *
 * InstrumentationBase keeps the ORIGINAL exports and hands them to unpatch (disable()) and to
 * patch again (enable()): each finds the copy the require hook handed out, so the caller's copy
 * is the one unwrapped and wrapped again.
 */

/** One copy per exports object: disable() and enable() hand the instrumentation the original again. */
const copies = new WeakMap<object, object>();

/**
 * `exports` itself when `key` can be redefined on it, else its patchable copy (see above), the
 * same one every time (unpatching finds what patching wrapped).
 */
export function patchableExports<T extends object>(exports: T, key: PropertyKey): T {
  const made = copies.get(exports);
  if (made !== undefined) return made as T;
  const descriptor = Object.getOwnPropertyDescriptor(exports, key);
  if (descriptor === undefined || descriptor.configurable || descriptor.writable) return exports;
  const copy: Record<PropertyKey, unknown> = {};
  for (const name of Reflect.ownKeys(exports)) {
    const own = Object.getOwnPropertyDescriptor(exports, name)!;
    Object.defineProperty(copy, name, {
      get: () => (exports as Record<PropertyKey, unknown>)[name],
      enumerable: own.enumerable ?? false,
      configurable: true,
    });
  }
  copies.set(exports, copy);
  return copy as T;
}
