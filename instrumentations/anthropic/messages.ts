/**
 * The traced `Messages.prototype.create` of `@anthropic-ai/sdk` (0.x and 1.x).
 *
 * Every Messages call goes through `create`: plain, `stream: true`, and the `messages.stream()`
 * helper (`MessageStream._createMessage` calls `messages.create({...params, stream: true})` in 0.x
 * and 1.x alike), so exactly one place is patched and each HTTP call is seen once.
 *
 * Two modes, decided per call:
 *
 * - NATIVE: the client has the SDK's own tracer (`client._tracer`, set by SDK >= 0.134 unless
 *   `ANTHROPIC_OPEN_TELEMETRY=false` / `openTelemetry: false`), or the call already carries the
 *   SDK's call span (`options.__span`, from the stream helper). The SDK makes the span
 *   (`anthropic.messages.create`); aimeter makes NONE and only adds what the SDK's span lacks:
 *   `aimeter.response.chunks` (content deltas received) on streamed calls. Its other deviations
 *   (cache write attribute name, error types, aborts) are normalised by the metrics processor
 *   (src/processor/scope-normalisers.ts).
 *
 * - OWN: no SDK tracing (SDK < 0.134, or tracing turned off). aimeter makes the `chat {model}`
 *   span with usage (input INCLUDES cache reads and writes), response id/model/finish reason,
 *   time to first chunk and chunk count (first/each `content_block_delta`, the SDK's definition),
 *   normalised `error.type`, and content only when capture is on.
 *
 * What the caller gets is never replaced: the SDK's own APIPromise object is returned (its
 * `.withResponse()`, `.asResponse()` intact), and the streamed `Stream` is the SDK's own object,
 * observed in place (its iterator), so `tee()`, `toReadableStream()`, `controller` and the
 * helper's `finalMessage()` / `.on('text')` are untouched. Both modes observe the APIPromise with
 * the kit's observer (src/tracing/api-promise.ts), the one the OpenAI instrumentation and the
 * manual API use, with `onResponse` (failures seen even when nobody awaits the call; the native
 * span found on the response's request options) and mode `parsed` (a raw response nobody parses
 * ends the call unread).
 */
import type { Span, Tracer } from '@opentelemetry/api';
import { runtimeSettings } from '../../src/config/runtime';
import { swallow } from '../../src/internal/errors';
import { anthropicApiErrorType } from '../../src/processor/scope-normalisers';
import * as A from '../../src/semconv/attributes';
import { Operation } from '../../src/semconv/operations';
import { Provider } from '../../src/semconv/providers';
import { observeApiPromise, type ApiPromiseObserver } from '../../src/tracing/api-promise';
import { isInstrumentationWrapper } from '../../src/tracing/call-scope';
import { errorTypeOf } from '../../src/tracing/error-type';
import { GenAiSpan } from '../../src/tracing/genai-span';
import { observeAsyncIterator, observeStreamInPlace, type StreamHooks } from '../../src/tracing/stream-observer';
import { isAsyncIterable, serverOf, str, type Json } from '../../src/tracing/values';
import { requestContentAttributes, responseContentAttributes } from './content';
import { StreamState, usageOf } from './stream-state';

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

interface ClientLike {
  _tracer?: unknown;
  baseURL?: unknown;
  _genAIProviderName?: unknown;
}

interface MessagesLike {
  _client?: ClientLike;
}

interface ResponseProps {
  options?: { __span?: { span?: Span } };
}

interface StreamLike {
  controller?: AbortController;
  [Symbol.asyncIterator]: (this: unknown) => AsyncIterator<unknown>;
}

/** `aimeter`'s error.type for an Anthropic SDK error (HTTP status, else the API error type). */
export function anthropicErrorType(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { status?: unknown; type?: unknown; error?: { error?: { type?: unknown } } };
    if (typeof e.status !== 'number') {
      const mapped = anthropicApiErrorType(e.type) ?? anthropicApiErrorType(e.error?.error?.type);
      if (mapped) return mapped;
    }
    // SDK 0.x error classes do not set `name` (it stays 'Error'): classify by the class name, as
    // 1.x (which sets `name`) is classified, e.g. APIUserAbortError -> cancelled.
    const name = (error as { name?: unknown }).name;
    const className = (error as { constructor?: { name?: unknown } }).constructor?.name;
    if (name === 'Error' && typeof className === 'string' && className !== 'Error') {
      const { status, statusCode, code } = error as { status?: unknown; statusCode?: unknown; code?: unknown };
      return errorTypeOf({ name: className, status, statusCode, code });
    }
  }
  return errorTypeOf(error);
}

/** The traced `create` (`component`: the instrumentation's label for swallowed errors). */
export function tracedCreate(original: AnyFn, tracer: () => Tracer, component: string): AnyFn {
  // Another instrumentation's wrapper inside ours: enter our span's context so its span nests.
  const enter = isInstrumentationWrapper(original);
  return function create(this: unknown, ...args: unknown[]): unknown {
    const self = this as MessagesLike;
    const params = (args[0] ?? {}) as Json;
    const options = args[1] as { __span?: unknown } | undefined;
    const native = swallow(component, true, () => Boolean(self?._client?._tracer) || Boolean(options?.__span));
    if (native) {
      const result = original.apply(this, args);
      if (params.stream === true) swallow(component, undefined, () => observeApiPromise(result, 'stream', new NativeStream(component)));
      return result;
    }
    const call = swallow(component, undefined, () => startCall(tracer(), self, params, component));
    if (call === undefined) return original.apply(this, args);
    let result: unknown;
    try {
      result = call.span.call(original, this, args, enter);
    } catch (error) {
      swallow(component, undefined, () => call.onError(error));
      throw error;
    }
    swallow(component, undefined, () => observeApiPromise(result, 'parsed', call));
    return result;
  };
}

