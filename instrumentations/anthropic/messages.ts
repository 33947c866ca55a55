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
 * observed in place (its async iterator), so `tee()`, `toReadableStream()`, `controller` and the
 * helper's `finalMessage()` / `.on('text')` are untouched. Observation hooks into three
 * per-instance fields the SDK reads lazily: `responsePromise` (failures), `parseResponse` (the
 * parsed Message or Stream) and `asResponse` (a raw response nobody parses).
 */
import type { Span, Tracer } from '@opentelemetry/api';
import { isInstrumentationWrapper } from '../../src/tracing/call-scope';
import { runtimeSettings } from '../../src/config/runtime';
import { swallow } from '../../src/internal/errors';
import { anthropicApiErrorType } from '../../src/processor/scope-normalisers';
import * as A from '../../src/semconv/attributes';
import { Operation } from '../../src/semconv/operations';
import { Provider } from '../../src/semconv/providers';
import { checkedQuantity } from '../../src/provider-data/usage';
import { errorTypeOf } from '../../src/tracing/error-type';
import { GenAiSpan } from '../../src/tracing/genai-span';
import { observeAsyncIterator, type StreamHooks } from '../../src/tracing/stream-observer';
import { requestContentAttributes, responseContentAttributes } from './content';

export const COMPONENT = 'instrumentation-anthropic';

type Json = Record<string, unknown>;
type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

interface ClientLike {
  _tracer?: unknown;
  baseURL?: unknown;
  _genAIProviderName?: unknown;
}

interface MessagesLike {
  _client?: ClientLike;
}

/** The fields of the SDK's APIPromise that aimeter observes (present in 0.x and 1.x). */
interface ApiPromiseLike {
  responsePromise?: PromiseLike<unknown>;
  parseResponse?: (this: unknown, client: unknown, props: unknown) => unknown;
  asResponse?: (this: unknown, ...args: unknown[]) => unknown;
  parsedPromise?: unknown;
}

interface ResponseProps {
  options?: { __span?: { span?: Span } };
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

export function tracedCreate(original: AnyFn, tracer: () => Tracer): AnyFn {
  // Another instrumentation's wrapper inside ours: enter our span's context so its span nests.
  const enter = isInstrumentationWrapper(original);
  return function create(this: unknown, ...args: unknown[]): unknown {
    const self = this as MessagesLike;
    const params = (args[0] ?? {}) as Json;
    const options = args[1] as { __span?: unknown } | undefined;
    const native = swallow(COMPONENT, true, () => Boolean(self?._client?._tracer) || Boolean(options?.__span));
    if (native) {
      const result = original.apply(this, args);
      if (params.stream === true) swallow(COMPONENT, undefined, () => observeNativeStream(result as ApiPromiseLike));
      return result;
    }
    const call = swallow(COMPONENT, undefined, () => startCall(tracer(), self, params));
    if (call === undefined) return original.apply(this, args);
    let result: unknown;
    try {
      result = call.span.call(original, this, args, enter);
    } catch (error) {
      swallow(COMPONENT, undefined, () => call.fail(error));
      throw error;
    }
    swallow(COMPONENT, undefined, () => call.attach(result as ApiPromiseLike));
    return result;
  };
}

// --- native mode ---------------------------------------------------------------------------

/** Counts content deltas on the SDK's own span of a streamed call. */
function observeNativeStream(apiPromise: ApiPromiseLike): void {
  hookParse(apiPromise, {
    parsed(data, props) {
      const span = (props as ResponseProps | undefined)?.options?.__span?.span;
      if (!span || !isStream(data)) return;
      let chunks = 0;
      observeInPlace(data, {
        onChunk(event) {
          if ((event as Json | undefined)?.type !== 'content_block_delta') return;
          chunks++;
          // Set as they arrive: the SDK ends its span before our own end hook would run.
          span.setAttribute(A.ATTR_AIMETER_RESPONSE_CHUNKS, chunks);
        },
        onEnd() {},
      });
    },
  });
}

// --- own mode ------------------------------------------------------------------------------

function startCall(tracer: Tracer, messages: MessagesLike, params: Json): MessagesCall {
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
    requestModel: typeof params.model === 'string' ? params.model : undefined,
    serverAddress: server.address,
    serverPort: server.port,
    stream: params.stream === true,
    attributes: attributes as Record<string, string | number | boolean>,
  });
  return new MessagesCall(span, capture);
}

class MessagesCall {
  private parseStarted = false;

  constructor(
    readonly span: GenAiSpan,
    private readonly capture: boolean,
  ) {}

  fail(error: unknown): void {
    this.span.fail(error, anthropicErrorType(error));
  }

