/**
 * One traced `openai` SDK call: request attributes at start (request.ts), then the outcome the
 * kit's APIPromise observer reports (src/tracing/api-promise.ts): a parsed value (results below),
 * a stream (observed in place, read by stream-state.ts), audio (speech-audio.ts) or an error.
 * Every observer entry point is guarded: an exception in telemetry is counted, never thrown.
 */
import type { Tracer } from '@opentelemetry/api';
import { recordInternalError, swallow } from '../../src/internal/errors';
import * as A from '../../src/semconv/attributes';
import type { ApiPromiseObserver } from '../../src/tracing/api-promise';
import { observeApiPromise } from '../../src/tracing/api-promise';
import { GenAiSpan } from '../../src/tracing/genai-span';
import { observeAsyncIterator, observeStreamInPlace } from '../../src/tracing/stream-observer';
import { num, obj, str } from '../../src/tracing/values';
import { uploadSeconds } from './audio-file';
import { chatOutput, responsesOutput } from './content';
import type { Endpoint } from './provider';
import { isStreamed, json, OPERATIONS, requestAttributes, requestContent, requestStream, type CallKind } from './request';
import { observeSpeechAudio } from './speech-audio';
import { StreamState, stripInjectedUsage } from './stream-state';
import { chatUsage, responsesFinishReason, responsesUsage } from './usage';

export type { CallKind } from './request';

export interface CallStart {
  readonly tracer: Tracer;
  readonly kind: CallKind;
  readonly body: Record<string, any>;
  readonly endpoint: Endpoint;
  readonly captureContent: boolean;
  /** include_usage was added by aimeter (strip the usage-only chunk before the caller sees it). */
  readonly injectedUsage: boolean;
  /** The instrumentation's label for swallowed errors. */
  readonly component: string;
}

export class OpenAICall implements ApiPromiseObserver {
  readonly span: GenAiSpan;
  private readonly kind: CallKind;
  private readonly body: Record<string, any>;
  private readonly capture: boolean;
  private readonly component: string;
  private injectedUsage: boolean;
  private readonly stream: boolean;
  /** The server called (server.address / server.port). */
  readonly server: { readonly address?: string; readonly port?: number };
  private readonly uploadSeconds: Promise<number | undefined> | undefined;
  private done = false;

  constructor(start: CallStart) {
    const { kind, body, endpoint } = start;
    this.kind = kind;
    this.body = body;
    this.capture = start.captureContent;
    this.component = start.component;
    this.injectedUsage = start.injectedUsage;
    this.stream = isStreamed(kind, body);
    this.server = { address: endpoint.serverAddress, port: endpoint.serverPort };
    const attributes = requestAttributes(kind, body);
    if (this.capture) Object.assign(attributes, requestContent(kind, body));
    this.span = GenAiSpan.start(start.tracer, {
      operation: OPERATIONS[kind],
      provider: endpoint.provider,
      requestModel: str(body.model),
      serverAddress: endpoint.serverAddress,
      serverPort: endpoint.serverPort,
      stream: requestStream(kind, body),
      attributes,
    });
    if (kind === 'speech' && typeof body.input === 'string') this.span.setCharacters([...body.input].length);
    if (kind === 'transcription' || kind === 'translation') this.uploadSeconds = uploadSeconds(body.file);
  }

  /** The call is being retried with the caller's own body (stream-usage.ts): nothing to strip. */
  usageNoLongerInjected(): void {
    this.injectedUsage = false;
  }

  /** Follows the SDK's return value (an APIPromise) without changing it. */
  observe(result: unknown): void {
    observeApiPromise(result, this.kind === 'speech' ? 'binary' : this.stream ? 'stream' : 'json', this);
  }

  // ApiPromiseObserver: each one guarded (no closure per call, unlike `swallow`).
  onValue(value: unknown): void {
    try {
      this.handleValue(value);
    } catch (e) {
      recordInternalError(this.component, e);
    }
  }

