/**
 * Google Gen AI SDK (`@google/genai` 1.x and 2.x), Gemini Developer API and Vertex AI:
 * `models.generateContent`, `models.generateContentStream` and `models.embedContent`.
 *
 * Targets: the public methods are per-instance arrow functions (automatic function calling and
 * continuations may make several HTTP calls for one), so aimeter wraps the prototype methods they
 * call once per HTTP call: `Models.prototype.generateContentInternal`,
 * `generateContentStreamInternal` and `embedContentInternal`. One span per HTTP call:
 * `generate_content {model}`, provider `gcp.gemini` (or `gcp.vertex_ai` for a Vertex client),
 * usage from `usageMetadata` (response.ts), the stream observed chunk by chunk (time to first
 * chunk, chunk count, the last chunk's usage). Built on the kit (docs/instrumentations/adding.md).
 * See docs/instrumentations/google-genai.md.
 */
import type { Tracer } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { runtimeSettings } from '../../src/config/runtime';
import * as A from '../../src/semconv/attributes';
import { Operation } from '../../src/semconv/operations';
import { Provider } from '../../src/semconv/providers';
import { defineInstrumentation, KitInstrumentation } from '../../src/tracing/define';
import { GenAiSpan } from '../../src/tracing/genai-span';
import { tracedRequestResponse } from '../../src/tracing/request-response';
import { observeAsyncIterator } from '../../src/tracing/stream-observer';
import { isAsyncIterable, num, obj, serverOf, str, type Json } from '../../src/tracing/values';
import { candidateTexts, finishReasonsOf, hasOutput, outputMessages, recordResponse } from './response';

export const GOOGLE_GENAI = defineInstrumentation({ name: 'google-genai' });
export const GOOGLE_GENAI_INSTRUMENTATION_NAME = GOOGLE_GENAI.name;

const MODULE = '@google/genai';
const SUPPORTED = ['>=1.0.0 <3'];

interface ModelsLike {
  apiClient?: { isVertexAI?(): boolean; getBaseUrl?(): string };
}

type Kind = 'generate' | 'stream' | 'embed';

const TARGETS: ReadonlyArray<readonly [string, Kind]> = [
  ['generateContentInternal', 'generate'],
  ['generateContentStreamInternal', 'stream'],
  ['embedContentInternal', 'embed'],
];

export class GoogleGenAiInstrumentation extends KitInstrumentation {
  constructor(config: InstrumentationConfig = {}) {
    super(GOOGLE_GENAI, config);
  }

  protected init() {
    return [this.entryModule(MODULE, SUPPORTED)];
  }

  protected override patchExports(exports: unknown): void {
    const tracer = () => this.tracer;
    const component = this.component;
    for (const [method, kind] of TARGETS) {
      this.patcher.wrap(modelsPrototype(exports), method, (original) =>
        tracedRequestResponse(component, original, {
          start: (self, args) => startSpan(tracer(), self as ModelsLike, obj(args[0]), kind),
          settle: (span, result) => settle(span, result, kind),
        }),
      );
    }
  }

  protected override unpatchExports(exports: unknown): void {
    for (const [method] of TARGETS) this.patcher.unwrap(modelsPrototype(exports), method);
  }
}

function modelsPrototype(exports: unknown): object | undefined {
  const e = exports as { Models?: { prototype?: object }; default?: { Models?: { prototype?: object } } } | undefined;
  return (e?.Models ?? e?.default?.Models)?.prototype;
}

/** `models/gemini-2.5-flash` and `gemini-2.5-flash` name the same model (the price list's spelling). */
function modelName(model: unknown): string | undefined {
  const name = str(model);
  return name?.startsWith('models/') ? name.slice('models/'.length) || undefined : name;
}

function startSpan(tracer: Tracer, models: ModelsLike, params: Json | undefined, kind: Kind): GenAiSpan {
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

function settle(span: GenAiSpan, result: unknown, kind: Kind): unknown {
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
