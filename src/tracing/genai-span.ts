/**
 * GenAiSpan: one GenAI operation as an OpenTelemetry span with semantic-convention attributes.
 * Shared by the SDK instrumentations and the manual API, so that naming, usage attributes,
 * streaming timings and error normalisation are written in exactly one place.
 */
import {
  context as otelContext,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import * as A from '../semconv/attributes';
import { Operation } from '../semconv/operations';
import { emitsLatest, emitsV141 } from '../semconv/conventions';
import { runtimeSettings } from '../config/runtime';
import { rememberGenAiServer } from '../privacy/genai-hosts';
import { callInSpan } from './call-scope';
import { resolveParent } from './framework-parent';
import { errorTypeLabel, errorTypeOf } from './error-type';
import { checkedQuantity, checkedTokenCounts } from '../provider-data/usage';

export interface GenAiSpanStart {
  /** gen_ai.operation.name, e.g. 'chat', 'speech_to_text', 'invoke_agent', 'execute_tool'. */
  readonly operation: string;
  /** gen_ai.provider.name; may be omitted for agents and tools. */
  readonly provider?: string;
  readonly requestModel?: string;
  readonly agentName?: string;
  readonly toolName?: string;
  readonly serverAddress?: string;
  readonly serverPort?: number;
  readonly stream?: boolean;
  /** Further attributes known at start (request parameters, ids). */
  readonly attributes?: Attributes;
  /** Parent context; defaults to the active one (or what an agent framework's bridge says: framework-parent.ts). */
  readonly parent?: Context;
}

export interface TokenUsage {
  /** Input tokens, INCLUDING cache reads and writes (semconv). */
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly cacheReadTokens?: number;
  readonly cacheCreationTokens?: number;
  readonly reasoningTokens?: number;
}

export interface ResponseInfo {
  readonly model?: string;
  readonly id?: string;
  readonly finishReasons?: readonly string[];
}

export class GenAiSpan {
  readonly span: Span;
  /** The context the span was started under. */
  readonly parent: Context;
  private spanContext: Context | undefined;
  private readonly startedAt = performance.now();
  /** What time to first chunk is measured from: the span's start, or requestSent(). */
  private requestAt: number | undefined;
  private firstChunkAt: number | undefined;
  private chunkCount = 0;
  private ended = false;

  private constructor(span: Span, parent: Context) {
    this.span = span;
    this.parent = parent;
  }

  /** The parent context with this span active (built on first use). */
  get context(): Context {
    return (this.spanContext ??= trace.setSpan(this.parent, this.span));
  }

  static start(tracer: Tracer, start: GenAiSpanStart): GenAiSpan {
    const parent = start.parent ?? resolveParent(otelContext.active());
    const attributes: Attributes = { [A.ATTR_GEN_AI_OPERATION_NAME]: start.operation };
    if (start.provider) attributes[A.ATTR_GEN_AI_PROVIDER_NAME] = start.provider;
    if (start.requestModel) attributes[A.ATTR_GEN_AI_REQUEST_MODEL] = start.requestModel;
    if (start.agentName) attributes[A.ATTR_GEN_AI_AGENT_NAME] = start.agentName;
    if (start.toolName) attributes[A.ATTR_GEN_AI_TOOL_NAME] = start.toolName;
    if (start.serverAddress) attributes[A.ATTR_SERVER_ADDRESS] = start.serverAddress;
    if (start.serverPort !== undefined) attributes[A.ATTR_SERVER_PORT] = start.serverPort;
    if (start.stream !== undefined) attributes[A.ATTR_GEN_AI_REQUEST_STREAM] = start.stream;
    if (start.attributes) Object.assign(attributes, start.attributes);
    const span = tracer.startSpan(spanName(start), { kind: spanKind(start.operation), attributes }, parent);
    if (start.serverAddress) rememberGenAiServer(start.serverAddress, start.serverPort);
    return new GenAiSpan(span, parent);
  }

  /** Runs `fn` with this span active, so nested GenAI spans become its children. */
  run<T>(fn: () => T): T {
    return otelContext.with(this.context, fn);
  }

  /**
   * Calls a provider SDK method for this span's call (see call-scope.ts: the span is made active
   * only when a context already is, or when `enter`). Returns or throws exactly what the method does.
   */
  call<A extends unknown[], R>(fn: (...args: A) => R, thisArg: unknown, args: A, enter = false): R {
    return callInSpan(this.span, this.parent, fn, thisArg, args, enter);
  }

  /**
   * Marks when the request was sent, for a span that starts before it (a live WebSocket session
   * opens first, then streams audio or text): time to first chunk is measured from the first
   * call instead of the span's start. Later calls are ignored.
   */
  requestSent(): void {
    if (this.requestAt === undefined) this.requestAt = performance.now();
  }

  /** Marks the arrival of a streamed chunk (the first one sets time to first chunk). */
  chunk(): void {
    if (this.firstChunkAt === undefined) this.firstChunkAt = performance.now();
    this.chunkCount++;
  }

  get chunks(): number {
    return this.chunkCount;
  }

  /** Usage as the provider reported it: implausible counts are dropped and counted (src/provider-data/usage.ts). */
  setUsage(reported: TokenUsage): void {
    const s = this.span;
    const usage = checkedTokenCounts(reported);
    setNumber(s, A.ATTR_GEN_AI_USAGE_INPUT_TOKENS, usage.inputTokens);
    setNumber(s, A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, usage.outputTokens);
    setNumber(s, A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, usage.cacheReadTokens);
    if (usage.cacheCreationTokens !== undefined) {
      // v1.41's cache_creation, the newest conventions' cache_write, or both (src/semconv/conventions.ts).
      const conventions = runtimeSettings().conventions;
      if (emitsV141(conventions)) setNumber(s, A.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, usage.cacheCreationTokens);
      if (emitsLatest(conventions)) setNumber(s, A.ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS, usage.cacheCreationTokens);
    }
    setNumber(s, A.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, usage.reasoningTokens);
  }

  setResponse(response: ResponseInfo): void {
    if (response.model) this.span.setAttribute(A.ATTR_GEN_AI_RESPONSE_MODEL, response.model);
    if (response.id) this.span.setAttribute(A.ATTR_GEN_AI_RESPONSE_ID, response.id);
    if (response.finishReasons && response.finishReasons.length > 0) {
      this.span.setAttribute(A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS, [...response.finishReasons]);
    }
  }

  /** Speech: seconds of audio (in for speech-to-text, out for text-to-speech when known). */
  setAudioDuration(seconds: number | undefined): void {
    setNumber(this.span, A.ATTR_AIMETER_SPEECH_AUDIO_DURATION, checkedQuantity(seconds, A.ATTR_AIMETER_SPEECH_AUDIO_DURATION));
  }

  /** Text-to-speech: characters synthesized. */
  setCharacters(count: number | undefined): void {
    setNumber(this.span, A.ATTR_AIMETER_SPEECH_CHARACTERS, checkedQuantity(count, A.ATTR_AIMETER_SPEECH_CHARACTERS));
  }

  /** Text-to-speech: bytes of audio produced. */
  setAudioSize(bytes: number | undefined): void {
    setNumber(this.span, A.ATTR_AIMETER_SPEECH_AUDIO_SIZE, checkedQuantity(bytes, A.ATTR_AIMETER_SPEECH_AUDIO_SIZE));
  }

  setAttributes(attributes: Attributes): void {
    this.span.setAttributes(attributes);
  }

  /** Ends the span successfully (idempotent). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.writeTimings();
    this.span.end();
  }

  /**
   * Ends the span as failed, with a normalised error.type (idempotent; any other shape becomes `_OTHER`). The status description
   * is the error's message only when content capture is on: providers quote the prompt in their
   * errors (content-policy and validation 400s), so by default it is the error's class name.
   */
  fail(error: unknown, errorType = errorTypeOf(error)): void {
    if (this.ended) return;
    this.ended = true;
    this.writeTimings();
    this.span.setAttribute(A.ATTR_ERROR_TYPE, errorTypeLabel(errorType) || '_OTHER');
    const message = statusDescription(error, runtimeSettings().captureMessageContent);
    this.span.setStatus({ code: SpanStatusCode.ERROR, ...(message ? { message } : {}) });
    this.span.end();
  }

  private writeTimings(): void {
    if (this.firstChunkAt !== undefined) {
      const from = this.requestAt !== undefined && this.requestAt <= this.firstChunkAt ? this.requestAt : this.startedAt;
      this.span.setAttribute(A.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, (this.firstChunkAt - from) / 1000);
      this.span.setAttribute(A.ATTR_AIMETER_RESPONSE_CHUNKS, this.chunkCount);
    }
  }
}

/** The error's message (clipped) with content capture on; else its class name, which holds no content. */
function statusDescription(error: unknown, captureContent: boolean): string | undefined {
  if (!(error instanceof Error)) return undefined;
  if (captureContent) return error.message ? error.message.slice(0, 256) : undefined;
  const name = error.name !== 'Error' ? error.name : error.constructor?.name;
  return typeof name === 'string' && name !== 'Error' && /^[A-Za-z_$][\w$.]{0,63}$/.test(name) ? name : undefined;
}

function spanName(start: GenAiSpanStart): string {
  const subject =
    start.operation === Operation.InvokeAgent || start.operation === Operation.CreateAgent
      ? start.agentName
      : start.operation === Operation.ExecuteTool
        ? start.toolName
        : start.operation === Operation.Retrieval
          ? (start.attributes?.[A.ATTR_GEN_AI_DATA_SOURCE_ID] as string | undefined)
          : start.requestModel;
  return subject ? `${start.operation} ${subject}` : start.operation;
}

function spanKind(operation: string): SpanKind {
  return operation === Operation.InvokeAgent || operation === Operation.ExecuteTool || operation === Operation.InvokeWorkflow
    ? SpanKind.INTERNAL
    : SpanKind.CLIENT;
}

function setNumber(span: Span, key: string, value: number | undefined): void {
  if (typeof value === 'number' && Number.isFinite(value)) span.setAttribute(key, value);
}
