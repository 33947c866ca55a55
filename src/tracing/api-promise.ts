/**
 * Watching a Stainless SDK's APIPromise (`openai` 4.x to 7.x, `@anthropic-ai/sdk`) without changing
 * what the caller gets. Shared by the OpenAI instrumentation and the manual API (src/api/call.ts).
 *
 * An APIPromise does not read the response body until someone asks for the parsed value (`await`,
 * `.then`, `.withResponse()`: all go through `parse()`); `.asResponse()` hands out the raw, unread
 * Response. Calling `.then` on it from telemetry code (what other instrumentations do) would read
 * the body and break a caller that only wants `.asResponse()` ("Body is unusable"). So aimeter
 * hooks three methods of the APIPromise prototype, once, and leaves every instance untouched:
 *
 *  - `parse()`: when the caller first asks for the parsed value, one reaction is added to the
 *    very promise parse() returns, before the caller's own, so the observer sees the value (and
 *    wraps a Stream) or the error first; the caller gets the SDK's promise itself;
 *  - `_thenUnwrap()` (SDK helpers such as `.parse()` of chat completions): the derived APIPromise
 *    is watched in place of the original;
 *  - `asResponse()`: when the caller only takes the raw Response, a JSON body is read from a
 *    `clone()` taken before the caller can touch the body, so usage is still recorded.
 *
 * Several observers can watch one APIPromise (the OpenAI instrumentation inside the SDK method,
 * the manual API around it): each gets every outcome.
 *
 * Binary bodies (text-to-speech audio) are observed on a `clone()` of the raw Response.
 * One reaction, and so one promise, per call: under the AsyncLocalStorage context manager every
 * promise costs a hook call, so they are counted. A call that is never awaited (fire and forget)
 * is never observed, like any lazy APIPromise.
 *
 * When a value does not look like an APIPromise it is observed with a plain `.then`.
 */

import { recordInternalError } from '../internal/errors';
import { isThenable } from './values';

const COMPONENT = 'api-promise';

export interface ApiPromiseObserver {
  /** The parsed value (object, string, Stream) or, for binary mode, nothing. Called at most once. */
  onValue(value: unknown): void;
  /** The request or the parsing failed (the caller gets this very error). Called at most once. */
  onError(error: unknown): void;
  /** The caller only took the raw Response of a streaming call: nothing more will be seen. */
  onRawOnly(): void;
  /** Binary mode: the raw Response arrived; observe a clone of its body. */
  onBinaryResponse?(response: unknown): void;
  /**
   * An observer that has this is told of the response as soon as it arrives (`props`: the SDK's
   * `{response, options, controller}`), and of a failed request even when nobody awaits the
   * call: the APIPromise's `responsePromise` is then replaced by one that settles the same way,
   * with the same value or error (an unawaited failing call still rejects unhandled, as without
   * aimeter). It costs a promise per call, so the OpenAI path does without.
   */
  onResponse?(props: unknown): void;
}

interface ApiPromiseLike {
  responsePromise: Promise<{ response?: unknown }>;
  parseResponse: (...args: unknown[]) => unknown;
  parsedPromise?: Promise<unknown>;
  parse?: (...args: unknown[]) => unknown;
  asResponse?: (...args: unknown[]) => unknown;
  _thenUnwrap?: (...args: unknown[]) => unknown;
}

/** True for an SDK APIPromise (lazy body, `.asResponse()` / `.withResponse()`). */
export function isApiPromise(value: unknown): value is ApiPromiseLike {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<ApiPromiseLike>;
  return typeof v.responsePromise?.then === 'function' && typeof v.parseResponse === 'function';
}

function defineOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
}

/**
 * What the call's body is: JSON, a stream, audio, or `auto` (not known up front, as in the manual
 * API: a raw-only body is read for usage when the response says it is JSON). `parsed`: only what
 * the caller parses is observed; a raw-only call ends unread.
 */
export type ObserveMode = 'json' | 'stream' | 'binary' | 'auto' | 'parsed';

/** Per-call state, found from the instance (or a derived one) through `watches`. */
class Watch {
  settled = false;
  /** The parsed value is being observed (a reaction is on a parse() promise). */
  attached = false;
  rawRequested = false;
  arrivalWatched = false;

  constructor(
    readonly mode: ObserveMode,
    private readonly observer: ApiPromiseObserver,
  ) {}

  value(v: unknown): void {
    if (this.settled) return;
    this.settled = true;
    try {
      this.observer.onValue(v);
    } catch (error) {
      // The observer guards itself; never let anything escape into a promise chain.
      recordInternalError(COMPONENT, error);
    }
  }

