/**
 * Watching an `openai` APIPromise without changing what the caller gets.
 *
 * An APIPromise does not read the response body until someone asks for the parsed value (`await`,
 * `.then`, `.withResponse()`); `.asResponse()` hands out the raw, unread Response. Calling `.then`
 * on it from telemetry code (what other instrumentations do) would read the body and break a
 * caller that only wants `.asResponse()`. So, on the very APIPromise instance the caller gets:
 *
 *  - errors are observed on the internal response promise (no body read);
 *  - the parsed value is observed by wrapping the instance's `parseResponse`, which runs only
 *    when the caller (or an SDK helper via `_thenUnwrap`) asks for it; the wrapper hands back the
 *    same value after the observer has seen it (streams are wrapped before the caller sees them);
 *  - when the caller asked only for the raw Response, a JSON body is read from a `clone()`
 *    (taken before the caller can touch the body) so usage is still recorded;
 *  - binary bodies (text-to-speech audio) are always observed on a `clone()`.
 *
 * Works with openai 4.x (`parseResponse(props)`) and 5.x-7.x (`parseResponse(client, props)`); when
 * the instance does not look like an APIPromise the value is observed with a plain `.then`.
 */

export interface ApiPromiseObserver {
  /** The parsed value (object, string, Stream) or, for binary mode, nothing. Called at most once. */
  onValue(value: unknown): void;
  /** The request or the parsing failed (the caller gets this very error). Called at most once. */
  onError(error: unknown): void;
  /** The caller only took the raw Response of a streaming call: nothing more will be seen. */
  onRawOnly(): void;
  /** Binary mode: the raw Response arrived; observe a clone of its body. */
  onBinaryResponse?(response: unknown): void;
}

interface ApiPromiseLike {
  responsePromise: Promise<{ response?: unknown }>;
  parseResponse: (...args: unknown[]) => unknown;
  parsedPromise?: Promise<unknown>;
  parse?: (...args: unknown[]) => unknown;
  asResponse?: (...args: unknown[]) => unknown;
  _thenUnwrap?: (...args: unknown[]) => unknown;
}

function isApiPromise(value: unknown): value is ApiPromiseLike {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<ApiPromiseLike>;
  return typeof v.responsePromise?.then === 'function' && typeof v.parseResponse === 'function';
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

function defineOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
}

export type ObserveMode = 'json' | 'stream' | 'binary';

/**
 * Per-call state, reachable from the instance through its `parseResponse` wrapper (the only
 * per-call property written on the instance). The `parse` / `_thenUnwrap` / `asResponse` hooks
 * are installed once per APIPromise prototype (pass-through for instances nobody watches), so a
 * call costs one property write instead of four property definitions and their closures.
 */
class Watch {
  settled = false;
  parseRequested = false;
  rawRequested = false;
  arrived: { response?: unknown } | undefined = undefined;

  constructor(
    private readonly mode: ObserveMode,
    private readonly observer: ApiPromiseObserver,
  ) {}

  /** Promise callbacks (created once per call, only where a reaction is needed). */
  readonly onValue = (v: unknown): void => this.value(v);
  readonly onError = (e: unknown): void => this.error(e);

  value(v: unknown): void {
    if (this.settled) return;
    this.settled = true;
    try {
      this.observer.onValue(v);
    } catch {
      // The observer guards itself; never let anything escape into a promise chain.
    }
  }

  error(e: unknown): void {
    if (this.settled) return;
    this.settled = true;
    try {
      this.observer.onError(e);
    } catch {
      // See above.
    }
  }

  rawOnly(): void {
    this.settled = true;
    try {
      this.observer.onRawOnly();
    } catch {
      // See above.
    }
  }

  arrive(props: { response?: unknown } | undefined): void {
    this.arrived = props ?? {};
    this.rawOnlyCheck();
  }

  rawOnlyCheck(): void {
    if (this.settled || !this.arrived || this.parseRequested || !this.rawRequested) return;
    if (this.mode === 'stream') return this.rawOnly();
    const response = this.arrived.response as { clone?: () => { json(): Promise<unknown> }; bodyUsed?: boolean } | undefined;
    if (!response || typeof response.clone !== 'function' || response.bodyUsed) return this.rawOnly();
    let copy: { json(): Promise<unknown> };
    try {
      copy = response.clone();
    } catch {
      return this.rawOnly();
    }
    copy.json().then(this.onValue, () => {
      if (!this.settled) this.rawOnly();
    });
  }
}

const WATCH = Symbol('aimeter.openai.apiPromiseWatch');
const HOOKED = Symbol('aimeter.openai.apiPromiseHook');

/** The Watch of an instance (through its parseResponse wrapper), if it is watched. */
function watchOf(self: unknown): Watch | undefined {
  try {
    if (self === null || typeof self !== 'object') return undefined;
    const parse = (self as { parseResponse?: unknown }).parseResponse;
    return typeof parse === 'function' ? ((parse as unknown as Record<symbol, unknown>)[WATCH] as Watch | undefined) : undefined;
  } catch {
    return undefined;
  }
}

