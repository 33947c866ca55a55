/**
 * One traced `openai` SDK call: request attributes at start, then the result (parsed value,
 * stream, audio body or error) read into the GenAiSpan. Everything here runs guarded by the
 * caller (`swallow`): an exception in telemetry never reaches the application.
 */
import type { Attributes, Tracer } from '@opentelemetry/api';
import { GenAiSpan, type TokenUsage } from '../../src/tracing/genai-span';
import { observeAsyncIterator, observeStreamInPlace } from '../../src/tracing/stream-observer';
import { byteLengthOf } from '../../src/tracing/byte-stream-observer';
import { recordInternalError, swallow } from '../../src/internal/errors';
import { Operation } from '../../src/semconv/operations';
import { checkedQuantity } from '../../src/provider-data/usage';
import * as A from '../../src/semconv/attributes';
import { observeApiPromise, type ApiPromiseObserver } from '../../src/tracing/api-promise';
import { uploadSeconds, wavSeconds } from './audio-file';
import { chatInput, chatOutput, responsesInput, responsesOutput, toolDefinitions, type Message, type Part } from './content';
import type { Endpoint } from './provider';

export type CallKind = 'chat' | 'responses' | 'embeddings' | 'transcription' | 'translation' | 'speech';

const COMPONENT = 'openai-instrumentation';

const OPERATIONS: Record<CallKind, string> = {
  chat: Operation.Chat,
  responses: Operation.Chat,
  embeddings: Operation.Embeddings,
  transcription: Operation.SpeechToText,
  translation: Operation.SpeechToText,
  speech: Operation.TextToSpeech,
};

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function obj(v: unknown): Record<string, any> | undefined {
  return v !== null && typeof v === 'object' ? (v as Record<string, any>) : undefined;
}

function outputType(format: unknown): string | undefined {
  const type = obj(format)?.type;
  if (type === 'json_schema' || type === 'json_object') return 'json';
  if (type === 'text') return 'text';
  return undefined;
}

function requestAttributes(kind: CallKind, body: Record<string, any>): Attributes {
  const a: Attributes = {};
  const set = (key: string, value: unknown) => {
    if (typeof value === 'number' && Number.isFinite(value)) a[key] = value;
    else if (typeof value === 'string' && value !== '') a[key] = value;
    else if (Array.isArray(value) && value.every((x) => typeof x === 'string')) a[key] = value as string[];
  };
  if (kind === 'chat') {
    set(A.ATTR_GEN_AI_REQUEST_TEMPERATURE, body.temperature);
    set(A.ATTR_GEN_AI_REQUEST_TOP_P, body.top_p);
    set(A.ATTR_GEN_AI_REQUEST_MAX_TOKENS, body.max_completion_tokens ?? body.max_tokens);
    set(A.ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY, body.frequency_penalty);
    set(A.ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY, body.presence_penalty);
    set(A.ATTR_GEN_AI_REQUEST_STOP_SEQUENCES, typeof body.stop === 'string' ? [body.stop] : body.stop);
    set(A.ATTR_GEN_AI_REQUEST_SEED, body.seed);
    if (typeof body.n === 'number' && body.n !== 1) set(A.ATTR_GEN_AI_REQUEST_CHOICE_COUNT, body.n);
    const modalities = body.modalities;
    set(A.ATTR_GEN_AI_OUTPUT_TYPE, Array.isArray(modalities) && modalities.includes('audio') ? 'speech' : outputType(body.response_format));
    set(A.ATTR_OPENAI_REQUEST_SERVICE_TIER, body.service_tier);
  } else if (kind === 'responses') {
    set(A.ATTR_GEN_AI_REQUEST_TEMPERATURE, body.temperature);
    set(A.ATTR_GEN_AI_REQUEST_TOP_P, body.top_p);
    set(A.ATTR_GEN_AI_REQUEST_MAX_TOKENS, body.max_output_tokens);
    set(A.ATTR_GEN_AI_OUTPUT_TYPE, outputType(obj(body.text)?.format));
    set(A.ATTR_OPENAI_REQUEST_SERVICE_TIER, body.service_tier);
    set(A.ATTR_GEN_AI_CONVERSATION_ID, typeof body.conversation === 'string' ? body.conversation : obj(body.conversation)?.id);
  } else if (kind === 'embeddings') {
    if (typeof body.encoding_format === 'string') set(A.ATTR_GEN_AI_REQUEST_ENCODING_FORMATS, [body.encoding_format]);
    set(A.ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT, body.dimensions);
  } else if (kind === 'speech') {
    set(A.ATTR_GEN_AI_OUTPUT_TYPE, 'speech');
  } else {
    set(A.ATTR_GEN_AI_REQUEST_TEMPERATURE, body.temperature);
    set(A.ATTR_GEN_AI_OUTPUT_TYPE, 'text');
  }
  return a;
}