  error(e: unknown): void {
    if (this.settled) return;
    this.settled = true;
    try {
      this.observer.onError(e);
    } catch (error) {
      recordInternalError(COMPONENT, error);
    }
  }

  /** One reaction on `promise` (a parse() result): the observer sees its outcome before the caller. */
  follow(promise: PromiseLike<unknown>): void {
    this.attached = true;
    promise.then(
      (v) => this.value(v),
      (e) => this.error(e),
    );
  }

  rawOnly(): void {
    this.settled = true;
    try {
      this.observer.onRawOnly();
    } catch (error) {
      recordInternalError(COMPONENT, error);
    }
  }

  /** The raw Response arrived and the caller asked only for it (asResponse without parse). */
  arrive(props: { response?: unknown } | undefined): void {
    if (this.settled || this.attached) return;
    if (this.mode === 'stream' || this.mode === 'parsed') return this.rawOnly();
    const response = props?.response as
      | { clone?: () => { json(): Promise<unknown> }; bodyUsed?: boolean; headers?: { get?(name: string): string | null } }
      | undefined;
    if (!response || typeof response.clone !== 'function' || response.bodyUsed) return this.rawOnly();
    if (this.mode === 'auto' && !/json/i.test(String(response.headers?.get?.('content-type') ?? ''))) return this.rawOnly();
    let copy: { json(): Promise<unknown> };
    try {
      copy = response.clone();
    } catch {
      // A body that cannot be cloned (already locked): the caller's to read, not an error of ours.
      return this.rawOnly();
    }
    copy.json().then(
      (v) => this.value(v),
      () => {
        if (!this.settled) this.rawOnly();
      },
    );
  }
}

/** The watched APIPromises (a WeakMap: the caller's object is not touched at all). */
const watches = new WeakMap<object, Watch[]>();
const HOOKED = Symbol('aimeter.apiPromiseHook');

function watchesOf(self: unknown): Watch[] | undefined {
  return self !== null && typeof self === 'object' ? watches.get(self) : undefined;
}

function addWatch(target: object, w: Watch): boolean {
  const list = watches.get(target);
  if (list) {
    if (!list.includes(w)) list.push(w);
    return false;
  }
  watches.set(target, [w]);
  return true;
}

type HookKey = 'parse' | '_thenUnwrap' | 'asResponse';

/** What each hooked method does besides calling the SDK's own (never throws). */
const AFTER: Record<HookKey, (self: ApiPromiseLike, w: Watch, result: unknown) => void> = {
  parse(_self, w, result) {
    if (!w.attached && !w.settled && isThenable(result)) w.follow(result);
  },
  _thenUnwrap(_self, w, derived) {
    // The caller awaits the derived promise; its parse() is the one to follow.
    if (!w.attached && derived !== null && typeof derived === 'object') addWatch(derived, w);
  },
  asResponse(self, w) {
    w.rawRequested = true;
    if (w.arrivalWatched || w.attached || w.settled) return;
    w.arrivalWatched = true;
    self.responsePromise.then(
      (props) => w.arrive(props),
      (e) => w.error(e),
    );
  },
};

function hooked(key: HookKey, original: (...a: unknown[]) => unknown): (...a: unknown[]) => unknown {
  const after = AFTER[key];
  // asResponse: the arrival reaction must be registered before the SDK's own, so that the body
  // can be cloned before the caller reads it; the others act on what the SDK returned.
  const before = key === 'asResponse';
  const hook = function (this: ApiPromiseLike, ...args: unknown[]) {
    const list = watchesOf(this);
    if (list !== undefined && before) {
      for (const w of list) {
        try {
          after(this, w, undefined);
        } catch (error) {
          recordInternalError(COMPONENT, error);
        }
      }
    }
    const result = original.apply(this, args);
    if (list !== undefined && !before) {
      for (const w of list) {
        try {
          after(this, w, result);
        } catch (error) {
          recordInternalError(COMPONENT, error);
        }
      }
    }
    return result;
  };
  Object.defineProperty(hook, 'name', { value: original.name, configurable: true });
  return hook;
}

/** Prototypes whose hooks are in place (or could not be, see `hookable`). */
let hookedPrototypes = new WeakMap<object, boolean>();
/** Every prototype method replaced, to restore on unhookApiPromises(). */
const replaced: Array<{ owner: object; key: HookKey; original: unknown; descriptor: PropertyDescriptor | undefined }> = [];

