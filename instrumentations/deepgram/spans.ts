/**
 * The Deepgram call's span: what a traced `__transcribeFile` / `__transcribeUrl` records. Loaded
 * when the SDK is (index.ts requires it in the patch), not at start-up (issue 10).
 */
import type { Tracer } from '@opentelemetry/api';
import { runtimeSettings } from '../../src/config/runtime';
import * as A from '../../src/semconv/attributes';
import { Operation } from '../../src/semconv/operations';
import { Provider } from '../../src/semconv/providers';
import { GenAiSpan } from '../../src/tracing/genai-span';
import { fernServer, type FernClient } from '../../src/tracing/request-response';
import { str } from '../../src/tracing/values';

const DEFAULT_BASE_URL = 'https://api.deepgram.com';

export function startSpan(tracer: Tracer, client: FernClient, request: Record<string, unknown> | undefined): GenAiSpan {
  const server = fernServer(client?._options, DEFAULT_BASE_URL);
  return GenAiSpan.start(tracer, {
    operation: Operation.SpeechToText,
    provider: Provider.Deepgram,
    requestModel: str(request?.model),
    serverAddress: server.address,
    serverPort: server.port,
  });
}

interface DeepgramModelInfo {
  name?: unknown;
  arch?: unknown;
}

/** The `{data, rawResponse}` the private method resolves to; data is Deepgram's JSON. */
export function recordResponse(handle: GenAiSpan, result: unknown): void {
  const data = (result as { data?: unknown } | undefined)?.data as
    | {
        request_id?: unknown;
        metadata?: { request_id?: unknown; duration?: unknown; models?: unknown; model_info?: Record<string, DeepgramModelInfo> };
        results?: { channels?: Array<{ alternatives?: Array<{ transcript?: unknown }> }> };
      }
    | undefined;
  if (!data || typeof data !== 'object') return;
  const metadata = data.metadata;
  const requestId = typeof metadata?.request_id === 'string' ? metadata.request_id : typeof data.request_id === 'string' ? data.request_id : undefined;
  handle.setResponse({ id: requestId, model: responseModelOf(metadata) });
  if (typeof metadata?.duration === 'number') handle.setAudioDuration(metadata.duration);
  if (runtimeSettings().captureMessageContent) {
    const transcripts = (data.results?.channels ?? [])
      .map((channel) => channel?.alternatives?.[0]?.transcript)
      .filter((t): t is string => typeof t === 'string');
    if (transcripts.length > 0) {
      handle.setAttributes({
        [A.ATTR_GEN_AI_OUTPUT_MESSAGES]: JSON.stringify([
          { role: 'assistant', parts: transcripts.map((content) => ({ type: 'text', content })) },
        ]),
      });
    }
  }
}

/**
 * Deepgram reports the models used in `metadata.models` (ids) and `metadata.model_info[id]`
 * ({name: 'general-nova-3', arch: 'nova-3', version}). `arch` is the name callers use in the
 * request (`model: 'nova-3'`) and the one prices are listed under; it is used as the response
 * model when exactly one model served the request.
 */
function responseModelOf(metadata: { models?: unknown; model_info?: Record<string, DeepgramModelInfo> } | undefined): string | undefined {
  const info = metadata?.model_info;
  if (!info || typeof info !== 'object') return undefined;
  const ids = Array.isArray(metadata?.models) ? (metadata.models as unknown[]).filter((id): id is string => typeof id === 'string') : Object.keys(info);
  const names = new Set<string>();
  for (const id of ids) {
    const entry = info[id];
    const name = typeof entry?.arch === 'string' ? entry.arch : typeof entry?.name === 'string' ? entry.name : undefined;
    if (name) names.add(name);
  }
  return names.size === 1 ? [...names][0] : undefined;
}