  /** Observes the SDK's APIPromise in place (see the file comment). */
  attach(apiPromise: ApiPromiseLike): void {
    if (!apiPromise || typeof apiPromise !== 'object') {
      this.span.end();
      return;
    }
    const responsePromise = apiPromise.responsePromise;
    if (!responsePromise || typeof responsePromise.then !== 'function' || typeof apiPromise.parseResponse !== 'function') {
      // Not the APIPromise shape we know: end the span when the call settles.
      if (typeof (apiPromise as PromiseLike<unknown>).then === 'function') {
        (apiPromise as PromiseLike<unknown>).then(
          () => this.span.end(),
          (error) => this.fail(error),
        );
      } else this.span.end();
      return;
    }
    // Replaced by a promise that settles the same way, with the same value or error: an
    // unawaited failing call still rejects unhandled, exactly as without aimeter.
    apiPromise.responsePromise = responsePromise.then(undefined, (error: unknown) => {
      swallow(COMPONENT, undefined, () => this.fail(error));
      throw error;
    });
    hookParse(apiPromise, {
      started: () => {
        this.parseStarted = true;
      },
      parsed: (data) => this.parsed(data),
      failed: (error) => this.fail(error),
    });
    const asResponse = apiPromise.asResponse;
    if (typeof asResponse === 'function') {
      // A raw response that is never parsed (asResponse() alone): the call ends with it.
      const call = this;
      apiPromise.asResponse = function (this: unknown, ...args: unknown[]): unknown {
        const result = asResponse.apply(this, args) as PromiseLike<unknown>;
        if (typeof result?.then !== 'function') return result;
        return result.then((response) => {
          swallow(COMPONENT, undefined, () => {
            if (!call.parseStarted && !apiPromise.parsedPromise) call.span.end();
          });
          return response;
        });
      };
    }
  }

  private parsed(data: unknown): void {
    if (isStream(data)) {
      this.observeStream(data);
      return;
    }
    const message = data as Json | undefined;
    if (message && typeof message === 'object') {
      const usage = message.usage as Json | undefined;
      this.span.setResponse({
        id: str(message.id),
        model: str(message.model),
        finishReasons: typeof message.stop_reason === 'string' ? [message.stop_reason] : undefined,
      });
      this.span.setUsage(usageOf(usage, true));
      if (this.capture) this.span.setAttributes(responseContentAttributes(message.content, message.stop_reason));
    }
    this.span.end();
  }

  private observeStream(stream: StreamLike): void {
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
      if (error !== undefined) this.fail(error);
      else this.span.end();
    };
    // A stream the application aborts before reading it ends its call then.
    const signal = stream.controller?.signal;
    let reading = false;
    const onAbort = () => {
      if (!reading) swallow(COMPONENT, undefined, () => finish());
    };
    if (signal && typeof signal.addEventListener === 'function') {
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
    observeInPlace(stream, {
      onStart: () => {
        reading = true;
        signal?.removeEventListener?.('abort', onAbort);
      },
      onChunk: (event) => {
        if (state.onEvent(event)) this.span.chunk();
      },
      onEnd: ({ error }) => swallow(COMPONENT, undefined, () => finish(error)),
    });
  }
}

/** What a streamed Message's events say so far (as the SDK's own span reads them). */
class StreamState {
  message: Json = {};
  usage: Json | undefined;
  started = false;
  private sawMessageDelta = false;
  private sawStop = false;
  private readonly blocks: Json[] = [];
  private readonly partialJson = new Map<number, string>();

  get complete(): boolean {
    return this.sawMessageDelta || this.sawStop;
  }