function hookMethod(owner: object, key: HookKey): boolean {
  const original = (owner as Record<string, unknown>)[key];
  if (typeof original !== 'function') return false;
  if ((original as unknown as Record<symbol, unknown>)[HOOKED] === true) return true;
  const hook = hooked(key, original as (...a: unknown[]) => unknown);
  try {
    Object.defineProperty(hook, HOOKED, { value: true });
    const descriptor = Object.getOwnPropertyDescriptor(owner, key);
    Object.defineProperty(owner, key, {
      value: hook,
      writable: descriptor?.writable ?? true,
      configurable: true,
      enumerable: descriptor?.enumerable ?? false,
    });
    if ((owner as Record<string, unknown>)[key] !== hook) return false;
    replaced.push({ owner, key, original, descriptor });
    return true;
  } catch {
    // A frozen prototype: the instance is hooked instead (see `hookable`).
    return false;
  }
}

const HOOK_KEYS: readonly HookKey[] = ['parse', '_thenUnwrap', 'asResponse'];

/**
 * Installs the hooks on the prototype(s) of `p` that define them (once per prototype). False when
 * they cannot serve this instance (a method is an own property of the instance, or a prototype is
 * frozen): the caller then hooks the instance itself.
 */
function hookable(p: ApiPromiseLike): boolean {
  const proto = Object.getPrototypeOf(p) as object | null;
  if (proto === null) return false;
  let ok = hookedPrototypes.get(proto);
  if (ok === undefined) {
    ok = true;
    for (const key of HOOK_KEYS) {
      let owner: object | null = proto;
      while (owner !== null && !Object.prototype.hasOwnProperty.call(owner, key)) owner = Object.getPrototypeOf(owner) as object | null;
      if (owner === null || owner === Promise.prototype || owner === Object.prototype) continue; // the SDK has no such method
      if (!hookMethod(owner, key)) ok = false;
    }
    hookedPrototypes.set(proto, ok);
  }
  if (!ok) return false;
  for (const key of HOOK_KEYS) if (Object.prototype.hasOwnProperty.call(p, key)) return false;
  return true;
}

/** Fallback: the same hooks as own (non-enumerable) properties of the instance. */
function hookInstance(p: ApiPromiseLike): void {
  for (const key of HOOK_KEYS) {
    const original = p[key];
    if (typeof original === 'function') defineOwn(p, key, hooked(key, original));
  }
}

/**
 * Puts the SDK's own methods back on the APIPromise prototypes (the instrumentation was disabled):
 * a disabled aimeter leaves nothing of itself in the SDK.
 */
export function unhookApiPromises(): void {
  for (const { owner, key, original, descriptor } of replaced.splice(0).reverse()) {
    try {
      if (descriptor) Object.defineProperty(owner, key, descriptor);
      else Object.defineProperty(owner, key, { value: original, writable: true, configurable: true, enumerable: false });
    } catch (error) {
      // Left as it is (the hook passes through for unwatched instances), and counted.
      recordInternalError(COMPONENT, error);
    }
  }
  hookedPrototypes = new WeakMap();
}

/** See `ApiPromiseObserver.onResponse`. */
function watchResponse(p: ApiPromiseLike, w: Watch, observer: ApiPromiseObserver): void {
  p.responsePromise = p.responsePromise.then(
    (props) => {
      try {
        observer.onResponse!(props);
      } catch (error) {
        recordInternalError(COMPONENT, error);
      }
      return props;
    },
    (error: unknown) => {
      w.error(error);
      throw error;
    },
  );
}

export function observeApiPromise(promise: unknown, mode: ObserveMode, observer: ApiPromiseObserver): void {
  if (!isApiPromise(promise)) {
    let settled = false;
    const value = (v: unknown) => {
      if (settled) return;
      settled = true;
      observer.onValue(v);
    };
    const error = (e: unknown) => {
      if (settled) return;
      settled = true;
      observer.onError(e);
    };
    if (isThenable(promise)) promise.then(value, error);
    else value(promise);
    return;
  }
  const p = promise;
  const w = new Watch(mode, observer);
  if (observer.onResponse) watchResponse(p, w, observer);

  if (mode === 'binary') {
    p.responsePromise.then(
      (props) => {
        if (w.settled) return;
        w.settled = true;
        observer.onBinaryResponse?.(props?.response);
      },
      (e) => w.error(e),
    );
    return;
  }

  if (p.parsedPromise) {
    // Someone (another instrumentation) already asked for the parsed value: the body is theirs to
    // read, and the caller's `await` will be served after this reaction.
    w.follow(p.parsedPromise);
    return;
  }

  if (addWatch(p, w) && !hookable(p)) hookInstance(p);
}