  onError(error: unknown): void {
    try {
      this.fail(error);
    } catch (e) {
      recordInternalError(this.component, e);
    }
  }

  onRawOnly(): void {
    try {
      this.end();
    } catch (e) {
      recordInternalError(this.component, e);
    }
  }

  onBinaryResponse(response: unknown): void {
    try {
      const format = typeof this.body.response_format === 'string' ? this.body.response_format : 'mp3';
      observeSpeechAudio(this.span, response, format, (error) => swallow(this.component, undefined, () => this.settle(error)));
    } catch (e) {
      recordInternalError(this.component, e);
    }
  }

  fail(error: unknown, errorType?: string): void {
    if (this.done) return;
    this.done = true;
    this.span.fail(error, errorType);
  }

  private end(): void {
    if (this.done) return;
    this.done = true;
    this.span.end();
  }

  private settle(error: unknown): void {
    if (error !== undefined) this.fail(error);
    else this.end();
  }

  private handleValue(value: unknown): void {
    if (this.stream) {
      // Since 4.12.3 the SDK's Stream holds its `iterator` as an own property; before, only the
      // prototype's Symbol.asyncIterator reads it (observeStreamInPlace takes either).
      const stream = obj(value);
      if (stream && (typeof stream.iterator === 'function' || typeof (stream as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function')) this.wrapStream(stream);
      else this.end();
      return;
    }
    switch (this.kind) {
      case 'chat':
        return this.chatResult(obj(value));
      case 'responses':
        return this.responsesResult(obj(value));
      case 'embeddings':
        return this.embeddingsResult(obj(value));
      case 'transcription':
      case 'translation':
        return this.transcriptionResult(value);
      default:
        this.end();
    }
  }

  // --- Non-streaming results ------------------------------------------------------------------

  private chatResult(r: Record<string, any> | undefined): void {
    if (r) {
      const choices = Array.isArray(r.choices) ? r.choices : [];
      const finishReasons: string[] = [];
      for (let i = 0; i < choices.length; i++) {
        const reason = str(choices[i]?.finish_reason);
        if (reason !== undefined) finishReasons.push(reason);
      }
      this.span.setResponse({ id: str(r.id), model: str(r.model), finishReasons });
      this.openaiResponseAttributes(r);
      const usage = chatUsage(r.usage);
      if (usage) this.span.setUsage(usage);
      if (this.capture) this.span.setAttributes({ [A.ATTR_GEN_AI_OUTPUT_MESSAGES]: json(chatOutput(choices)) });
    }
    this.end();
  }

  private responsesResult(r: Record<string, any> | undefined): void {
    if (r) {
      const finish = responsesFinishReason(r);
      this.span.setResponse({ id: str(r.id), model: str(r.model), finishReasons: finish ? [finish] : [] });
      this.openaiResponseAttributes(r);
      const conversation = str(obj(r.conversation)?.id);
      if (conversation) this.span.setAttributes({ [A.ATTR_GEN_AI_CONVERSATION_ID]: conversation });
      const usage = responsesUsage(r.usage);
      if (usage) this.span.setUsage(usage);
      if (this.capture) this.span.setAttributes({ [A.ATTR_GEN_AI_OUTPUT_MESSAGES]: json(responsesOutput(r.output, finish)) });
      if (r.status === 'failed') {
        this.fail(undefined, str(obj(r.error)?.code) ?? 'response_failed');
        return;
      }
    }
    this.end();
  }

  private embeddingsResult(r: Record<string, any> | undefined): void {
    if (r) {
      this.span.setResponse({ model: str(r.model) });
      const usage = obj(r.usage);
      if (usage) this.span.setUsage({ inputTokens: num(usage.prompt_tokens) });
      const first = Array.isArray(r.data) ? r.data[0]?.embedding : undefined;
      if (Array.isArray(first) && this.body.dimensions === undefined) {
        this.span.setAttributes({ [A.ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT]: first.length });
      }
    }
    this.end();
  }

  private transcriptionResult(value: unknown): void {
    const r = obj(value);
    let seconds: number | undefined;
    if (r) {
      this.span.setResponse({ model: str(r.model) });
      seconds = num(r.duration);
      const usage = obj(r.usage);
      if (usage?.type === 'duration') seconds ??= num(usage.seconds);
      if (usage?.type === 'tokens') this.span.setUsage({ inputTokens: num(usage.input_tokens), outputTokens: num(usage.output_tokens) });
      if (this.capture && typeof r.text === 'string') this.setTextOutput(r.text);
    } else if (this.capture && typeof value === 'string') {
      this.setTextOutput(value);
    }
    this.finishWithSeconds(seconds);
  }

  private setTextOutput(text: string): void {
    this.span.setAttributes({ [A.ATTR_GEN_AI_OUTPUT_MESSAGES]: json([{ role: 'assistant', parts: [{ type: 'text', content: text }] }]) });
  }

  /** Speech-to-text: seconds from the response, else from the upload's header (read at start). */
  private finishWithSeconds(seconds: number | undefined, error?: unknown): void {
    const finish = (s: number | undefined) => {
      this.span.setAudioDuration(s);
      this.settle(error);
    };
    if (seconds !== undefined || this.uploadSeconds === undefined) return finish(seconds);
    this.uploadSeconds.then(
      (s) => swallow(this.component, undefined, () => finish(s)),
      () => swallow(this.component, undefined, () => finish(undefined)),
    );
  }

  private openaiResponseAttributes(r: Record<string, any>): void {
    const span = this.span.span;
    if (str(r.service_tier)) span.setAttribute(A.ATTR_OPENAI_RESPONSE_SERVICE_TIER, r.service_tier);
    if (str(r.system_fingerprint)) span.setAttribute(A.ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT, r.system_fingerprint);
  }

  // --- Streams ----------------------------------------------------------------------------------

  /** Observes the Stream in place (src/tracing/stream-observer.ts): the caller keeps the very same object. */
  private wrapStream(stream: Record<string, any>): void {
    const state = new StreamState(this.kind, this.span, this.capture);
    const observed = observeStreamInPlace(stream, (inner) => {
      const source = this.injectedUsage ? stripInjectedUsage(inner, (u) => swallow(this.component, undefined, () => state.onStreamUsage(u))) : inner;
      return observeAsyncIterator(source, {
        onChunk: (chunk) => {
          try {
            state.onChunk(chunk);
          } catch (e) {
            recordInternalError(this.component, e);
          }
        },
        onEnd: (outcome) => {
          try {
            const aborted = obj(stream.controller)?.signal?.aborted === true;
            this.onStreamEnd(state, outcome.error, outcome.abandoned || (aborted && outcome.error === undefined));
          } catch (e) {
            recordInternalError(this.component, e);
          }
        },
      });
    });
    if (!observed) this.end();
  }

  private onStreamEnd(state: StreamState, error: unknown, abandoned: boolean): void {
    if (abandoned) this.span.setAttributes({ [A.ATTR_AIMETER_RESPONSE_ABANDONED]: true });
    if (this.kind === 'responses' && state.finalResponse && error === undefined) {
      return this.responsesResult(state.finalResponse);
    }
    this.span.setResponse({
      id: state.responseId,
      model: state.responseModel,
      finishReasons: state.finishReasons.filter((x) => x !== undefined),
    });
    if (state.usage) this.span.setUsage(state.usage);
    if (state.serviceTier !== undefined) this.span.span.setAttribute(A.ATTR_OPENAI_RESPONSE_SERVICE_TIER, state.serviceTier);
    if (state.systemFingerprint !== undefined) this.span.span.setAttribute(A.ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT, state.systemFingerprint);
    if (this.capture) {
      const output = state.output();
      if (output) this.span.setAttributes({ [A.ATTR_GEN_AI_OUTPUT_MESSAGES]: json(output) });
    }
    if (this.kind === 'transcription') return this.finishWithSeconds(num(state.finalResponse?.duration), error);
    this.settle(error);
  }
}
