/**
 * Deepgram (`@deepgram/sdk` 5.x) pre-recorded speech-to-text:
 * `client.listen.v1.media.transcribeFile(audio, {model})` and `transcribeUrl({url, model})`;
 * live transcription over a WebSocket, `client.listen.v1.connect({model, ...})`, in live.ts.
 *
 * The SDK (Fern-generated) implements both on `MediaClient` (not exported from the package
 * root), in `.../listen/resources/v1/resources/media/client/Client.{js,mjs}`; the public methods
 * wrap the private `__transcribeFile` / `__transcribeUrl` promise in an `HttpResponsePromise`.
 * aimeter patches the two private methods, so the public `HttpResponsePromise` (with
 * `.withRawResponse()`) is still created by the SDK itself and nothing the caller sees changes.
 *
 * Span: `speech_to_text {model}`, provider `deepgram`, seconds of audio from the response's
 * `metadata.duration` (-> aimeter_speech_to_text_audio_duration_seconds_total, real-time factor,
 * cost per minute). See docs/instrumentations/speech.md.
 */
import type { Tracer } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { runtimeSettings } from '../../src/config/runtime';
import { swallow } from '../../src/internal/errors';
import * as A from '../../src/semconv/attributes';
import { Operation } from '../../src/semconv/operations';
import { Provider } from '../../src/semconv/providers';
import { defineInstrumentation, KitInstrumentation } from '../../src/tracing/define';
import { GenAiSpan } from '../../src/tracing/genai-span';
import { fernServer, tracedRequestResponse, type FernClient, type SdkClass } from '../../src/tracing/request-response';
import { str } from '../../src/tracing/values';
import { LiveSessions } from './live';

export const DEEPGRAM = defineInstrumentation({ name: 'deepgram' });
export const DEEPGRAM_INSTRUMENTATION_NAME = DEEPGRAM.name;

const MODULE = '@deepgram/sdk';
const SUPPORTED = ['>=5.0.0 <6'];
const MEDIA_CLIENT_FILES = [
  'dist/cjs/api/resources/listen/resources/v1/resources/media/client/Client.js',
  'dist/esm/api/resources/listen/resources/v1/resources/media/client/Client.mjs',
];
const DEFAULT_BASE_URL = 'https://api.deepgram.com';
const COMPONENT = DEEPGRAM.component;

type MediaClientLike = FernClient;
type MediaClientClass = SdkClass;

/** The private methods patched, and where each finds its request (the options with `model`). */
const METHODS: ReadonlyArray<readonly [string, number]> = [
  // transcribeFile(uploadable, request, requestOptions) / transcribeUrl(request, requestOptions)
  ['__transcribeFile', 1],
  ['__transcribeUrl', 0],
];

export class DeepgramInstrumentation extends KitInstrumentation {
  private readonly live: LiveSessions;

  constructor(config: InstrumentationConfig = {}) {
    super(DEEPGRAM, config);
    this.live = new LiveSessions(COMPONENT, this.patcher, () => this.tracer);
  }

  protected init() {
    const files = this.classInFiles<MediaClientClass>(MODULE, SUPPORTED, MEDIA_CLIENT_FILES, 'MediaClient', (cls, patch) =>
      patch ? this.patchMediaClient(cls) : this.unpatchMediaClient(cls),
    );
    return [this.entryModule(MODULE, SUPPORTED, files)];
  }

  // ESM under aimeter's preload: import-in-the-middle only wraps package entry points (its
  // add-hook message channel does not support internal files), so the class is reached from the
  // entry instead. The live clients are reached this way under CommonJS too: the default
  // client's (WrappedListenV1Client, in CustomClient.js) is exported by no file.
  protected override patchExports(exports: unknown): void {
    const classes = swallow(COMPONENT, undefined, () => classesFromEntry(exports as DeepgramEntry));
    if (classes?.media) this.patchMediaClient(classes.media);
    for (const proto of classes?.live ?? []) this.live.patchClient(proto);
  }

  protected override unpatchExports(exports: unknown): void {
    const classes = swallow(COMPONENT, undefined, () => classesFromEntry(exports as DeepgramEntry));
    if (classes?.media) this.unpatchMediaClient(classes.media);
    for (const proto of classes?.live ?? []) this.live.unpatchClient(proto);
    this.live.unpatchAll();
  }

  private patchMediaClient(cls: MediaClientClass | undefined): void {
    const tracer = () => this.tracer;
    for (const [name, requestAt] of METHODS) {
      this.patcher.wrap(cls?.prototype, name, (original) =>
        tracedRequestResponse(COMPONENT, original, {
          start: (self, args) => startSpan(tracer(), self as MediaClientLike, args[requestAt] as Record<string, unknown> | undefined),
          settle(span, result) {
            swallow(COMPONENT, undefined, () => recordResponse(span, result));
            span.end();
          },
        }),
      );
    }
  }

  private unpatchMediaClient(cls: MediaClientClass | undefined): void {
    for (const [name] of METHODS) this.patcher.unwrap(cls?.prototype, name);
  }
}

type DeepgramEntry = { DeepgramClient?: unknown; DefaultDeepgramClient?: unknown } | undefined;

type ClientConstructor = new (options: unknown) => { listen?: { v1?: { media?: object } } };

/**
 * `MediaClient` and the listen v1 clients are not exported: build a client of each exported
 * class (no I/O, no timers: the constructors only normalise options) and take the classes of its
 * `listen.v1.media` and `listen.v1`, the objects callers use. `DeepgramClient`'s `listen.v1` is
 * a subclass that overrides `connect`; `DefaultDeepgramClient`'s is the generated one.
 */
function classesFromEntry(exports: DeepgramEntry): { media?: MediaClientClass; live: object[] } {
  let media: MediaClientClass | undefined;
  const live: object[] = [];
  for (const Client of [exports?.DeepgramClient, exports?.DefaultDeepgramClient]) {
    if (typeof Client !== 'function') continue;
    const probe = new (Client as ClientConstructor)({ apiKey: 'aimeter-probe' });
    const v1 = probe?.listen?.v1;
    const v1Proto = v1 ? (Object.getPrototypeOf(v1) as object | null) : null;
    if (v1Proto && !live.includes(v1Proto)) live.push(v1Proto);
    const mediaProto = v1?.media ? (Object.getPrototypeOf(v1.media) as { constructor?: unknown } | null) : null;
    if (!media && mediaProto && typeof mediaProto.constructor === 'function') media = mediaProto.constructor as unknown as MediaClientClass;
  }
  return { media, live };
}

function startSpan(tracer: Tracer, client: MediaClientLike, request: Record<string, unknown> | undefined): GenAiSpan {
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
function recordResponse(handle: GenAiSpan, result: unknown): void {
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
