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

export function observeApiPromise(promise: unknown, mode: ObserveMode, observer: ApiPromiseObserver): void {
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

  if (!isApiPromise(promise)) {
    if (isThenable(promise)) promise.then(value, error);
    else value(promise);
    return;
  }
  const p = promise;

  if (mode === 'binary') {
    p.responsePromise.then((props) => {
      if (settled) return;
      settled = true;
      observer.onBinaryResponse?.(props?.response);
    }, error);
    return;
  }

  if (p.parsedPromise) {
    // Someone (another instrumentation) already asked for the parsed value: the body is theirs to
    // read, and the caller's `await` will be served after this handler.
    p.parsedPromise.then(value, error);
    return;
  }

  let parseRequested = false;
  let rawRequested = false;
  let arrived: { response?: unknown } | undefined;

  const originalParseResponse = p.parseResponse;
  defineOwn(p, 'parseResponse', function (this: unknown, ...args: unknown[]) {
    const result = originalParseResponse.apply(this, args);
    if (settled) return result;
    return Promise.resolve(result).then(
      (v) => {
        value(v);
        return v;
      },
      (e) => {
        error(e);
        throw e;
      },
    );
  });
  const markParse = (key: 'parse' | '_thenUnwrap') => {
    const original = p[key];
    if (typeof original !== 'function') return;
    defineOwn(p, key, function (this: unknown, ...args: unknown[]) {
      parseRequested = true;
      return original.apply(this, args);
    });
  };
  markParse('parse');
  markParse('_thenUnwrap');
  const originalAsResponse = p.asResponse;
  if (typeof originalAsResponse === 'function') {
    defineOwn(p, 'asResponse', function (this: unknown, ...args: unknown[]) {
      rawRequested = true;
      rawOnlyCheck();
      return originalAsResponse.apply(this, args);
    });
  }

  const rawOnlyCheck = () => {
    if (settled || !arrived || parseRequested || !rawRequested) return;
    if (mode === 'stream') {
      settled = true;
      observer.onRawOnly();
      return;
    }
    const response = arrived.response as { clone?: () => { json(): Promise<unknown> }; bodyUsed?: boolean } | undefined;
    if (!response || typeof response.clone !== 'function' || response.bodyUsed) {
      settled = true;
      observer.onRawOnly();
      return;
    }
    let copy: { json(): Promise<unknown> };
    try {
      copy = response.clone();
    } catch {
      settled = true;
      observer.onRawOnly();
      return;
    }
    copy.json().then(value, () => {
      if (settled) return;
      settled = true;
      observer.onRawOnly();
    });
  };

  p.responsePromise.then((props) => {
    arrived = props ?? {};
    rawOnlyCheck();
  }, error);
}