/** A stream's first iteration observed in place; `onStart` when the caller starts reading it. */
function observeStream(stream: StreamLike, hooks: StreamHooks<unknown>, onStart?: () => void): boolean {
  return observeStreamInPlace(stream, (inner) => {
    onStart?.();
    return observeAsyncIterator(inner, hooks);
  });
}

function isStream(data: unknown): data is StreamLike {
  return isAsyncIterable(data) && 'controller' in data;
}

// --- native mode ---------------------------------------------------------------------------

/** Counts content deltas on the SDK's own span of a streamed call. */
class NativeStream implements ApiPromiseObserver {
  private span: Span | undefined;

  constructor(private readonly component: string) {}

  onResponse(props: unknown): void {
    this.span = (props as ResponseProps | undefined)?.options?.__span?.span;
  }

  onValue(data: unknown): void {
    const span = this.span;
    if (!span || !isStream(data)) return;
    let chunks = 0;
    const component = this.component;
    observeStream(data, {
      onChunk(event) {
        if ((event as Json | undefined)?.type !== 'content_block_delta') return;
        chunks++;
        // Set as they arrive: the SDK ends its span before our own end hook would run.
        swallow(component, undefined, () => span.setAttribute(A.ATTR_AIMETER_RESPONSE_CHUNKS, chunks));
      },
      onEnd() {},
    });
  }

  onError(): void {}

  onRawOnly(): void {}
}

// --- own mode ------------------------------------------------------------------------------

function startCall(tracer: Tracer, messages: MessagesLike, params: Json, component: string): MessagesCall {
  const client = messages?._client;
  const server = serverOf(client?.baseURL);
  const attributes: Json = {};
  if (typeof params.max_tokens === 'number') attributes[A.ATTR_GEN_AI_REQUEST_MAX_TOKENS] = params.max_tokens;
  if (typeof params.temperature === 'number') attributes[A.ATTR_GEN_AI_REQUEST_TEMPERATURE] = params.temperature;
  if (typeof params.top_p === 'number') attributes[A.ATTR_GEN_AI_REQUEST_TOP_P] = params.top_p;
  const capture = runtimeSettings().captureMessageContent;
  if (capture) Object.assign(attributes, requestContentAttributes(params));
  const span = GenAiSpan.start(tracer, {
    operation: Operation.Chat,
    provider: typeof client?._genAIProviderName === 'string' ? client._genAIProviderName : Provider.Anthropic,
    requestModel: str(params.model),
    serverAddress: server.address,
    serverPort: server.port,
    stream: params.stream === true,
    attributes: attributes as Record<string, string | number | boolean>,
  });
  return new MessagesCall(span, capture, component);
}

/** One call traced by aimeter itself (own mode), observing the SDK's APIPromise. */
class MessagesCall implements ApiPromiseObserver {
  constructor(
    readonly span: GenAiSpan,
    private readonly capture: boolean,
    private readonly component: string,
  ) {}

  onResponse(): void {}

  onError(error: unknown): void {
    this.span.fail(error, anthropicErrorType(error));
  }

  onRawOnly(): void {
    this.span.end();
  }

  onValue(data: unknown): void {
    if (isStream(data)) {
      this.observeStream(data);
      return;
    }
    const message = data as Json | undefined;
    if (message && typeof message === 'object') {
      this.span.setResponse({
        id: str(message.id),
        model: str(message.model),
        finishReasons: typeof message.stop_reason === 'string' ? [message.stop_reason] : undefined,
      });
      this.span.setUsage(usageOf(message.usage as Json | undefined, true));
      if (this.capture) this.span.setAttributes(responseContentAttributes(message.content, message.stop_reason));
    }
    this.span.end();
  }

  private observeStream(stream: StreamLike): void {
    const component = this.component;
    const state = new StreamState();
    const finish = (error?: unknown) => {
      const { message, usage, complete } = state;
      this.span.setResponse({
        id: str(message.id),
        model: str(message.model),
        finishReasons: complete && typeof message.stop_reason === 'string' ? [message.stop_reason] : undefined,
      });
      if (usage) this.span.setUsage(usageOf(usage, complete));
      if (this.capture && state.started) this.span.setAttributes(responseContentAttributes(state.content(), message.stop_reason));
      if (error !== undefined) this.onError(error);
      else this.span.end();
    };
    // A stream the application aborts before reading it ends its call then.
    const signal = stream.controller?.signal;
    let reading = false;
    const onAbort = () => {
      if (!reading) swallow(component, undefined, () => finish());
    };
    if (signal && typeof signal.addEventListener === 'function') {
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
    const observed = observeStream(
      stream,
      {
        onChunk: (event) => {
          if (state.onEvent(event)) this.span.chunk();
        },
        onEnd: ({ error }) => swallow(component, undefined, () => finish(error)),
      },
      () => {
        reading = true;
        signal?.removeEventListener?.('abort', onAbort);
      },
    );
    if (!observed) finish();
  }
}
