/**
 * What a Gemini GenerateContentResponse says, in semconv terms. `usageMetadata`:
 * `promptTokenCount` INCLUDES `cachedContentTokenCount` (semconv input includes cache reads);
 * `thoughtsTokenCount` is NOT part of `candidatesTokenCount`, so output = candidates + thoughts
 * (semconv output includes reasoning, and Google bills thinking as output).
 */
import * as A from '../../src/semconv/attributes';
import { checkedQuantity } from '../../src/provider-data/usage';
import type { GenAiSpan, TokenUsage } from '../../src/tracing/genai-span';
import { obj, str, type Json } from '../../src/tracing/values';

export function usageOf(metadata: unknown): TokenUsage | undefined {
  const u = obj(metadata);
  if (!u) return undefined;
  const candidates = checkedQuantity(u.candidatesTokenCount, A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS);
  const thoughts = checkedQuantity(u.thoughtsTokenCount, A.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS);
  return {
    inputTokens: checkedQuantity(u.promptTokenCount, A.ATTR_GEN_AI_USAGE_INPUT_TOKENS),
    outputTokens: candidates === undefined && thoughts === undefined ? undefined : (candidates ?? 0) + (thoughts ?? 0),
    cacheReadTokens: checkedQuantity(u.cachedContentTokenCount, A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS),
    reasoningTokens: thoughts,
  };
}

/** Finish reasons of the candidates that have one (Gemini's spelling: STOP, MAX_TOKENS, SAFETY, ...). */
export function finishReasonsOf(response: Json | undefined): string[] {
  const out: string[] = [];
  const candidates = Array.isArray(response?.candidates) ? response.candidates : [];
  for (const c of candidates) {
    const reason = str(obj(c)?.finishReason);
    if (reason !== undefined) out.push(reason);
  }
  return out;
}

/** True when a streamed response carries output (a chunk of text, a function call, ...). */
export function hasOutput(response: Json | undefined): boolean {
  const candidates = Array.isArray(response?.candidates) ? response.candidates : [];
  for (const c of candidates) {
    const parts = obj(obj(c)?.content)?.parts;
    if (Array.isArray(parts) && parts.length > 0) return true;
  }
  return false;
}

/** Response id, model, finish reasons and usage of a whole (or the last streamed) response. */
export function recordResponse(span: GenAiSpan, response: Json | undefined, finishReasons = finishReasonsOf(response)): void {
  if (!response) return;
  span.setResponse({ id: str(response.responseId), model: str(response.modelVersion), finishReasons });
  const usage = usageOf(response.usageMetadata);
  if (usage) span.setUsage(usage);
}

/** Content capture only: the candidates' text as semconv output messages. */
export function outputMessages(texts: readonly string[], finishReasons: readonly string[]): string {
  return JSON.stringify(
    texts.map((content, i) => ({
      role: 'assistant',
      parts: [{ type: 'text', content }],
      ...(finishReasons[i] ? { finish_reason: finishReasons[i] } : {}),
    })),
  );
}

/** The text parts of each candidate of a response, by candidate index. */
export function candidateTexts(response: Json | undefined, into: string[] = []): string[] {
  const candidates = Array.isArray(response?.candidates) ? response.candidates : [];
  candidates.forEach((c: unknown, i: number) => {
    const index = typeof obj(c)?.index === 'number' ? (obj(c)!.index as number) : i;
    const parts = obj(obj(c)?.content)?.parts;
    if (!Array.isArray(parts)) return;
    for (const part of parts) if (typeof obj(part)?.text === 'string' && obj(part)?.thought !== true) into[index] = (into[index] ?? '') + obj(part)!.text;
  });
  return into;
}
