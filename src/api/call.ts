/**
 * The core of the manual API: one traced call = one GenAiSpan plus a handle the user's function
 * reports through. Everything here that runs inside the user's call is guarded by `swallow`: an
 * exception inside aimeter is counted and dropped, never thrown into user code, and the user's
 * function runs (once) whether or not the span could be created.
 */
import { context as otelContext, createContextKey, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { swallow } from '../internal/errors';
import { GenAiSpan, type GenAiSpanStart, type ResponseInfo, type TokenUsage } from '../tracing/genai-span';
import { isApiPromise, observeApiPromise } from '../tracing/api-promise';
import { observeAsyncIterator, observeStreamInPlace, type StreamHooks } from '../tracing/stream-observer';
import { ATTR_GEN_AI_REQUEST_STREAM } from '../semconv/attributes';
import { isAsyncIterable, isThenable } from '../tracing/values';
import { manualTracer } from './tracer';

export type { ResponseInfo, TokenUsage };

const COMPONENT = 'manual-api';
const CALL_KEY = createContextKey('aimeter.manual-api.call');

/**
 * The handle a traced function receives. Every method is safe to call at any time (also after
 * the call ended, when it does nothing) and never throws.
 */
export interface TracedCall {
  /** Token usage of a model call (inputTokens INCLUDES cache reads and writes). */
  setUsage(usage: TokenUsage): void;
  /** What the provider answered: response model, id, finish reasons. */
  setResponse(response: ResponseInfo): void;
  /** Marks a streamed chunk; the first one sets time to first chunk. Returned streams are counted for you. */
  chunk(): void;
  /** Speech-to-text: seconds of audio. */
  setAudioDuration(seconds: number): void;
  /** Text-to-speech: characters synthesized. */
  setCharacters(count: number): void;
  /** Text-to-speech: bytes of audio produced. */
  setAudioSize(bytes: number): void;
  /** Further span attributes (never put content here unless you mean to). */
  setAttributes(attributes: Attributes): void;
  /** The underlying span, or undefined when tracing is unavailable. */
  readonly span: Span | undefined;
}

/** How one kind of traced call (LLM, speech, agent, tool) behaves around the generic core. */
export interface CallBehaviour {
  readonly start: GenAiSpanStart;
  /** Count the chunks of a returned stream (model calls and speech; not agents or tools). */
  readonly countChunks: boolean;
  /** Set gen_ai.request.stream=true when a stream is returned and options.stream was not given. */
  readonly markStream: boolean;
  readonly usageFromResult?: (result: any) => TokenUsage | undefined;
  readonly usageFromChunk?: (chunk: any) => TokenUsage | undefined;
  /** Called once the span is started (e.g. to record tool arguments). */
  onStart?(call: CallHandle): void;
  /** Called with the final (non-stream) result before the span ends. */
  onResult?(call: CallHandle, result: unknown): void;
  /** Called for every chunk of a returned stream. */
  onChunk?(call: CallHandle, chunk: unknown): void;
  /** Called when a returned stream ends (completed, failed or abandoned), before the span ends. */
  onStreamEnd?(call: CallHandle): void;
}

export class CallHandle implements TracedCall {
  /** Bytes reported by setAudioSize (explicit) and counted from audio chunks (automatic). */
  explicitAudioSize = false;
  countedAudioBytes = 0;

  constructor(readonly genAi: GenAiSpan | undefined) {}

  get span(): Span | undefined {
    return this.genAi?.span;
  }

  setUsage(usage: TokenUsage): void {
    swallow(COMPONENT, undefined, () => this.genAi?.setUsage(usage));
  }

  setResponse(response: ResponseInfo): void {
    swallow(COMPONENT, undefined, () => this.genAi?.setResponse(response));
  }

  chunk(): void {
    swallow(COMPONENT, undefined, () => this.genAi?.chunk());
  }

  setAudioDuration(seconds: number): void {
    swallow(COMPONENT, undefined, () => this.genAi?.setAudioDuration(seconds));
  }

  setCharacters(count: number): void {
    swallow(COMPONENT, undefined, () => this.genAi?.setCharacters(count));
  }

  setAudioSize(bytes: number): void {
    this.explicitAudioSize = true;
    swallow(COMPONENT, undefined, () => this.genAi?.setAudioSize(bytes));
  }

  setAttributes(attributes: Attributes): void {
    swallow(COMPONENT, undefined, () => this.genAi?.setAttributes(attributes));
  }
}

const NOOP_CALL = new CallHandle(undefined);

/** The innermost call traced by the manual API in the active context (e.g. inside a decorated method). */
export function activeCall(): TracedCall | undefined {
  return swallow(COMPONENT, undefined, () => otelContext.active().getValue(CALL_KEY) as CallHandle | undefined);
}

/**
 * Runs `fn` inside a new GenAI span and returns exactly what it returns (a stream is handed back
 * as an iterable yielding the same values, observed to end the span when the stream ends).
 */
export function runTraced<T>(behaviour: () => CallBehaviour, fn: (call: CallHandle) => T): T {
  const started = swallow(COMPONENT, undefined, () => start(behaviour()));
  if (started === undefined) return fn(NOOP_CALL);
  const { b, call, ctx } = started;
  const genAi = call.genAi!;
  let result: T;
  try {
    result = otelContext.with(ctx, fn, undefined, call);
  } catch (error) {
    swallow(COMPONENT, undefined, () => genAi.fail(error));
    throw error;
  }
  return swallow(COMPONENT, result, () => settle(b, call, genAi, result));
}

function start(b: CallBehaviour): { b: CallBehaviour; call: CallHandle; ctx: Context } {
  const genAi = GenAiSpan.start(manualTracer(), b.start);
  const call = new CallHandle(genAi);
  const ctx = genAi.context.setValue(CALL_KEY, call);
  if (b.onStart) swallow(COMPONENT, undefined, () => b.onStart!(call));
  return { b, call, ctx };
}

function settle<T>(b: CallBehaviour, call: CallHandle, genAi: GenAiSpan, result: T): T {
  if (result instanceof Promise && isNativePromise(result)) {
    // A native promise (e.g. from an async function): hand back a promise of the same value,
    // or of the observed stream, rejecting with the very same error.
    return result.then(
      (value) => swallow(COMPONENT, value, () => finish(b, call, genAi, value)),
      (error: unknown) => {
        swallow(COMPONENT, undefined, () => genAi.fail(error));
        throw error;
      },
    ) as T;
  }
  if (isAsyncIterable(result)) return observeStream(b, call, genAi, result) as T;
  if (isApiPromise(result)) {
    // An SDK's APIPromise (openai, @anthropic-ai/sdk): returned as it is, and watched without
    // `.then`, which would read the body and break the caller's `.asResponse()`.
    observeApiPromise(result, 'auto', {
      onValue: (value) => swallow(COMPONENT, undefined, () => settleSdkValue(b, call, genAi, value)),
      onError: (error) => swallow(COMPONENT, undefined, () => genAi.fail(error)),
      onRawOnly: () => swallow(COMPONENT, undefined, () => genAi.end()),
    });
    return result;
  }
  if (isThenable(result)) {
    // Another special promise-like object: returned as it is, so that its extra methods keep
    // working; the span ends when it settles.
    result.then(
      (value) => swallow(COMPONENT, undefined, () => endWith(b, call, genAi, value)),
      (error: unknown) => swallow(COMPONENT, undefined, () => genAi.fail(error)),
    );
    return result;
  }
  endWith(b, call, genAi, result);
  return result;
}

/** The parsed value of an APIPromise: the SDK's own Stream is observed in place (the caller already holds it). */
function settleSdkValue(b: CallBehaviour, call: CallHandle, genAi: GenAiSpan, value: unknown): void {
  if (isAsyncIterable(value)) {
    const hooks = streamHooks(b, call, genAi);
    if (observeStreamInPlace(value, (inner) => observeAsyncIterator(inner, hooks))) {
      if (b.markStream && b.start.stream === undefined) genAi.span.setAttribute(ATTR_GEN_AI_REQUEST_STREAM, true);
      return;
    }
  }
  endWith(b, call, genAi, value);
}

function finish<V>(b: CallBehaviour, call: CallHandle, genAi: GenAiSpan, value: V): V {
  if (isAsyncIterable(value)) return observeStream(b, call, genAi, value) as V;
  endWith(b, call, genAi, value);
  return value;
}

function endWith(b: CallBehaviour, call: CallHandle, genAi: GenAiSpan, value: unknown): void {
  if (b.usageFromResult) {
    const usage = swallow(COMPONENT, undefined, () => b.usageFromResult!(value));
    if (usage) call.setUsage(usage);
  }
  if (b.onResult) swallow(COMPONENT, undefined, () => b.onResult!(call, value));
  genAi.end();
}

function observeStream<S extends AsyncIterable<unknown>>(b: CallBehaviour, call: CallHandle, genAi: GenAiSpan, stream: S): S {
  if (b.markStream && b.start.stream === undefined) genAi.span.setAttribute(ATTR_GEN_AI_REQUEST_STREAM, true);
  const hooks = streamHooks(b, call, genAi);
  if (Object.prototype.toString.call(stream) === '[object AsyncGenerator]') {
    // An async generator's whole surface is next/return/throw/[Symbol.asyncIterator]: the
    // observed iterator has exactly that surface.
    return observeAsyncIterator(stream as unknown as AsyncIterator<unknown>, hooks) as unknown as S;
  }
  return observedIterableProxy(stream, hooks);
}

/** Chunk counting, usage from chunks and the end of the span, for a returned stream. */
function streamHooks(b: CallBehaviour, call: CallHandle, genAi: GenAiSpan): StreamHooks<unknown> {
  return {
    onChunk(chunk) {
      if (b.countChunks) genAi.chunk();
      if (b.usageFromChunk) {
        const usage = swallow(COMPONENT, undefined, () => b.usageFromChunk!(chunk));
        if (usage) call.setUsage(usage);
      }
      if (b.onChunk) swallow(COMPONENT, undefined, () => b.onChunk!(call, chunk));
    },
    onEnd({ error }) {
      if (b.onStreamEnd) swallow(COMPONENT, undefined, () => b.onStreamEnd!(call));
      if (error !== undefined) genAi.fail(error);
      else genAi.end();
    },
  };
}

/**
 * Any other async iterable (an SDK stream class with extra methods): a proxy whose first
 * iteration is observed; every other property is the original's, methods bound to it.
 */
function observedIterableProxy<S extends AsyncIterable<unknown>>(stream: S, hooks: StreamHooks<unknown>): S {
  let observed = false;
  const bound = new WeakMap<object, (...args: unknown[]) => unknown>();
  return new Proxy(stream, {
    get(target, property) {
      if (property === Symbol.asyncIterator) {
        const original = Reflect.get(target, property, target) as () => AsyncIterator<unknown>;
        return function observedAsyncIterator() {
          const iterator = original.call(target);
          if (observed) return iterator;
          observed = true;
          return swallow(COMPONENT, iterator as AsyncIterator<unknown>, () => observeAsyncIterator(iterator, hooks));
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function' || property === 'constructor') return value;
      let fn = bound.get(value);
      if (fn === undefined) {
        fn = (value as (...args: unknown[]) => unknown).bind(target);
        bound.set(value, fn);
      }
      return fn;
    },
  });
}

function isNativePromise(value: Promise<unknown>): boolean {
  return Object.getPrototypeOf(value) === Promise.prototype;
}
