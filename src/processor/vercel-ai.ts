/**
 * The Vercel AI SDK's own spans (`ai` 5 and 6, `experimental_telemetry`), read as the GenAI
 * conventions would have them. The SDK names every span by `ai.operationId` and sets only some
 * `gen_ai.*` attributes (no `gen_ai.operation.name`; `gen_ai.system` is its provider id such as
 * `openai.responses`; embedding and tool spans carry no `gen_ai.*` at all), so without this the
 * processor would count its wrapper spans as model calls and miss its embeddings and tools:
 *
 * | `ai.operationId` | read as |
 * |---|---|
 * | `ai.generateText.doGenerate`, `ai.streamText.doStream`, `ai.generateObject.doGenerate`, `ai.streamObject.doStream` | one model call (`chat`; `text_completion` for a provider's completion model) |
 * | `ai.embed.doEmbed`, `ai.embedMany.doEmbed` | one `embeddings` call (`ai.usage.tokens` as input tokens) |
 * | `ai.toolCall` | `execute_tool` (`ai.toolCall.name`) |
 * | `ai.generateText`, `ai.streamText`, `ai.generateObject`, `ai.streamObject`, `ai.embed`, `ai.embedMany` | `invoke_workflow`: the run around its steps, whose usage is a roll-up and never counted |
 * | anything else (`ai.rerank`, ...) | not a GenAI operation aimeter counts |
 *
 * Keyed by the attribute, not by the instrumentation scope: the SDK uses the caller's own tracer
 * when `experimental_telemetry.tracer` is set, so the scope name (`ai` by default) proves nothing.
 */
import { SpanStatusCode, type Attributes } from '@opentelemetry/api';
import * as A from '../semconv/attributes';
import { Operation } from '../semconv/operations';
import { Provider } from '../semconv/providers';
import { errorTypeOf } from '../tracing/error-type';
import type { ReadableSpanLike } from './span-like';

const OPERATIONS: ReadonlyMap<string, string> = new Map<string, string>([
  ['ai.generateText.doGenerate', Operation.Chat],
  ['ai.streamText.doStream', Operation.Chat],
  ['ai.generateObject.doGenerate', Operation.Chat],
  ['ai.streamObject.doStream', Operation.Chat],
  ['ai.embed.doEmbed', Operation.Embeddings],
  ['ai.embedMany.doEmbed', Operation.Embeddings],
  ['ai.toolCall', Operation.ExecuteTool],
  ['ai.generateText', Operation.InvokeWorkflow],
  ['ai.streamText', Operation.InvokeWorkflow],
  ['ai.generateObject', Operation.InvokeWorkflow],
  ['ai.streamObject', Operation.InvokeWorkflow],
  ['ai.embed', Operation.InvokeWorkflow],
  ['ai.embedMany', Operation.InvokeWorkflow],
]);

/**
 * The operation of an AI SDK span from its `ai.operationId` (known when the span starts):
 * undefined when the value is not a string (not an AI SDK span), '' for AI SDK spans aimeter
 * does not count.
 */
export function vercelAiOperation(operationId: unknown): string | undefined {
  if (typeof operationId !== 'string') return undefined;
  return OPERATIONS.get(operationId) ?? '';
}

/** The SDK's provider ids (the part before the first '.') as semconv `gen_ai.provider.name` values. */
const PROVIDERS: Readonly<Record<string, string>> = {
  openai: Provider.OpenAI,
  azure: Provider.AzureOpenAI,
  'azure-openai': Provider.AzureOpenAI,
  anthropic: Provider.Anthropic,
  'amazon-bedrock': Provider.AwsBedrock,
  bedrock: Provider.AwsBedrock,
  google: Provider.GcpGemini,
  'google-vertex': Provider.GcpVertexAi,
  vertex: Provider.GcpVertexAi,
  mistral: Provider.MistralAi,
  groq: Provider.Groq,
  deepseek: Provider.DeepSeek,
  cohere: Provider.Cohere,
  perplexity: Provider.Perplexity,
  xai: Provider.XAi,
};

/**
 * `openai.responses` -> `openai`, `google.vertex.chat` -> `gcp.vertex_ai`, `amazon-bedrock` ->
 * `aws.bedrock`; an id we do not know keeps its first part (`lmstudio.chat` -> `lmstudio`).
 */
export function vercelAiProvider(id: string): string {
  const lower = id.toLowerCase();
  if (lower.startsWith('google.vertex')) return Provider.GcpVertexAi;
  const dot = lower.indexOf('.');
  const head = dot < 0 ? lower : lower.slice(0, dot);
  return PROVIDERS[head] ?? head;
}

/**
 * The span's attributes as the conventions name them (a new object, only the keys readGenAiSpan
 * reads), or null when the span is not one aimeter counts.
 */