  /** Returns true for a content delta (a chunk of output). */
  onEvent(event: unknown): boolean {
    const e = event as Json | undefined;
    switch (e?.type) {
      case 'message_start': {
        const m = (e.message ?? {}) as Json;
        this.started = true;
        this.message = { id: m.id, model: m.model };
        this.usage = { ...((m.usage as Json | undefined) ?? {}) };
        return false;
      }
      case 'content_block_start': {
        const block = e.content_block as Json | undefined;
        if (block?.type === 'fallback' && (block.to as Json | undefined)?.model) {
          this.message.model = (block.to as Json).model;
        }
        if (typeof e.index === 'number' && block) this.blocks[e.index] = { ...block };
        return false;
      }
      case 'content_block_delta': {
        this.applyDelta(e.index, e.delta as Json | undefined);
        return true;
      }
      case 'message_delta': {
        const totals = (e.usage ?? {}) as Json;
        if (this.usage) {
          this.usage.output_tokens = totals.output_tokens;
          for (const name of ['input_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'output_tokens_details']) {
            if (totals[name] !== null && totals[name] !== undefined) this.usage[name] = totals[name];
          }
        }
        const delta = e.delta as Json | undefined;
        if (delta?.stop_reason !== null && delta?.stop_reason !== undefined) this.message.stop_reason = delta.stop_reason;
        this.sawMessageDelta = true;
        return false;
      }
      case 'message_stop':
        this.sawStop = true;
        return false;
      default:
        return false;
    }
  }

  private applyDelta(index: unknown, delta: Json | undefined): void {
    if (typeof index !== 'number' || !delta) return;
    const block = (this.blocks[index] ??= { type: 'text', text: '' });
    switch (delta.type) {
      case 'text_delta':
        block.text = String(block.text ?? '') + String(delta.text ?? '');
        break;
      case 'thinking_delta':
        block.thinking = String(block.thinking ?? '') + String(delta.thinking ?? '');
        break;
      case 'input_json_delta':
        this.partialJson.set(index, (this.partialJson.get(index) ?? '') + String(delta.partial_json ?? ''));
        break;
    }
  }

  /** The message content accumulated from the deltas. */
  content(): Json[] {
    return this.blocks
      .map((block, index) => {
        const json = this.partialJson.get(index);
        if (json === undefined) return block;
        let input: unknown = json;
        try {
          input = json === '' ? {} : JSON.parse(json);
        } catch {
          // Cut short: keep the text.
        }
        return { ...block, input };
      })
      .filter((b): b is Json => b !== undefined);
  }
}

// --- shared helpers ------------------------------------------------------------------------

interface StreamLike {
  controller?: AbortController;
  [Symbol.asyncIterator]: (this: unknown) => AsyncIterator<unknown>;
}

function isStream(data: unknown): data is StreamLike {
  return (
    typeof data === 'object' &&
    data !== null &&
    typeof (data as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function' &&
    'controller' in data
  );
}

/**
 * Observes the first iteration of the SDK's Stream by replacing its async iterator on the
 * instance (as the SDK's own tracing does): the object the caller holds stays the SDK's, and
 * `tee()` / `toReadableStream()`, which iterate it, are observed too.
 */
function observeInPlace(stream: StreamLike, hooks: StreamHooks<unknown> & { onStart?(): void }): void {
  const iterate = stream[Symbol.asyncIterator];
  let observed = false;
  stream[Symbol.asyncIterator] = function (this: unknown): AsyncIterator<unknown> {
    const inner = iterate.call(this);
    if (observed) return inner;
    observed = true;
    swallow(COMPONENT, undefined, () => hooks.onStart?.());
    return observeAsyncIterator(inner, {
      onChunk: (chunk) => swallow(COMPONENT, undefined, () => hooks.onChunk?.(chunk)),
      onEnd: (outcome) => swallow(COMPONENT, undefined, () => hooks.onEnd(outcome)),
    });
  };
}

/**
 * Wraps the APIPromise's `parseResponse` (which the SDK calls lazily, when the caller first
 * awaits, `withResponse()`s or streams) so that the parsed value passes through unchanged while
 * `parsed` sees it; a parse failure is re-thrown as it is.
 */
function hookParse(
  apiPromise: ApiPromiseLike,
  hooks: { started?(): void; parsed(data: unknown, props: unknown): void; failed?(error: unknown): void },
): void {
  const parseResponse = apiPromise.parseResponse;
  if (typeof parseResponse !== 'function') return;
  apiPromise.parseResponse = async function (this: unknown, client: unknown, props: unknown): Promise<unknown> {
    swallow(COMPONENT, undefined, () => hooks.started?.());
    let data: unknown;
    try {
      data = await parseResponse.call(this, client, props);
    } catch (error) {
      swallow(COMPONENT, undefined, () => hooks.failed?.(error));
      throw error;
    }
    swallow(COMPONENT, undefined, () => hooks.parsed(data, props));
    return data;
  };
}

/** Semconv usage from an Anthropic usage block; output counts only once final (`complete`). */
function usageOf(usage: Json | undefined, complete: boolean): {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheCreationTokens?: number;
  reasoningTokens?: number;
} {
  if (!usage) return {};
  // Checked before they are added up (src/provider-data/usage.ts): one absurd part must not make the total absurd.
  const input = checkedQuantity(usage.input_tokens, A.ATTR_GEN_AI_USAGE_INPUT_TOKENS);
  const cacheRead = checkedQuantity(usage.cache_read_input_tokens, A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS);
  const cacheCreation = checkedQuantity(usage.cache_creation_input_tokens, A.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS);
  const details = usage.output_tokens_details as Json | undefined | null;
  return {
    inputTokens: input === undefined ? undefined : input + (cacheRead ?? 0) + (cacheCreation ?? 0),
    cacheReadTokens: cacheRead,
    cacheCreationTokens: cacheCreation,
    outputTokens: complete ? checkedQuantity(usage.output_tokens, A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS) : undefined,
    reasoningTokens: complete ? checkedQuantity(details?.thinking_tokens, A.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS) : undefined,
  };
}

function serverOf(baseURL: unknown): { address?: string; port?: number } {
  if (typeof baseURL !== 'string') return {};
  try {
    const url = new URL(baseURL);
    return {
      address: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443,
    };
  } catch {
    return {};
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
