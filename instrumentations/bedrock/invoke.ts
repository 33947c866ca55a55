/**
 * InvokeModel and InvokeModelWithResponseStream: the body is the model family's own JSON, so what
 * it says depends on the family, recognised by the body's shape (a model id may be an ARN or an
 * inference profile that names no family):
 *
 * - Anthropic Claude (Messages API body): read with the Anthropic instrumentation's own mappings
 *   (usage: input_tokens + cache reads + cache writes; the stream's Messages events);
 * - Amazon Nova (`messages` + `inferenceConfig`, `output.message`, `usage` with
 *   `cacheReadInputTokenCount` / `cacheWriteInputTokenCount`);
 * - Amazon Titan text (`inputText`, `textGenerationConfig`, `results[]`) and embeddings
 *   (`embedding`, `inputTextTokenCount`);
 * - Meta Llama (`prompt`, `max_gen_len`, `generation`, `prompt_token_count`, `generation_token_count`).
 *
 * Streamed bodies end with `amazon-bedrock-invocationMetrics` (Bedrock's own counts, every
 * family, cache reads and writes included when there are any): those are the call's usage.
 */
import type { Attributes } from '@opentelemetry/api';
import * as A from '../../src/semconv/attributes';
import { checkedQuantity } from '../../src/provider-data/usage';
import { Operation } from '../../src/semconv/operations';
import type { GenAiSpan, TokenUsage } from '../../src/tracing/genai-span';
import { num, obj, str, type Json } from '../../src/tracing/values';
import { requestContentAttributes } from '../anthropic/content';
import { StreamState, usageOf as anthropicUsageOf } from '../anthropic/stream-state';
import { cacheInclusiveUsage, converseInputContent } from './converse';

/** The JSON of an InvokeModel body (a string or bytes), or undefined when it is not JSON. */
export function jsonBody(body: unknown): Json | undefined {
  let text: string | undefined;
  if (typeof body === 'string') text = body;
  else if (body instanceof Uint8Array) text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (text === undefined || text === '' || (text[0] !== '{' && text.trimStart()[0] !== '{')) return undefined;
  try {
    return obj(JSON.parse(text));
  } catch {
    // Not JSON: the body is the model's business; the call is traced without its details.
    return undefined;
  }
}

/** The operation an InvokeModel request is: embeddings, a chat (messages) or a text completion (a prompt). */
export function invokeOperation(modelId: string | undefined, request: Json | undefined): string {
  if (modelId !== undefined && /embed/i.test(modelId)) return Operation.Embeddings;
  if (Array.isArray(request?.messages)) return Operation.Chat;
  return request && (typeof request.prompt === 'string' || typeof request.inputText === 'string') ? Operation.TextCompletion : Operation.Chat;
}

/** Request parameters in the family's own spelling. */
export function invokeRequestAttributes(request: Json | undefined): Attributes {
  const out: Attributes = {};
  if (!request) return out;
  const titan = obj(request.textGenerationConfig);
  const nova = obj(request.inferenceConfig);
  const set = (key: string, ...candidates: unknown[]): void => {
    const value = candidates.find((c) => num(c) !== undefined);
    if (value !== undefined) out[key] = value as number;
  };
  set(A.ATTR_GEN_AI_REQUEST_TEMPERATURE, request.temperature, nova?.temperature, titan?.temperature);
  set(A.ATTR_GEN_AI_REQUEST_TOP_P, request.top_p, nova?.topP, nova?.top_p, titan?.topP);
  set(A.ATTR_GEN_AI_REQUEST_MAX_TOKENS, request.max_tokens, request.max_gen_len, nova?.maxTokens, nova?.max_new_tokens, titan?.maxTokenCount);
  return out;
}

/** Usage, response id/model and finish reasons of a whole InvokeModel response body. */
export function recordInvoke(span: GenAiSpan, body: Json | undefined): void {
  if (!body) return;
  if (body.type === 'message' && obj(body.usage)) {
    span.setResponse({ id: str(body.id), model: str(body.model), finishReasons: str(body.stop_reason) ? [body.stop_reason] : [] });
    span.setUsage(anthropicUsageOf(obj(body.usage), true));
    return;
  }
  if (obj(obj(body.output)?.message)) {
    const u = obj(body.usage);
    span.setResponse({ finishReasons: str(body.stopReason) ? [body.stopReason] : [] });
    if (u) span.setUsage(cacheInclusiveUsage(u.inputTokens, u.outputTokens, u.cacheReadInputTokenCount, u.cacheWriteInputTokenCount));
    return;
  }
  if (Array.isArray(body.embedding)) {
    span.setUsage({ inputTokens: checkedQuantity(body.inputTextTokenCount, A.ATTR_GEN_AI_USAGE_INPUT_TOKENS) });
    return;
  }
  if (Array.isArray(body.results)) {
    let output: number | undefined;
    const reasons: string[] = [];
    for (const r of body.results) {
      const tokens = checkedQuantity(obj(r)?.tokenCount, A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS);
      if (tokens !== undefined) output = (output ?? 0) + tokens;
      const reason = str(obj(r)?.completionReason);
      if (reason) reasons.push(reason);
    }
    span.setResponse({ finishReasons: reasons });
    span.setUsage({ inputTokens: checkedQuantity(body.inputTextTokenCount, A.ATTR_GEN_AI_USAGE_INPUT_TOKENS), outputTokens: output });
    return;
  }
  if (typeof body.generation === 'string') {
    span.setResponse({ finishReasons: str(body.stop_reason) ? [body.stop_reason] : [] });
    span.setUsage({
      inputTokens: checkedQuantity(body.prompt_token_count, A.ATTR_GEN_AI_USAGE_INPUT_TOKENS),
      outputTokens: checkedQuantity(body.generation_token_count, A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS),
    });
  }
}