function markParse(w: Watch): void {
  w.parseRequested = true;
}

function markRaw(w: Watch): void {
  w.rawRequested = true;
  w.rawOnlyCheck();
}

type HookKey = 'parse' | '_thenUnwrap' | 'asResponse';
const HOOKS: ReadonlyArray<readonly [HookKey, (w: Watch) => void]> = [
  ['parse', markParse],
  ['_thenUnwrap', markParse],
  ['asResponse', markRaw],
];

/** Prototypes whose hooks are in place (or could not be, see `hookable`). */
const hookedPrototypes = new WeakMap<object, boolean>();

function hookMethod(owner: object, key: HookKey, mark: (w: Watch) => void): boolean {
  const original = (owner as Record<string, unknown>)[key];
  if (typeof original !== 'function') return false;
  if ((original as unknown as Record<symbol, unknown>)[HOOKED] === true) return true;
  const hooked = function (this: unknown, ...args: unknown[]) {
    const w = watchOf(this);
    if (w !== undefined) {
      try {
        mark(w);
      } catch {
        // Telemetry only.
      }
    }
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  };
  try {
    Object.defineProperty(hooked, 'name', { value: original.name, configurable: true });
    Object.defineProperty(hooked, HOOKED, { value: true });
    const descriptor = Object.getOwnPropertyDescriptor(owner, key);
    Object.defineProperty(owner, key, {
      value: hooked,
      writable: descriptor?.writable ?? true,
      configurable: true,
      enumerable: descriptor?.enumerable ?? false,
    });
    return (owner as Record<string, unknown>)[key] === hooked;
  } catch {
    return false;
  }
}

/**
 * Installs the hooks on the prototype(s) of `p` that define `parse`, `_thenUnwrap`, `asResponse`
 * (once per prototype). False when they cannot be used for this instance (a method is an own
 * property of the instance, or a prototype is frozen): the caller then hooks the instance itself.
 */
function hookable(p: ApiPromiseLike): boolean {
  const proto = Object.getPrototypeOf(p) as object | null;
  if (proto === null) return false;
  let ok = hookedPrototypes.get(proto);
  if (ok === undefined) {
    ok = true;
    for (const [key, mark] of HOOKS) {
      let owner: object | null = proto;
      while (owner !== null && !Object.prototype.hasOwnProperty.call(owner, key)) owner = Object.getPrototypeOf(owner) as object | null;
      if (owner === null || owner === Promise.prototype || owner === Object.prototype) continue; // the SDK has no such method
      if (!hookMethod(owner, key, mark)) ok = false;
    }
    hookedPrototypes.set(proto, ok);
  }
  if (!ok) return false;
  for (const [key] of HOOKS) if (Object.prototype.hasOwnProperty.call(p, key)) return false;
  return true;
}

/** Older path: hooks on the instance itself (non-enumerable own properties). */
function hookInstance(p: ApiPromiseLike, w: Watch): void {
  for (const [key, mark] of HOOKS) {
    const original = p[key];
    if (typeof original !== 'function') continue;
    defineOwn(p, key, function (this: unknown, ...args: unknown[]) {
      mark(w);
      return original.apply(this, args);
    });
  }
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

  if (mode === 'binary') {
    p.responsePromise.then((props) => {
      if (w.settled) return;
      w.settled = true;
      observer.onBinaryResponse?.(props?.response);
    }, w.onError);
    return;
  }

  if (p.parsedPromise) {
    // Someone (another instrumentation) already asked for the parsed value: the body is theirs to
    // read, and the caller's `await` will be served after this handler.
    p.parsedPromise.then(w.onValue, w.onError);
    return;
  }

  const originalParseResponse = p.parseResponse;
  const parseResponse = function (this: unknown, ...args: unknown[]) {
    const result = originalParseResponse.apply(this, args);
    if (w.settled) return result;
    if (result instanceof Promise) {
      // A side reaction, registered before the SDK's own: the observer sees the value (and wraps a
      // Stream) before the caller does, and the caller gets the SDK's very promise.
      result.then(w.onValue, w.onError);
      return result;
    }
    return Promise.resolve(result).then(
      (v) => {
        w.value(v);
        return v;
      },
      (e) => {
        w.error(e);
        throw e;
      },
    );
  };
  (parseResponse as unknown as Record<symbol, unknown>)[WATCH] = w;
  // The SDK keeps parseResponse as an own (enumerable, writable) property: a plain write keeps its
  // shape and attributes; anything else gets a non-enumerable own property.
  if (Object.prototype.hasOwnProperty.call(p, 'parseResponse')) {
    try {
      p.parseResponse = parseResponse;
    } catch {
      // Read-only: defined below.
    }
  }
  if (p.parseResponse !== parseResponse) defineOwn(p, 'parseResponse', parseResponse);
  if (!hookable(p)) hookInstance(p, w);

  p.responsePromise.then((props) => w.arrive(props), w.onError);
}
