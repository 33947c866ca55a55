/**
 * The ElevenLabs call's span: what a traced `__convert` / `__stream` records, and the observed
 * audio body. Loaded when the SDK is (index.ts requires it in the patch), not at start-up (issue 10).
 */
import type { Tracer } from '@opentelemetry/api';
import { runtimeSettings } from '../../src/config/runtime';
import * as A from '../../src/semconv/attributes';
import { Operation } from '../../src/semconv/operations';
import { Provider } from '../../src/semconv/providers';
import { observeByteStream } from '../../src/tracing/byte-stream-observer';
import { GenAiSpan } from '../../src/tracing/genai-span';
import { fernServer, type FernClient } from '../../src/tracing/request-response';
import { codePoints, str } from '../../src/tracing/values';

const DEFAULT_BASE_URL = 'https://api.elevenlabs.io';

export function startSpan(tracer: Tracer, client: FernClient, voiceId: unknown, request: unknown, stream: boolean): GenAiSpan {
  const req = (request ?? {}) as { text?: unknown; modelId?: unknown };
  const server = fernServer(client?._options, DEFAULT_BASE_URL);
  const handle = GenAiSpan.start(tracer, {
    operation: Operation.TextToSpeech,
    provider: Provider.ElevenLabs,
    requestModel: str(req.modelId),
    serverAddress: server.address,
    serverPort: server.port,
    stream,
    attributes: typeof voiceId === 'string' && voiceId !== '' ? { [A.ATTR_AIMETER_SPEECH_VOICE_ID]: voiceId } : undefined,
  });
  if (typeof req.text === 'string') {
    if (runtimeSettings().captureMessageContent) {
      handle.setAttributes({
        [A.ATTR_GEN_AI_INPUT_MESSAGES]: JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: req.text }] }]),
      });
    }
  }
  return handle;
}

/**
 * Characters of the request text, as Unicode code points (what ElevenLabs counts), not UTF-16
 * code units. Recorded only once the API has accepted the request (a rejected call is not billed).
 */
export function charactersOf(request: unknown): number | undefined {
  const text = (request as { text?: unknown } | undefined)?.text;
  if (typeof text !== 'string') return undefined;
  return codePoints(text);
}

/** `result` is `{data: body, rawResponse: Response}`; `data` is replaced by an observed equivalent. */
export function observeResult(handle: GenAiSpan, result: unknown, characters: number | undefined): void {
  handle.setCharacters(characters);
  if (result === null || typeof result !== 'object') {
    handle.end();
    return;
  }
  const holder = result as { data?: unknown; rawResponse?: { headers?: { get?(name: string): string | null } } };
  const requestId = holder.rawResponse?.headers?.get?.('request-id');
  if (typeof requestId === 'string' && requestId !== '') handle.setResponse({ id: requestId });
  let bytes = 0;
  const observed = observeByteStream(holder.data, {
    onChunk(size) {
      if (size === 0) return;
      // Time to the first audio byte the caller reads (as for OpenAI's audio.speech): one
      // chunk() only, since network chunking of an audio body carries no meaning of its own.
      if (bytes === 0) handle.chunk();
      bytes += size;
    },
    onEnd({ error, abandoned }) {
      handle.setAudioSize(bytes);
      if (error !== undefined) handle.fail(error);
      else {
        if (abandoned) handle.setAttributes({ [A.ATTR_AIMETER_RESPONSE_ABANDONED]: true });
        handle.end();
      }
    },
  });
  if (!observed.observed) {
    // A body of a kind aimeter cannot watch (e.g. an already-buffered one): end now.
    handle.end();
    return;
  }
  if (observed.body !== holder.data) holder.data = observed.body;
}
