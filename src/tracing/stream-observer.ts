import { recordInternalError } from '../internal/errors';

const COMPONENT = 'stream-observer';

/**
 * Shared streaming measurement for every provider: time to first chunk, chunk count, and an
 * end hook that fires exactly once whether the stream completes, errors, or is abandoned.
 */
export interface StreamHooks<T> {
  /** Called for every chunk, after first-chunk timing is taken. Exceptions are the caller's to swallow. */
  onChunk?(chunk: T): void;
  /** Called once: on completion, on error (with it), or when the consumer stops early. */
  onEnd(outcome: { error?: unknown; abandoned: boolean }): void;
}

export interface StreamOutcome {
  readonly error?: unknown;
  readonly abandoned: boolean;
}

/**
 * `onEnd` made to run at most once, its exceptions counted under `component`: every observer's
 * end (completed, failed or abandoned) goes through one of these.
 */
export function endOnce(component: string, onEnd: (outcome: StreamOutcome) => void): (outcome: StreamOutcome) => void {
  let ended = false;
  return (outcome) => {
    if (ended) return;
    ended = true;
    try {
      onEnd(outcome);
    } catch (error) {
      // Telemetry must never break the stream.
      recordInternalError(component, error);
    }
  };
}

/**
 * Wraps an async iterator so that every value, error and early return passes through
 * unchanged while the hooks observe it. Observation errors are swallowed by the hooks'
 * owner; the wrapped iterator itself never throws anything the inner one did not.
 */
export function observeAsyncIterator<T>(inner: AsyncIterator<T>, hooks: StreamHooks<T>): AsyncIterableIterator<T> {
  const end = endOnce(COMPONENT, hooks.onEnd.bind(hooks));
  // `next` is deliberately not an `async` function: one `.then` on the inner promise instead of an
  // extra async frame per chunk. Values, errors (sync throws become rejections, as before) and the
  // exactly-once end are unchanged.
  const onFulfilled = (result: IteratorResult<T>): IteratorResult<T> => {
    if (result.done) {
      end({ abandoned: false });
    } else if (hooks.onChunk) {
      try {
        hooks.onChunk(result.value);
      } catch (error) {
        recordInternalError(COMPONENT, error);
      }
    }
    return result;
  };
  const onRejected = (error: unknown): never => {
    end({ error, abandoned: false });
    throw error;
  };
  const wrapped: AsyncIterableIterator<T> = {
    next(...args: [] | [undefined]): Promise<IteratorResult<T>> {
      let pending: PromiseLike<IteratorResult<T>> | IteratorResult<T>;
      try {
        pending = inner.next(...args);
      } catch (error) {
        end({ error, abandoned: false });
        return Promise.reject(error);
      }
      return Promise.resolve(pending).then(onFulfilled, onRejected);
    },
    async return(value?: unknown) {
      end({ abandoned: true });
      return inner.return ? inner.return(value) : { done: true, value: value as T };
    },
    async throw(error?: unknown) {
      end({ error, abandoned: false });
      if (inner.throw) return inner.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return wrapped;
}

/**
 * Observes the first iteration of an SDK's stream object in place, so that the caller keeps the
 * very same object (its `tee()`, `toReadableStream()`, `controller`...). Stainless SDKs' Streams
 * (`openai`, `@anthropic-ai/sdk`) keep an own `iterator` function that `for await`, `tee()` and
 * `toReadableStream()` all call: that is wrapped; any other async iterable gets an own
 * `[Symbol.asyncIterator]`. `observe` turns the inner iterator into the observed one; it is called
 * once. Returns false when the object could not be observed.
 */
export function observeStreamInPlace(stream: object, observe: (inner: AsyncIterator<unknown>) => AsyncIterator<unknown>): boolean {
  const s = stream as Record<PropertyKey, unknown>;
  const key: PropertyKey = typeof s.iterator === 'function' && Object.prototype.hasOwnProperty.call(s, 'iterator') ? 'iterator' : Symbol.asyncIterator;
  const original = s[key];
  if (typeof original !== 'function') return false;
  let taken = false;
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    const inner = (original as (...a: unknown[]) => AsyncIterator<unknown>).apply(this, args);
    if (taken) return inner;
    taken = true;
    try {
      return observe(inner);
    } catch (error) {
      recordInternalError(COMPONENT, error);
      return inner;
    }
  };
  // The SDK's Stream keeps `iterator` as an own writable property: a plain write keeps its shape.
  try {
    s[key] = wrapped;
  } catch {
    // Read-only: defined below.
  }
  if (s[key] !== wrapped) {
    try {
      Object.defineProperty(stream, key, { configurable: true, writable: true, enumerable: false, value: wrapped });
    } catch {
      return false;
    }
  }
  return s[key] === wrapped;
}
