/**
 * Observing a response body (audio, files) that the caller reads as a stream: bytes per chunk
 * as the caller consumes them, and one end callback whether the body completes, errors or is
 * abandoned (cancelled / destroyed). Shared by every instrumentation whose SDK hands the
 * caller a raw body (text-to-speech audio, file downloads).
 *
 * - A WHATWG ReadableStream (what fetch-based SDKs return) cannot be watched in place, so it is
 *   replaced by an equivalent ReadableStream pulling from it: same kind (byte stream when the
 *   source is one, so BYOB readers keep working), same chunks in the same order, same error
 *   objects, cancellation forwarded to the source, no read-ahead (high-water mark 0), and the
 *   source's own properties copied over.
 * - A Node.js Readable is observed in place (the very same object is returned): `emit` is
 *   wrapped on the instance so that no listener is added (an 'error' listener would change
 *   what an unhandled stream error does).
 * - Anything else is returned untouched and reported as not observed.
 */
import {
  ReadableStream as WebReadableStream,
  type ReadableByteStreamController,
  type ReadableStreamDefaultController,
  type ReadableStreamReadResult,
  type UnderlyingByteSource,
  type UnderlyingSource,
} from 'node:stream/web';
import { recordInternalError } from '../internal/errors';
import { endOnce, type StreamOutcome } from './stream-observer';

const COMPONENT = 'byte-stream-observer';

export interface ByteStreamHooks {
  /** Called for each chunk the caller receives, with its size in bytes. */
  onChunk(bytes: number): void;
  /** Called once: on completion, on error (with it), or when the caller cancels / destroys it. */
  onEnd(outcome: { error?: unknown; abandoned: boolean }): void;
}

export interface ObservedBody<T> {
  /** What to hand to the caller in place of the original body. */
  readonly body: T;
  /** False when the body is of a kind that cannot be observed (hooks will never be called). */
  readonly observed: boolean;
}

export function observeByteStream<T>(body: T, hooks: ByteStreamHooks): ObservedBody<T> {
  if (isWebReadableStream(body)) return { body: observeWebStream(body, hooks) as T, observed: true };
  if (isNodeReadable(body)) {
    observeNodeReadable(body, hooks);
    return { body, observed: true };
  }
  return { body, observed: false };
}

/** Size in bytes of a chunk of any of the usual body types (0 when unknown). */
export function byteLengthOf(chunk: unknown, encoding?: unknown): number {
  if (chunk === null || chunk === undefined) return 0;
  if (typeof chunk === 'string') return Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (ArrayBuffer.isView(chunk)) return chunk.byteLength;
  if (chunk instanceof ArrayBuffer) return chunk.byteLength;
  return 0;
}

function onceEnd(hooks: ByteStreamHooks): (outcome: StreamOutcome) => void {
  return endOnce(COMPONENT, hooks.onEnd.bind(hooks));
}

function chunkSeen(hooks: ByteStreamHooks, bytes: number): void {
  try {
    hooks.onChunk(bytes);
  } catch (error) {
    // Telemetry must never break the stream.
    recordInternalError(COMPONENT, error);
  }
}

function isWebReadableStream(value: unknown): value is WebReadableStream<unknown> {
  return value instanceof WebReadableStream || (typeof ReadableStream === 'function' && value instanceof ReadableStream);
}

interface NodeReadableLike {
  emit(event: string | symbol, ...args: unknown[]): boolean;
  pipe: unknown;
  read: unknown;
  on: unknown;
}

function isNodeReadable(value: unknown): value is NodeReadableLike {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<NodeReadableLike>;
  return typeof v.pipe === 'function' && typeof v.read === 'function' && typeof v.on === 'function' && typeof v.emit === 'function';
}

function isByteStream(stream: WebReadableStream<unknown>): boolean {
  try {
    const reader = (stream as WebReadableStream<Uint8Array>).getReader({ mode: 'byob' });
    reader.releaseLock();
    return true;
  } catch {
    // The probe's answer: not a byte stream.
    return false;
  }
}