// Usage counts are checked where they are read (src/provider-data/usage.ts), so that an absurd,
// negative or non-numeric count is counted under the field it came in.
const INPUT = A.ATTR_GEN_AI_USAGE_INPUT_TOKENS;
const OUTPUT = A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS;
const CACHE_READ = A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS;
const REASONING = A.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS;

function chatUsage(u: unknown): TokenUsage | undefined {
  const usage = obj(u);
  if (!usage) return undefined;
  return {
    inputTokens: checkedQuantity(usage.prompt_tokens, INPUT),
    outputTokens: checkedQuantity(usage.completion_tokens, OUTPUT),
    // OpenAI: prompt_tokens_details.cached_tokens; DeepSeek: prompt_cache_hit_tokens.
    cacheReadTokens: checkedQuantity(obj(usage.prompt_tokens_details)?.cached_tokens ?? usage.prompt_cache_hit_tokens, CACHE_READ),
    reasoningTokens: checkedQuantity(obj(usage.completion_tokens_details)?.reasoning_tokens, REASONING),
  };
}

function responsesUsage(u: unknown): TokenUsage | undefined {
  const usage = obj(u);
  if (!usage) return undefined;
  return {
    inputTokens: checkedQuantity(usage.input_tokens, INPUT),
    outputTokens: checkedQuantity(usage.output_tokens, OUTPUT),
    cacheReadTokens: checkedQuantity(obj(usage.input_tokens_details)?.cached_tokens, CACHE_READ),
    reasoningTokens: checkedQuantity(obj(usage.output_tokens_details)?.reasoning_tokens, REASONING),
  };
}

function responsesFinishReason(response: Record<string, any>): string | undefined {
  const status = response.status;
  if (status === 'incomplete') {
    const reason = obj(response.incomplete_details)?.reason;
    return reason === 'max_output_tokens' ? 'length' : str(reason) ?? 'incomplete';
  }
  if (status === 'failed') return 'error';
  if (status === 'completed') {
    const output = Array.isArray(response.output) ? response.output : [];
    return output.some((item: any) => item?.type === 'function_call') ? 'tool_calls' : 'stop';
  }
  return str(status);
}

const json = (value: unknown) => JSON.stringify(value);

export interface CallStart {
  readonly tracer: Tracer;
  readonly kind: CallKind;
  readonly body: Record<string, any>;
  readonly endpoint: Endpoint;
  readonly captureContent: boolean;
  /** include_usage was added by aimeter (strip the usage-only chunk before the caller sees it). */
  readonly injectedUsage: boolean;
}

/** Accumulated state of one streamed chat choice (content capture only). */
interface StreamChoice {
  text: string;
  toolCalls: Array<{ id?: string; name: string; arguments: string }>;
  finishReason?: string;
}

export class OpenAICall implements ApiPromiseObserver {
  readonly span: GenAiSpan;
  private readonly kind: CallKind;
  private readonly body: Record<string, any>;
  private readonly capture: boolean;
  private injectedUsage: boolean;
  private readonly stream: boolean;
  /** The server called (server.address / server.port). */
  readonly server: { readonly address?: string; readonly port?: number };
  private readonly uploadSeconds: Promise<number | undefined> | undefined;
  private done = false;

  // Streaming state.
  private responseId: string | undefined;
  private responseModel: string | undefined;
  private usage: TokenUsage | undefined;
  private finishReasons: string[] = [];
  private choices: StreamChoice[] = [];
  private finalResponse: Record<string, any> | undefined;
  private transcript = '';
  private serviceTier: string | undefined;
  private systemFingerprint: string | undefined;