export function normaliseVercelAi(span: ReadableSpanLike): Attributes | null {
  const a = span.attributes;
  const operation = vercelAiOperation(a[A.ATTR_VERCEL_OPERATION_ID]);
  if (!operation) return null;
  const out: Attributes = {};
  if (operation === Operation.ExecuteTool) {
    out[A.ATTR_GEN_AI_OPERATION_NAME] = operation;
    out[A.ATTR_GEN_AI_TOOL_NAME] = a[A.ATTR_VERCEL_TOOL_CALL_NAME];
  } else {
    const providerId = text(a[A.ATTR_GEN_AI_SYSTEM]) || text(a[A.ATTR_VERCEL_MODEL_PROVIDER]);
    // A provider's completion model (`openai.completion`) answers /completions, not a chat.
    out[A.ATTR_GEN_AI_OPERATION_NAME] = operation === Operation.Chat && providerId.endsWith('.completion') ? Operation.TextCompletion : operation;
    if (providerId) out[A.ATTR_GEN_AI_PROVIDER_NAME] = vercelAiProvider(providerId);
    out[A.ATTR_GEN_AI_REQUEST_MODEL] = a[A.ATTR_GEN_AI_REQUEST_MODEL] ?? a[A.ATTR_VERCEL_MODEL_ID];
    out[A.ATTR_GEN_AI_RESPONSE_MODEL] = a[A.ATTR_GEN_AI_RESPONSE_MODEL] ?? a[A.ATTR_VERCEL_RESPONSE_MODEL];
    // The workflow's usage is the sum of its steps': not copied, so it cannot be counted again.
    if (operation !== Operation.InvokeWorkflow) copyCall(a, out, operation === Operation.Embeddings);
  }
  if (a[A.ATTR_ERROR_TYPE] !== undefined) out[A.ATTR_ERROR_TYPE] = a[A.ATTR_ERROR_TYPE];
  else if (span.status.code === SpanStatusCode.ERROR) {
    // aimeter's tracer for the SDK sets error.type (instrumentations/vercel-ai/private-tracer.ts);
    // the SDK's own records an exception event.
    const type = exceptionType(span);
    // The SDK records the error's name (AI_APICallError, AbortError, TimeoutError) but not its
    // HTTP status; errorTypeOf folds the names it knows (cancelled, timeout) like aimeter's own.
    // No constructor: the name alone decides (a plain object's class name would be `Object`).
    if (type) out[A.ATTR_ERROR_TYPE] = errorTypeOf({ name: type, constructor: undefined });
  }
  return out;
}

/** Usage, finish reasons and time to first chunk of a model call (doGenerate, doStream, doEmbed). */
function copyCall(a: Attributes, out: Attributes, embeddings: boolean): void {
  if (embeddings) {
    // NaN is the SDK's "the provider reported no usage", not an implausible count.
    const tokens = a[A.ATTR_VERCEL_USAGE_TOKENS];
    if (!(typeof tokens === 'number' && Number.isNaN(tokens))) out[A.ATTR_GEN_AI_USAGE_INPUT_TOKENS] = tokens;
    return;
  }
  out[A.ATTR_GEN_AI_USAGE_INPUT_TOKENS] = a[A.ATTR_GEN_AI_USAGE_INPUT_TOKENS] ?? a[A.ATTR_VERCEL_USAGE_INPUT_TOKENS];
  out[A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] = a[A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] ?? a[A.ATTR_VERCEL_USAGE_OUTPUT_TOKENS];
  // The SDK's totals include cache reads and writes (input) and reasoning (output), as semconv's do.
  out[A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = a[A.ATTR_VERCEL_USAGE_CACHE_READ_TOKENS] ?? a[A.ATTR_VERCEL_USAGE_CACHED_INPUT_TOKENS];
  out[A.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] = a[A.ATTR_VERCEL_USAGE_CACHE_WRITE_TOKENS];
  out[A.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = a[A.ATTR_VERCEL_USAGE_REASONING_TOKENS] ?? a[A.ATTR_VERCEL_USAGE_REASONING_TOKENS_V5];
  out[A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = a[A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS];
  const ms = a[A.ATTR_VERCEL_MS_TO_FIRST_CHUNK];
  if (typeof ms === 'number') out[A.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] = ms / 1000;
}

/** `exception.type` of the span's last exception event (what recordException wrote). */
function exceptionType(span: ReadableSpanLike): string {
  const events = span.events;
  if (events === undefined) return '';
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i]!;
    if (event.name === A.EVENT_EXCEPTION) return text(event.attributes?.[A.ATTR_EXCEPTION_TYPE]);
  }
  return '';
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