/** The output text of a whole response body (content capture only), as Converse-style blocks. */
export function invokeOutputContent(body: Json | undefined): unknown[] {
  if (!body) return [];
  if (Array.isArray(body.content)) return body.content.map((b: unknown) => (obj(b)?.type === 'text' ? { text: obj(b)!.text } : { [str(obj(b)?.type) ?? 'unknown']: {} }));
  const nova = obj(obj(body.output)?.message)?.content;
  if (Array.isArray(nova)) return nova;
  if (Array.isArray(body.results)) return body.results.map((r: unknown) => ({ text: obj(r)?.outputText }));
  if (typeof body.generation === 'string') return [{ text: body.generation }];
  return [];
}

/**
 * What an InvokeModelWithResponseStream's chunks say so far. Each event is `{chunk: {bytes}}`;
 * the bytes are the family's JSON. A chunk with output (a Claude content delta, a Nova
 * `contentBlockDelta`, a Llama `generation`, a Titan `outputText`) counts as a chunk.
 */
export class InvokeStreamState {
  private readonly anthropic = new StreamState();
  private metrics: Json | undefined;
  private stopReason: string | undefined;
  private fallback: TokenUsage | undefined;
  private readonly texts: string[] | undefined;

  constructor(capture: boolean) {
    this.texts = capture ? [] : undefined;
  }

  /** Returns true for an event that carries output. */
  onEvent(event: unknown): boolean {
    const bytes = obj(obj(event)?.chunk)?.bytes;
    const json = jsonBody(bytes);
    if (!json) return false;
    const metrics = obj(json['amazon-bedrock-invocationMetrics']);
    if (metrics) this.metrics = metrics;
    if (typeof json.type === 'string') {
      const delta = this.anthropic.onEvent(json);
      if (delta && this.texts && obj(json.delta)?.type === 'text_delta') this.texts.push(String(obj(json.delta)!.text ?? ''));
      return delta;
    }
    const novaDelta = obj(obj(json.contentBlockDelta)?.delta);
    const text = typeof json.generation === 'string' ? json.generation : typeof json.outputText === 'string' ? json.outputText : novaDelta?.text;
    const reason = str(json.stop_reason) ?? str(json.completionReason) ?? str(obj(json.messageStop)?.stopReason);
    if (reason) this.stopReason = reason;
    if (typeof json.generation === 'string' && (json.prompt_token_count !== null || json.generation_token_count !== null)) {
      this.fallback = {
        inputTokens: checkedQuantity(json.prompt_token_count ?? undefined, A.ATTR_GEN_AI_USAGE_INPUT_TOKENS),
        outputTokens: checkedQuantity(json.generation_token_count ?? undefined, A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS),
      };
    }
    if (typeof text === 'string') {
      if (this.texts) this.texts.push(text);
      return true;
    }
    return false;
  }

  record(span: GenAiSpan): void {
    const claude = this.anthropic.started;
    const reason = claude ? str(this.anthropic.message.stop_reason) : this.stopReason;
    span.setResponse({
      id: claude ? str(this.anthropic.message.id) : undefined,
      model: claude ? str(this.anthropic.message.model) : undefined,
      finishReasons: reason ? [reason] : [],
    });
    const m = this.metrics;
    if (m) span.setUsage(cacheInclusiveUsage(m.inputTokenCount, m.outputTokenCount, m.cacheReadInputTokenCount, m.cacheWriteInputTokenCount));
    else if (claude) span.setUsage(anthropicUsageOf(this.anthropic.usage, this.anthropic.complete));
    else if (this.fallback) span.setUsage(this.fallback);
  }

  /** The streamed text (content capture only). */
  text(): string | undefined {
    return this.texts && this.texts.length > 0 ? this.texts.join('') : undefined;
  }
}

/** Content capture only: the request's messages (or prompt) and system instructions. */
export function invokeInputContent(request: Json | undefined): Attributes {
  if (!request) return {};
  // Claude's Messages body: the Anthropic instrumentation's mapping.
  if (request.anthropic_version !== undefined) return requestContentAttributes(request);
  if (Array.isArray(request.messages)) return converseInputContent(request);
  const prompt = str(request.prompt) ?? str(request.inputText);
  return prompt === undefined ? {} : { [A.ATTR_GEN_AI_INPUT_MESSAGES]: JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: prompt }] }]) };
}