function observeWebStream(source: WebReadableStream<unknown>, hooks: ByteStreamHooks): WebReadableStream<unknown> {
  const end = onceEnd(hooks);
  const bytes = isByteStream(source);
  const reader = source.getReader();
  const pull = async (controller: ReadableStreamDefaultController<unknown> | ReadableByteStreamController): Promise<void> => {
    let result: ReadableStreamReadResult<unknown>;
    try {
      result = await reader.read();
    } catch (error) {
      end({ error, abandoned: false });
      controller.error(error);
      return;
    }
    if (result.done) {
      end({ abandoned: false });
      controller.close();
      // A pending BYOB request must be answered after close (with 0 bytes).
      const byob = bytes ? (controller as ReadableByteStreamController).byobRequest : null;
      if (byob) byob.respond(0);
      return;
    }
    chunkSeen(hooks, byteLengthOf(result.value));
    (controller as ReadableStreamDefaultController<unknown>).enqueue(result.value);
  };
  const cancel = (reason: unknown): Promise<void> => {
    end({ abandoned: true });
    return reader.cancel(reason);
  };
  const wrapped = bytes
    ? new WebReadableStream({ type: 'bytes', pull, cancel } as UnderlyingByteSource, { highWaterMark: 0 })
    : new WebReadableStream({ pull, cancel } as UnderlyingSource<unknown>, { highWaterMark: 0 });
  // SDKs pin things on the body (e.g. Fern's `__fern_response_ref`, which keeps the Response
  // from being garbage-collected): carry every own property over.
  for (const key of Reflect.ownKeys(source)) {
    const descriptor = Object.getOwnPropertyDescriptor(source, key);
    if (descriptor && !Object.prototype.hasOwnProperty.call(wrapped, key)) {
      try {
        Object.defineProperty(wrapped, key, descriptor);
      } catch {
        // Not copyable: irrelevant to the caller.
      }
    }
  }
  return wrapped as WebReadableStream<unknown>;
}

function observeNodeReadable(readable: NodeReadableLike, hooks: ByteStreamHooks): void {
  const end = onceEnd(hooks);
  const originalEmit = readable.emit;
  const emit = function (this: unknown, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'data') chunkSeen(hooks, byteLengthOf(args[0]));
    else if (event === 'end') end({ abandoned: false });
    else if (event === 'error') end({ error: args[0], abandoned: false });
    else if (event === 'close') end({ abandoned: true });
    return originalEmit.call(this, event, ...args);
  };
  Object.defineProperty(readable, 'emit', { value: emit, writable: true, configurable: true, enumerable: false });
}

/**
 * Reads a body nobody else reads (a `clone()` of a response the caller holds) to its end:
 * `onChunk` per chunk, then `onEnd` once (with the error when reading failed). A WHATWG stream
 * is read with a reader; a Node.js Readable (openai 4.x on node-fetch) through its events.
 * Returns false, calling nothing, for a body of any other kind.
 */
export function drainBody(body: unknown, onChunk: (chunk: unknown) => void, onEnd: (error?: unknown) => void): boolean {
  const b = body as { getReader?: () => { read(): Promise<{ done: boolean; value?: unknown }> }; on?: (event: string, fn: (arg?: unknown) => void) => void } | null;
  if (!b) return false;
  const end = onceEnd({ onChunk() {}, onEnd: ({ error }) => onEnd(error) });
  const chunk = (value: unknown) => {
    try {
      onChunk(value);
    } catch (error) {
      recordInternalError(COMPONENT, error);
    }
  };
  if (typeof b.getReader === 'function') {
    const reader = b.getReader();
    const pump = (): void => {
      reader.read().then(
        (result) => {
          if (result.done) return end({ abandoned: false });
          chunk(result.value);
          pump();
        },
        (error: unknown) => end({ error, abandoned: false }),
      );
    };
    pump();
    return true;
  }
  if (typeof b.on === 'function') {
    b.on('data', chunk);
    b.on('end', () => end({ abandoned: false }));
    b.on('error', (error) => end({ error, abandoned: false }));
    return true;
  }
  return false;
}
