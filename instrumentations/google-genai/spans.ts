/**
 * The Gemini call's span: what a traced `generateContentInternal` / `generateContentStreamInternal` /
 * `embedContentInternal` records. Loaded when the SDK is (index.ts requires it in the patch), not
 * at start-up (issue 10).
 */
import type { Tracer } from '@opentelemetry/api';
import { runtimeSettings } from '../../src/config/runtime';
import * as A from '../../src/semconv/attributes';
import { Operation } from '../../src/semconv/operations';
import { Provider } from '../../src/semconv/providers';
import { GenAiSpan } from '../../src/tracing/genai-span';
import { observeAsyncIterator } from '../../src/tracing/stream-observer';
import { isAsyncIterable, num, obj, serverOf, str, type Json } from '../../src/tracing/values';
import { candidateTexts, finishReasonsOf, hasOutput, outputMessages, recordResponse } from './response';

export interface ModelsLike {
  apiClient?: { isVertexAI?(): boolean; getBaseUrl?(): string };
}

export type Kind = 'generate' | 'stream' | 'embed';

function modelName(model: unknown): string | undefined {
  const name = str(model);
  return name?.startsWith('models/') ? name.slice('models/'.length) || undefined : name;
}

export function startSpan(tracer: Tracer, models: ModelsLike, params: Json | undefined, kind: Kind): GenAiSpan {
  const client = models?.apiClient;
  const server = serverOf(client?.getBaseUrl?.());
  const config = obj(params?.config);
  const attributes: Json = {};
  if (kind !== 'embed') {
    if (num(config?.temperature) !== undefined) attributes[A.ATTR_GEN_AI_REQUEST_TEMPERATURE] = config!.temperature;
    if (num(config?.topP) !== undefined) attributes[A.ATTR_GEN_AI_REQUEST_TOP_P] = config!.topP;
    if (num(config?.maxOutputTokens) !== undefined) attributes[A.ATTR_GEN_AI_REQUEST_MAX_TOKENS] = config!.maxOutputTokens;
    if (runtimeSettings().captureMessageContent && typeof params?.contents === 'string') {
      attributes[A.ATTR_GEN_AI_INPUT_MESSAGES] = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: params.contents }] }]);
    }
  }
  return GenAiSpan.start(tracer, {
    operation: kind === 'embed' ? Operation.Embeddings : Operation.GenerateContent,
    provider: client?.isVertexAI?.() === true ? Provider.GcpVertexAi : Provider.GcpGemini,
    requestModel: modelName(params?.model),
    serverAddress: server.address,
    serverPort: server.port,
    stream: kind === 'embed' ? undefined : kind === 'stream',
    attributes,
  });
}

export function settle(span: GenAiSpan, result: unknown, kind: Kind): unknown {
  if (kind === 'stream') return observeStream(span, result);
  if (kind === 'generate') {
    const response = obj(result);
    const finishReasons = finishReasonsOf(response);
    recordResponse(span, response, finishReasons);
    if (runtimeSettings().captureMessageContent && response) {
      span.setAttributes({ [A.ATTR_GEN_AI_OUTPUT_MESSAGES]: outputMessages(candidateTexts(response), finishReasons) });
    }
  }
  span.end();
  return undefined;
}

/**
 * The SDK resolves to an async generator of GenerateContentResponses: the caller gets an
 * observed one with exactly its surface (next, return, throw, Symbol.asyncIterator), the same
 * chunks in the same order and the same errors. A chunk with output counts as a chunk; the last
 * usage and finish reasons seen are the call's.
 */
function observeStream(span: GenAiSpan, result: unknown): unknown {
  const generator = result as AsyncIterator<unknown> | undefined;
  if (!isAsyncIterable(result) || typeof generator?.next !== 'function') {
    span.end();
    return undefined;
  }
  const capture = runtimeSettings().captureMessageContent;
  let last: Json | undefined;
  let finishReasons: string[] = [];
  const texts: string[] = [];
  return observeAsyncIterator(generator, {
    onChunk(chunk) {
      const response = obj(chunk);
      if (!response) return;
      if (hasOutput(response)) span.chunk();
      last = { ...(last ?? {}), ...response, usageMetadata: response.usageMetadata ?? last?.usageMetadata };
      const reasons = finishReasonsOf(response);
      if (reasons.length > 0) finishReasons = reasons;
      if (capture) candidateTexts(response, texts);
    },
    onEnd({ error, abandoned }) {
      recordResponse(span, last, finishReasons);
      if (capture && texts.length > 0) span.setAttributes({ [A.ATTR_GEN_AI_OUTPUT_MESSAGES]: outputMessages(texts, finishReasons) });
      if (abandoned) span.setAttributes({ [A.ATTR_AIMETER_RESPONSE_ABANDONED]: true });
      if (error !== undefined) span.fail(error);
      else span.end();
    },
  });
}
