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
import { InstrumentationNodeModuleDefinition, type InstrumentationConfig } from '@opentelemetry/instrumentation';
import { defineInstrumentation, KitInstrumentation } from '../../src/tracing/define';
import type { FernClient, SdkClass } from '../../src/tracing/request-response';

export const ELEVENLABS = defineInstrumentation({ name: 'elevenlabs' });
export const ELEVENLABS_INSTRUMENTATION_NAME = ELEVENLABS.name;

const MODULE = '@elevenlabs/elevenlabs-js';
/** From the first 2.x release, 2.0.1 (there is no 2.0.0), which the oldest SDK cell runs (test/compat/cells.ts). */
const SUPPORTED = ['>=2.0.1 <3'];
const TTS_CLIENT_FILES = ['api/resources/textToSpeech/client/Client.js', 'dist/api/resources/textToSpeech/client/Client.js'];
/** The class's name in those files: `TextToSpeechClient`; the first 2.x releases (2.0.1) called it `TextToSpeech`. */
const TTS_CLIENT_CLASS = ['TextToSpeechClient', 'TextToSpeech'];
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
    const files = this.classInFiles<TtsClientClass>(MODULE, SUPPORTED, TTS_CLIENT_FILES, TTS_CLIENT_CLASS, (cls, patch) =>
      patch ? this.patchClient(cls) : this.unpatchClient(cls),
    );
    return [new InstrumentationNodeModuleDefinition(MODULE, SUPPORTED, undefined, undefined, files)];
  }

  private patchClient(cls: TtsClientClass | undefined): void {
    // The span code is loaded with the SDK, not at start-up (issue 10).
    const { tracedRequestResponse } = require('../../src/tracing/request-response') as typeof import('../../src/tracing/request-response');
    const { charactersOf, observeResult, startSpan } = require('./spans') as typeof import('./spans');
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
