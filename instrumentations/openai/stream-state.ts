/**
 * What the events of a streamed `openai` call say so far: Chat Completions chunks, Responses
 * events, transcription events. Chunks are counted on the span as they arrive (the first sets
 * time to first chunk); response id, model, usage, finish reasons and (content capture only) the
 * output are kept and written once when the stream ends.
 */
import type { GenAiSpan, TokenUsage } from '../../src/tracing/genai-span';
import { num, obj, str, type Json } from '../../src/tracing/values';
import type { Message, Part } from './content';
import { responsesOutput } from './content';
import type { CallKind } from './request';
import { chatUsage } from './usage';

/** Accumulated state of one streamed chat choice (content capture only). */
interface StreamChoice {
  text: string;
  toolCalls: Array<{ id?: string; name: string; arguments: string }>;
  finishReason?: string;
}

export class StreamState {
  responseId: string | undefined;
  responseModel: string | undefined;
  usage: TokenUsage | undefined;
  readonly finishReasons: string[] = [];
  /** Responses: the final response event's response; transcription: `{duration}` from its usage. */
  finalResponse: Json | undefined;
  transcript = '';
  serviceTier: string | undefined;
  systemFingerprint: string | undefined;
  private readonly choices: StreamChoice[] = [];

  constructor(
    private readonly kind: CallKind,
    private readonly span: GenAiSpan,
    private readonly capture: boolean,
  ) {}

  onChunk(chunk: unknown): void {
    const c = obj(chunk);
    if (!c) return;
    if (this.kind === 'chat') return this.onChatChunk(c);
    if (this.kind === 'responses') return this.onResponsesEvent(c);
    if (this.kind === 'transcription') return this.onTranscriptionEvent(c);
  }

  onStreamUsage(usage: unknown): void {
    this.usage = chatUsage(usage);
  }

  /** The streamed output as semconv output messages (content capture only), if any. */
  output(): Message[] | undefined {
    if (this.kind === 'chat' && this.choices.length > 0) {
      return this.choices.filter(Boolean).map((c) => ({
        role: 'assistant',
        parts: [
          ...(c.text ? [{ type: 'text', content: c.text } as Part] : []),
          ...c.toolCalls.filter(Boolean).map((t) => ({ type: 'tool_call', id: t.id, name: t.name, arguments: parseArgs(t.arguments) }) as Part),
        ],
        ...(c.finishReason ? { finish_reason: c.finishReason } : {}),
      }));
    }
    if (this.kind === 'responses' && this.finalResponse) return responsesOutput(this.finalResponse.output, undefined);
    if (this.kind === 'transcription' && this.transcript) return [{ role: 'assistant', parts: [{ type: 'text', content: this.transcript }] }];
    return undefined;
  }

  private onChatChunk(c: Json): void {
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

  private onResponsesEvent(e: Json): void {
    const type = String(e.type ?? '');
    if (type.endsWith('.delta')) this.span.chunk();
    const response = obj(e.response);
    if (response) {
      this.responseId ??= str(response.id);
      this.responseModel ??= str(response.model);
      if (type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed') this.finalResponse = response;
    }
  }

  private onTranscriptionEvent(e: Json): void {
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
}

function parseArgs(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    // Arguments cut short (an abandoned stream): kept as the text received.
    return raw;
  }
}

/**
 * When aimeter added `stream_options.include_usage`, the caller did not ask for usage: the extra
 * usage-only chunk (empty `choices`) is consumed here, and `usage` is removed from the chunks the
 * caller does see (OpenAI sets `usage: null` on every chunk in that mode).
 */
export function stripInjectedUsage(inner: AsyncIterator<unknown>, onUsage: (usage: unknown) => void): AsyncIterator<unknown> {
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
