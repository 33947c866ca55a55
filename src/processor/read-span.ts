/**
 * Normalises a GenAI span from any instrumentation (aimeter's, the contrib OpenAI one,
 * OpenLLMetry, the Vercel AI SDK, provider SDKs' native spans) into one record.
 */
import { SpanStatusCode, type Attributes } from '@opentelemetry/api';
import * as A from '../semconv/attributes';
import { Operation } from '../semconv/operations';
import type { Usage } from '../prices/types';
import type { ReadableSpanLike } from './span-like';
import { normaliserFor } from './scope-normalisers';
import { checkedQuantity, checkedTokenCounts } from '../provider-data/usage';
import { errorTypeLabel } from '../tracing/error-type';
import { type FinishReason, finishReasonsOf } from './finish-reasons';
import { normaliseVercelAi, vercelAiOperation } from './vercel-ai';

export interface GenAiCall {
  readonly operation: string;
  readonly provider: string;
  readonly requestModel: string;
  readonly responseModel: string;
  /** '' on success. */
  readonly errorType: string;
  readonly durationSeconds: number;
  readonly usage: Usage;
  readonly timeToFirstChunk: number | undefined;
  readonly chunks: number | undefined;
  readonly audioBytes: number | undefined;
  /** gen_ai.response.finish_reasons, normalised; undefined when the span has none. */
  readonly finishReasons: readonly FinishReason[] | undefined;
  /** The span's own gen_ai.agent.name / gen_ai.tool.name attributes. */
  readonly agentName: string;
  readonly toolName: string;
}

/** True when the attributes mark a GenAI span (checked at span start, so it must be cheap). */
export function looksLikeGenAi(attributes: Attributes): boolean {
  return (
    attributes[A.ATTR_GEN_AI_OPERATION_NAME] !== undefined ||
    attributes[A.ATTR_GEN_AI_PROVIDER_NAME] !== undefined ||
    attributes[A.ATTR_GEN_AI_SYSTEM] !== undefined ||
    // The Vercel AI SDK's spans: its embedding, tool and wrapper spans carry no gen_ai.* at all.
    attributes[A.ATTR_VERCEL_OPERATION_ID] !== undefined
  );
}

/**
 * The operation of a span as known when it starts (what lineage.ts needs): gen_ai.operation.name,
 * else the Vercel AI SDK's (vercel-ai.ts; '' for its spans aimeter does not count).
 */
export function operationAtStart(attributes: Attributes): unknown {
  return attributes[A.ATTR_GEN_AI_OPERATION_NAME] ?? vercelAiOperation(attributes[A.ATTR_VERCEL_OPERATION_ID]);
}

export function readGenAiSpan(span: ReadableSpanLike): GenAiCall | undefined {
  if (!looksLikeGenAi(span.attributes)) return undefined;
  // Producers that deviate from semconv in ways that change the numbers: see scope-normalisers.ts,
  // and vercel-ai.ts for the Vercel AI SDK (recognised by its attribute, whatever tracer made it).
  let a: Attributes | null;
  if (span.attributes[A.ATTR_VERCEL_OPERATION_ID] !== undefined) a = normaliseVercelAi(span);
  else {
    const normalise = normaliserFor((span.instrumentationScope ?? span.instrumentationLibrary)?.name);
    a = normalise ? normalise(span.attributes) : span.attributes;
  }
  if (a === null) return undefined;
  return {
    operation: operationOf(a),
    provider: str(a[A.ATTR_GEN_AI_PROVIDER_NAME]) || str(a[A.ATTR_GEN_AI_SYSTEM]),
    requestModel: str(a[A.ATTR_GEN_AI_REQUEST_MODEL]),
    responseModel: str(a[A.ATTR_GEN_AI_RESPONSE_MODEL]),
    errorType: errorTypeLabel(a[A.ATTR_ERROR_TYPE]) || (span.status.code === SpanStatusCode.ERROR ? '_OTHER' : ''),
    durationSeconds: span.duration[0] + span.duration[1] / 1e9,
    usage: usageOf(a),
    timeToFirstChunk: timeToFirstChunk(a),
    chunks: checkedQuantity(a[A.ATTR_AIMETER_RESPONSE_CHUNKS], A.ATTR_AIMETER_RESPONSE_CHUNKS),
    audioBytes: checkedQuantity(a[A.ATTR_AIMETER_SPEECH_AUDIO_SIZE], A.ATTR_AIMETER_SPEECH_AUDIO_SIZE),
    finishReasons: finishReasonsOf(a[A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]),
    agentName: str(a[A.ATTR_GEN_AI_AGENT_NAME]),
    toolName: str(a[A.ATTR_GEN_AI_TOOL_NAME]),
  };
}

