/**
 * The one way aimeter replaces an SDK method, for every instrumentation.
 *
 * Wrappers are installed WITHOUT shimmer's markers (`__wrapped`, `__original`), on purpose:
 * InstrumentationBase#_wrap unwraps a method that is already wrapped before wrapping it, so two
 * instrumentations of the same method (e.g. @opentelemetry/instrumentation-openai and aimeter)
 * would silently remove each other, whichever came last winning. Unmarked, the other
 * instrumentation wraps around ours (and ours around it): both run, nested, and aimeter's
 * processor counts the nested pair once. Tested in both load orders (test/openai/once-*.test.ts).
 *
 * - `wrap` is idempotent per instrumentation: while our wrapper is still in the method's chain
 *   (outermost or under another's), it is not installed again; `isEnabled()` turns it back on.
 * - A wrapper left by an EARLIER aimeter instance (re-registration, a second `start()`, a copy of
 *   the SDK that its disable() did not reach) is outermost and marked with `marker`: it is
 *   replaced, never stacked.
 * - `unwrap` restores the original only when ours is outermost; under another wrapper it stays in
 *   the chain, passing calls through while the instrumentation is disabled.
 * - A method the owner INHERITS (an SDK client class whose `send` is its base class's) is wrapped
 *   on the owner itself, and the wrapper calls whatever the prototype chain holds at call time, not
 *   the function seen at wrap time: a patch of the base class made later (contrib's instrumentation
 *   of the shared base client) still runs, in either load order. `unwrap` then deletes the
 *   owner's property, so the owner inherits again.
 */

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

interface Installed {
  readonly original: AnyFn;
  readonly patched: AnyFn;
  /** The owner had no property of its own (the method was inherited). */
  readonly inherited: boolean;
  removed: boolean;
}

/** Calls `owner`'s prototype chain's current `key` (see the file comment on inherited methods). */
function inheritedCall(owner: object, key: PropertyKey, fallback: AnyFn): AnyFn {
  const base: unknown = Object.getPrototypeOf(owner);
  return function (this: unknown, ...args: unknown[]): unknown {
    const current: unknown = base === null ? undefined : Reflect.get(base as object, key, this);
    return (typeof current === 'function' ? (current as AnyFn) : fallback).apply(this, args);
  };
}

function define(owner: object, key: PropertyKey, value: unknown, enumerable: boolean): void {
  Object.defineProperty(owner, key, { value, writable: true, configurable: true, enumerable });
}

export class Patcher {
  /** owner -> key -> what we installed there. */
  private readonly installed = new WeakMap<object, Map<PropertyKey, Installed>>();

  /** @param marker a `Symbol.for` shared by every aimeter instance of one instrumentation; value: the wrapped function. */
  constructor(readonly marker: symbol) {}

  /** The function an aimeter wrapper (of this instrumentation, any instance) wraps, if `fn` is one. */
  originalOf(fn: unknown): AnyFn | undefined {
    const original = typeof fn === 'function' ? (fn as unknown as Record<symbol, unknown>)[this.marker] : undefined;
    return typeof original === 'function' ? (original as AnyFn) : undefined;
  }

  /** True while this instrumentation's wrapper of `owner[key]` is installed and in the chain. */
  isInstalled(owner: object, key: PropertyKey): boolean {
    const entry = this.installed.get(owner)?.get(key);
    return entry !== undefined && !entry.removed;
  }

  /**
   * Replaces `owner[key]` with `wrap(original)`. Returns false when there is no such method or our
   * wrapper is already in place.
   */
  wrap(owner: object | undefined, key: PropertyKey, wrap: (original: AnyFn) => AnyFn): boolean {
    if (!owner) return false;
    const target = owner as Record<PropertyKey, unknown>;
    let current = target[key];
    if (typeof current !== 'function') return false;
    if (this.isInstalled(owner, key)) return false;
    const stale = this.originalOf(current);
    if (stale) current = stale;
    const inherited = !Object.prototype.hasOwnProperty.call(owner, key);
    const original = inherited ? inheritedCall(owner, key, current as AnyFn) : (current as AnyFn);
    const patched = wrap(original);
    define(patched, this.marker, original, false);
    const enumerable = Object.getOwnPropertyDescriptor(owner, key)?.enumerable ?? false;
    define(owner, key, patched, enumerable);
    let keys = this.installed.get(owner);
    if (!keys) this.installed.set(owner, (keys = new Map()));
    keys.set(key, { original, patched, inherited, removed: false });
    return true;
  }

  /** Puts the original back when our wrapper is outermost (see the file comment). */
  unwrap(owner: object | undefined, key: PropertyKey): void {
    if (!owner) return;
    const entry = this.installed.get(owner)?.get(key);
    if (!entry || entry.removed) return;
    if ((owner as Record<PropertyKey, unknown>)[key] !== entry.patched) return;
    if (entry.inherited) {
      delete (owner as Record<PropertyKey, unknown>)[key];
    } else {
      const enumerable = Object.getOwnPropertyDescriptor(owner, key)?.enumerable ?? false;
      define(owner, key, entry.original, enumerable);
    }
    entry.removed = true;
  }
}
