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

/**
 * Wraps an async iterator so that every value, error and early return passes through
 * unchanged while the hooks observe it. Observation errors are swallowed by the hooks'
 * owner; the wrapped iterator itself never throws anything the inner one did not.
 */
export function observeAsyncIterator<T>(inner: AsyncIterator<T>, hooks: StreamHooks<T>): AsyncIterableIterator<T> {
  let ended = false;
  const end = (outcome: { error?: unknown; abandoned: boolean }) => {
    if (ended) return;
    ended = true;
    try {
      hooks.onEnd(outcome);
    } catch {
      // Telemetry must never break the stream.
    }
  };
  // `next` is deliberately not an `async` function: one `.then` on the inner promise instead of an
  // extra async frame per chunk. Values, errors (sync throws become rejections, as before) and the
  // exactly-once end are unchanged.
  const onFulfilled = (result: IteratorResult<T>): IteratorResult<T> => {
    if (result.done) {
      end({ abandoned: false });
    } else if (hooks.onChunk) {
      try {
        hooks.onChunk(result.value);
      } catch {
        // Ignored: see above.
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