/** Fills what `primary` lacks from `secondary`: two spans of one call, counted once. */
export function mergeCalls(primary: GenAiCall, secondary: GenAiCall): GenAiCall {
  const u = primary.usage;
  const v = secondary.usage;
  return {
    ...primary,
    provider: primary.provider || secondary.provider,
    requestModel: primary.requestModel || secondary.requestModel,
    responseModel: primary.responseModel || secondary.responseModel,
    errorType: primary.errorType || secondary.errorType,
    usage: {
      inputTokens: u.inputTokens ?? v.inputTokens,
      outputTokens: u.outputTokens ?? v.outputTokens,
      cacheReadTokens: u.cacheReadTokens ?? v.cacheReadTokens,
      cacheCreationTokens: u.cacheCreationTokens ?? v.cacheCreationTokens,
      reasoningTokens: u.reasoningTokens ?? v.reasoningTokens,
      audioSeconds: u.audioSeconds ?? v.audioSeconds,
      characters: u.characters ?? v.characters,
    },
    timeToFirstChunk: primary.timeToFirstChunk ?? secondary.timeToFirstChunk,
    chunks: primary.chunks ?? secondary.chunks,
    audioBytes: primary.audioBytes ?? secondary.audioBytes,
    finishReasons: primary.finishReasons ?? secondary.finishReasons,
  };
}

function operationOf(a: Attributes): string {
  const op = str(a[A.ATTR_GEN_AI_OPERATION_NAME]);
  if (op) return op;
  // OpenLLMetry: llm.request.type = chat | completion | embedding | rerank
  switch (str(a[A.ATTR_LEGACY_LLM_REQUEST_TYPE])) {
    case 'completion':
      return Operation.TextCompletion;
    case 'embedding':
      return Operation.Embeddings;
    case 'chat':
      return Operation.Chat;
  }
  return Operation.Chat;
}

/** Foreign spans are checked like provider responses: see src/provider-data/usage.ts. */
function usageOf(a: Attributes): Usage {
  const tokens = checkedTokenCounts({
    inputTokens: a[A.ATTR_GEN_AI_USAGE_INPUT_TOKENS] ?? a[A.ATTR_LEGACY_USAGE_PROMPT_TOKENS],
    outputTokens: a[A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] ?? a[A.ATTR_LEGACY_USAGE_COMPLETION_TOKENS],
    cacheReadTokens: a[A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] ?? a[A.ATTR_LEGACY_CACHE_READ_INPUT_TOKENS],
    // v1.41's cache_creation, else the newest conventions' cache_write, else the legacy spelling.
    cacheCreationTokens:
      a[A.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] ?? a[A.ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS] ?? a[A.ATTR_LEGACY_CACHE_CREATION_INPUT_TOKENS],
    reasoningTokens: a[A.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS],
  });
  // Built field by field, attributes read with constant keys: this runs for every span (a spread
  // or a helper taking the key cost several times the rest of this function).
  return {
    inputTokens: tokens.inputTokens,
    outputTokens: tokens.outputTokens,
    cacheReadTokens: tokens.cacheReadTokens,
    cacheCreationTokens: tokens.cacheCreationTokens,
    reasoningTokens: tokens.reasoningTokens,
    audioSeconds: checkedQuantity(a[A.ATTR_AIMETER_SPEECH_AUDIO_DURATION], A.ATTR_AIMETER_SPEECH_AUDIO_DURATION),
    characters: checkedQuantity(a[A.ATTR_AIMETER_SPEECH_CHARACTERS], A.ATTR_AIMETER_SPEECH_CHARACTERS),
  };
}

function timeToFirstChunk(a: Attributes): number | undefined {
  // The Vercel AI SDK's ai.response.msToFirstChunk arrives here converted (vercel-ai.ts).
  return checkedQuantity(a[A.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK], A.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

