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
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { swallow } from '../../src/internal/errors';
import { defineInstrumentation, KitInstrumentation } from '../../src/tracing/define';
import type { FernClient, SdkClass } from '../../src/tracing/request-response';
import type { LiveSessions } from './live';

export const DEEPGRAM = defineInstrumentation({ name: 'deepgram' });
export const DEEPGRAM_INSTRUMENTATION_NAME = DEEPGRAM.name;

const MODULE = '@deepgram/sdk';
const SUPPORTED = ['>=5.0.0 <6'];
const MEDIA_CLIENT_FILES = [
  'dist/cjs/api/resources/listen/resources/v1/resources/media/client/Client.js',
  'dist/esm/api/resources/listen/resources/v1/resources/media/client/Client.mjs',
];
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
  /** The live-session code, loaded with the SDK (the first patch), not at start-up. */
  private liveSessions: LiveSessions | undefined;

  constructor(config: InstrumentationConfig = {}) {
    super(DEEPGRAM, config);
  }

  private get live(): LiveSessions {
    const { LiveSessions: Sessions } = require('./live') as typeof import('./live');
    return (this.liveSessions ??= new Sessions(COMPONENT, this.patcher, () => this.tracer));
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
    this.liveSessions?.unpatchAll();
  }

  private patchMediaClient(cls: MediaClientClass | undefined): void {
    // The span code is loaded with the SDK, not at start-up (issue 10).
    const { tracedRequestResponse } = require('../../src/tracing/request-response') as typeof import('../../src/tracing/request-response');
    const { recordResponse, startSpan } = require('./spans') as typeof import('./spans');
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
