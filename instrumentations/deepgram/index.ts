/**
 * Deepgram (`@deepgram/sdk` 5.x) pre-recorded speech-to-text:
 * `client.listen.v1.media.transcribeFile(audio, {model})` and `transcribeUrl({url, model})`.
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
  constructor(config: InstrumentationConfig = {}) {
    super(DEEPGRAM, config);
  }

  protected init() {
    const files = this.classInFiles<MediaClientClass>(MODULE, SUPPORTED, MEDIA_CLIENT_FILES, 'MediaClient', (cls, patch) =>
      patch ? this.patchMediaClient(cls) : this.unpatchMediaClient(cls),
    );
    return [this.entryModule(MODULE, SUPPORTED, files)];
  }

  // ESM under aimeter's preload: import-in-the-middle only wraps package entry points (its
  // add-hook message channel does not support internal files), so the class is reached from the
  // entry instead.
  protected override patchExports(exports: unknown): void {
    const cls = swallow(COMPONENT, undefined, () => mediaClientFromEntry(exports as DeepgramEntry));
    if (cls) this.patchMediaClient(cls);
  }

  protected override unpatchExports(exports: unknown): void {
    const cls = swallow(COMPONENT, undefined, () => mediaClientFromEntry(exports as DeepgramEntry));
    if (cls) this.unpatchMediaClient(cls);
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

/**
 * `MediaClient` is not exported: build a client (no I/O, no timers: the constructor only
 * normalises options) and take the class of its `listen.v1.media`, the object callers use.
 */
function mediaClientFromEntry(exports: DeepgramEntry): MediaClientClass | undefined {
  const Client = (exports?.DeepgramClient ?? exports?.DefaultDeepgramClient) as (new (options: unknown) => unknown) | undefined;
  if (typeof Client !== 'function') return undefined;
  const probe = new Client({ apiKey: 'aimeter-probe' }) as { listen?: { v1?: { media?: object } } };
  const media = probe?.listen?.v1?.media;
  const proto = media ? (Object.getPrototypeOf(media) as { constructor?: unknown } | null) : null;
  return proto && typeof proto.constructor === 'function' ? (proto.constructor as unknown as MediaClientClass) : undefined;
}
