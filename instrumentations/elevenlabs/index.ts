/**
 * ElevenLabs (`@elevenlabs/elevenlabs-js` 2.x) text-to-speech:
 * `client.textToSpeech.convert(voiceId, {text, modelId})` and `.stream(voiceId, {...})`.
 * Both resolve to the audio body as a stream (a WHATWG ReadableStream with the default fetch).
 *
 * The SDK (Fern-generated, CommonJS only) implements them on `TextToSpeechClient` in
 * `api/resources/textToSpeech/client/Client.js`; the public methods wrap the private
 * `__convert` / `__stream` promise of `{data, rawResponse}` in an `HttpResponsePromise`.
 * aimeter patches the private methods and hands the caller an equivalent body stream that
 * counts bytes as they are read (see src/tracing/byte-stream-observer.ts); the public
 * `HttpResponsePromise` is still the SDK's own.
 *
 * Span: `text_to_speech {model_id}`, provider `elevenlabs`, characters of the request text,
 * bytes of audio read, time to the first audio byte read; it ends when the caller
 * has read the body to its end, when the body errors, or when the caller cancels it.
 * See docs/instrumentations/speech.md.
 */
import type { Tracer } from '@opentelemetry/api';
import { InstrumentationNodeModuleDefinition, type InstrumentationConfig } from '@opentelemetry/instrumentation';
import { runtimeSettings } from '../../src/config/runtime';
import * as A from '../../src/semconv/attributes';
import { Operation } from '../../src/semconv/operations';
import { Provider } from '../../src/semconv/providers';
import { observeByteStream } from '../../src/tracing/byte-stream-observer';
import { defineInstrumentation, KitInstrumentation } from '../../src/tracing/define';
import { GenAiSpan } from '../../src/tracing/genai-span';
import { fernServer, tracedRequestResponse, type FernClient, type SdkClass } from '../../src/tracing/request-response';
import { codePoints, str } from '../../src/tracing/values';

export const ELEVENLABS = defineInstrumentation({ name: 'elevenlabs' });
export const ELEVENLABS_INSTRUMENTATION_NAME = ELEVENLABS.name;

const MODULE = '@elevenlabs/elevenlabs-js';
const SUPPORTED = ['>=2.0.0 <3'];
const TTS_CLIENT_FILES = ['api/resources/textToSpeech/client/Client.js', 'dist/api/resources/textToSpeech/client/Client.js'];
const DEFAULT_BASE_URL = 'https://api.elevenlabs.io';
const COMPONENT = ELEVENLABS.component;

type ClientLike = FernClient;
type TtsClientClass = SdkClass;

/** Methods patched: private name -> whether it is the streaming endpoint. */
const METHODS: ReadonlyArray<[string, boolean]> = [
  ['__convert', false],
  ['__stream', true],
];

export class ElevenLabsInstrumentation extends KitInstrumentation {
  constructor(config: InstrumentationConfig = {}) {
    super(ELEVENLABS, config);
  }

  protected init() {
    const files = this.classInFiles<TtsClientClass>(MODULE, SUPPORTED, TTS_CLIENT_FILES, 'TextToSpeechClient', (cls, patch) =>
      patch ? this.patchClient(cls) : this.unpatchClient(cls),
    );
    return [new InstrumentationNodeModuleDefinition(MODULE, SUPPORTED, undefined, undefined, files)];
  }

  private patchClient(cls: TtsClientClass | undefined): void {
    const tracer = () => this.tracer;
    for (const [name, stream] of METHODS) {
      // convert / stream (voice_id, request, requestOptions)
      this.patcher.wrap(cls?.prototype, name, (original) =>
        tracedRequestResponse(COMPONENT, original, {
          start: (self, args) => startSpan(tracer(), self as ClientLike, args[0], args[1], stream),
          settle: (span, result, args) => observeResult(span, result, charactersOf(args[1])),
        }),
      );
    }
  }

  private unpatchClient(cls: TtsClientClass | undefined): void {
    for (const [name] of METHODS) this.patcher.unwrap(cls?.prototype, name);
  }
}

function startSpan(tracer: Tracer, client: ClientLike, voiceId: unknown, request: unknown, stream: boolean): GenAiSpan {
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
function charactersOf(request: unknown): number | undefined {
  const text = (request as { text?: unknown } | undefined)?.text;
  if (typeof text !== 'string') return undefined;
  return codePoints(text);
}

/** `result` is `{data: body, rawResponse: Response}`; `data` is replaced by an observed equivalent. */
function observeResult(handle: GenAiSpan, result: unknown, characters: number | undefined): void {
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