  constructor(start: CallStart) {
    const { kind, body, endpoint } = start;
    this.kind = kind;
    this.body = body;
    this.capture = start.captureContent;
    this.injectedUsage = start.injectedUsage;
    this.stream = body.stream === true && kind !== 'embeddings' && kind !== 'speech' && kind !== 'translation';
    this.server = { address: endpoint.serverAddress, port: endpoint.serverPort };
    const attributes = requestAttributes(kind, body);
    if (this.capture) Object.assign(attributes, this.inputContent());
    this.span = GenAiSpan.start(start.tracer, {
      operation: OPERATIONS[kind],
      provider: endpoint.provider,
      requestModel: str(body.model),
      serverAddress: endpoint.serverAddress,
      serverPort: endpoint.serverPort,
      stream: kind === 'chat' || kind === 'responses' || kind === 'transcription' ? body.stream === true : undefined,
      attributes,
    });
    if (kind === 'speech' && typeof body.input === 'string') this.span.setCharacters([...body.input].length);
    if (kind === 'transcription' || kind === 'translation') this.uploadSeconds = uploadSeconds(body.file);
  }

  private inputContent(): Attributes {
    const a: Attributes = {};
    let system: Part[] = [];
    let input: Message[] = [];
    if (this.kind === 'chat') ({ system, input } = chatInput(this.body.messages));
    else if (this.kind === 'responses') ({ system, input } = responsesInput(this.body.instructions, this.body.input));
    else if (this.kind === 'embeddings') {
      const inputs = Array.isArray(this.body.input) ? this.body.input : [this.body.input];
      input = [{ role: 'user', parts: inputs.filter((x: unknown) => typeof x === 'string').map((content: string) => ({ type: 'text', content })) }];
    } else if (this.kind === 'speech' && typeof this.body.input === 'string') {
      input = [{ role: 'user', parts: [{ type: 'text', content: this.body.input }] }];
      if (typeof this.body.instructions === 'string') system = [{ type: 'text', content: this.body.instructions }];
    } else if (typeof this.body.prompt === 'string') {
      system = [{ type: 'text', content: this.body.prompt }];
    }
    if (system.length > 0) a[A.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS] = json(system);
    if (input.length > 0) a[A.ATTR_GEN_AI_INPUT_MESSAGES] = json(input);
    const tools = toolDefinitions(this.body.tools);
    if (tools.length > 0) a[A.ATTR_GEN_AI_TOOL_DEFINITIONS] = json(tools);
    return a;
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
      recordInternalError(COMPONENT, e);
    }
  }

  onError(error: unknown): void {
    try {
      this.fail(error);
    } catch (e) {
      recordInternalError(COMPONENT, e);
    }
  }

  onRawOnly(): void {
    try {
      this.end();
    } catch (e) {
      recordInternalError(COMPONENT, e);
    }
  }

  onBinaryResponse(response: unknown): void {
    try {
      this.observeAudio(response);
    } catch (e) {
      recordInternalError(COMPONENT, e);
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

  private handleValue(value: unknown): void {
    if (this.stream) {
      const iterator = obj(value)?.iterator;
      if (typeof iterator === 'function') this.wrapStream(value as Record<string, any>);
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
      if (error !== undefined) this.fail(error);
      else this.end();
    };
    if (seconds !== undefined || this.uploadSeconds === undefined) return finish(seconds);
    this.uploadSeconds.then(
      (s) => swallow(COMPONENT, undefined, () => finish(s)),
      () => swallow(COMPONENT, undefined, () => finish(undefined)),
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
    if (!observeStreamInPlace(stream, (inner) => this.observeIterator(inner, stream))) this.end();
  }

  private observeIterator(inner: AsyncIterator<unknown>, stream: Record<string, any>): AsyncIterator<unknown> {
    const source = this.injectedUsage ? stripInjectedUsage(inner, (u) => swallow(COMPONENT, undefined, () => this.onStreamUsage(u))) : inner;
    return observeAsyncIterator(source, {
      onChunk: (chunk) => {
        try {
          this.onChunk(chunk);
        } catch (e) {
          recordInternalError(COMPONENT, e);
        }
      },
      onEnd: (outcome) => {
        try {
          const aborted = obj(stream.controller)?.signal?.aborted === true;
          this.onStreamEnd(outcome.error, outcome.abandoned || (aborted && outcome.error === undefined));
        } catch (e) {
          recordInternalError(COMPONENT, e);
        }
      },
    });
  }

  private onStreamUsage(usage: unknown): void {
    this.usage = chatUsage(usage);
  }

  private onChunk(chunk: unknown): void {
    const c = obj(chunk);
    if (!c) return;
    if (this.kind === 'chat') return this.onChatChunk(c);
    if (this.kind === 'responses') return this.onResponsesEvent(c);
    if (this.kind === 'transcription') return this.onTranscriptionEvent(c);
  }

  private onChatChunk(c: Record<string, any>): void {
    this.responseId ??= str(c.id);
    this.responseModel ??= str(c.model);
    if (c.usage) this.usage = chatUsage(c.usage);
    const choices = Array.isArray(c.choices) ? c.choices : [];
    if (choices.length === 0) return;
    this.span.chunk();
    // Kept (latest non-empty value wins, as when set per chunk) and written once at the end.
    if (str(c.service_tier)) this.serviceTier = c.service_tier;
    if (str(c.system_fingerprint)) this.systemFingerprint = c.system_fingerprint;
    for (const choice of choices) {
      const index = typeof choice?.index === 'number' ? choice.index : 0;
      if (str(choice?.finish_reason)) this.finishReasons[index] = choice.finish_reason;
      if (!this.capture) continue;
      const acc = (this.choices[index] ??= { text: '', toolCalls: [] });
      if (str(choice.finish_reason)) acc.finishReason = choice.finish_reason;
      const delta = obj(choice.delta);
      if (typeof delta?.content === 'string') acc.text += delta.content;
      if (Array.isArray(delta?.tool_calls)) {
        for (const tc of delta.tool_calls) {
          const i = typeof tc?.index === 'number' ? tc.index : acc.toolCalls.length;
          const call = (acc.toolCalls[i] ??= { name: '', arguments: '' });
          if (str(tc.id)) call.id = tc.id;
          if (str(tc.function?.name)) call.name = tc.function.name;
          if (typeof tc.function?.arguments === 'string') call.arguments += tc.function.arguments;
        }
      }
    }
  }

  private onResponsesEvent(e: Record<string, any>): void {
    const type = String(e.type ?? '');
    if (type.endsWith('.delta')) this.span.chunk();
    const response = obj(e.response);
    if (response) {
      this.responseId ??= str(response.id);
      this.responseModel ??= str(response.model);
      if (type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed') this.finalResponse = response;
    }
  }

  private onTranscriptionEvent(e: Record<string, any>): void {
    const type = String(e.type ?? '');
    if (type === 'transcript.text.delta') {
      this.span.chunk();
      if (this.capture && typeof e.delta === 'string') this.transcript += e.delta;
    } else if (type === 'transcript.text.done') {
      if (typeof e.text === 'string') this.transcript = e.text;
      const usage = obj(e.usage);
      if (usage?.type === 'tokens') this.usage = { inputTokens: num(usage.input_tokens), outputTokens: num(usage.output_tokens) };
      if (usage?.type === 'duration') this.finalResponse = { duration: num(usage.seconds) };
    }
  }

  private onStreamEnd(error: unknown, abandoned: boolean): void {
    if (abandoned) this.span.setAttributes({ [A.ATTR_AIMETER_RESPONSE_ABANDONED]: true });
    if (this.kind === 'responses' && this.finalResponse && error === undefined) {
      return this.responsesResult(this.finalResponse);
    }
    this.span.setResponse({
      id: this.responseId,
      model: this.responseModel,
      finishReasons: this.finishReasons.filter((x) => x !== undefined),
    });
    if (this.usage) this.span.setUsage(this.usage);
    if (this.serviceTier !== undefined) this.span.span.setAttribute(A.ATTR_OPENAI_RESPONSE_SERVICE_TIER, this.serviceTier);
    if (this.systemFingerprint !== undefined) this.span.span.setAttribute(A.ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT, this.systemFingerprint);
    if (this.capture) {
      if (this.kind === 'chat' && this.choices.length > 0) {
        const output: Message[] = this.choices.filter(Boolean).map((c) => ({
          role: 'assistant',
          parts: [
            ...(c.text ? [{ type: 'text', content: c.text } as Part] : []),
            ...c.toolCalls.filter(Boolean).map((t) => ({ type: 'tool_call', id: t.id, name: t.name, arguments: parseArgs(t.arguments) }) as Part),
          ],
          ...(c.finishReason ? { finish_reason: c.finishReason } : {}),
        }));
        this.span.setAttributes({ [A.ATTR_GEN_AI_OUTPUT_MESSAGES]: json(output) });
      } else if (this.kind === 'responses' && this.finalResponse) {
        this.span.setAttributes({ [A.ATTR_GEN_AI_OUTPUT_MESSAGES]: json(responsesOutput(this.finalResponse.output, undefined)) });
      } else if (this.kind === 'transcription' && this.transcript) {
        this.setTextOutput(this.transcript);
      }
    }
    if (this.kind === 'transcription') return this.finishWithSeconds(num(this.finalResponse?.duration), error);
    if (error !== undefined) this.fail(error);
    else this.end();
  }

  // --- Text-to-speech audio -------------------------------------------------------------------

  /**
   * Reads a clone of the audio body (the caller's Response is untouched and keeps every method):
   * time to the first byte, bytes, and for pcm / wav the seconds of audio.
   */
  private observeAudio(response: unknown): void {
    const r = obj(response);
    let copy: Record<string, any> | undefined;
    try {
      copy = typeof r?.clone === 'function' ? r.clone() : undefined;
    } catch {
      copy = undefined;
    }
    const body = copy?.body;
    if (!body) return this.end();
    const format = typeof this.body.response_format === 'string' ? this.body.response_format : 'mp3';
    let bytes = 0;
    const head: Uint8Array[] = [];
    let headBytes = 0;
    const onChunk = (chunk: unknown) => {
      const n = byteLengthOf(chunk);
      if (n === 0) return;
      if (bytes === 0) this.span.chunk();
      bytes += n;
      if (format === 'wav' && headBytes < 4096 && ArrayBuffer.isView(chunk)) {
        head.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        headBytes += n;
      }
    };
    const onDone = (error?: unknown) =>
      swallow(COMPONENT, undefined, () => {
        this.span.setAudioSize(bytes);
        if (format === 'pcm') this.span.setAudioDuration(bytes / 48000);
        else if (format === 'wav') this.span.setAudioDuration(wavSeconds(Buffer.concat(head), bytes));
        if (error !== undefined) this.fail(error);
        else this.end();
      });
    if (typeof body.getReader === 'function') {
      const reader = body.getReader();
      const pump = (): void => {
        reader.read().then(
          (result: { done: boolean; value?: unknown }) => {
            if (result.done) return onDone();
            swallow(COMPONENT, undefined, () => onChunk(result.value));
            pump();
          },
          (error: unknown) => onDone(error),
        );
      };
      pump();
    } else if (typeof body.on === 'function') {
      // openai 4.x on node-fetch: a Node.js Readable.
      body.on('data', (chunk: unknown) => swallow(COMPONENT, undefined, () => onChunk(chunk)));
      body.on('end', () => onDone());
      body.on('error', (error: unknown) => onDone(error));
    } else {
      this.end();
    }
  }
}

function parseArgs(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * When aimeter added `stream_options.include_usage`, the caller did not ask for usage: the extra
 * usage-only chunk (empty `choices`) is consumed here, and `usage` is removed from the chunks the
 * caller does see (OpenAI sets `usage: null` on every chunk in that mode).
 */
function stripInjectedUsage(inner: AsyncIterator<unknown>, onUsage: (usage: unknown) => void): AsyncIterator<unknown> {
  return {
    async next(...args: [] | [undefined]) {
      for (;;) {
        const result = await inner.next(...args);
        if (result.done) return result;
        const chunk = obj(result.value);
        if (chunk && 'usage' in chunk) {
          const usage = chunk.usage;
          if (usage) onUsage(usage);
          if (Array.isArray(chunk.choices) && chunk.choices.length === 0) continue;
          delete chunk.usage;
        }
        return result;
      }
    },
    ...(inner.return ? { return: (value?: unknown) => inner.return!(value) } : {}),
    ...(inner.throw ? { throw: (error?: unknown) => inner.throw!(error) } : {}),
  };
}
