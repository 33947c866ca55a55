/**
 * Text-to-speech over a raw WebSocket (ElevenLabs' `stream-input` and `multi-stream-input`
 * APIs), which `@elevenlabs/elevenlabs-js` 2.x has no client for (it ships the message types
 * only): the app opens the socket with `ws` itself, and hands it to `traceTextToSpeechSocket`.
 *
 *   const socket = traceTextToSpeechSocket(
 *     new WebSocket(`wss://api.elevenlabs.io/v1/text-to-speech/${voice}/stream-input?model_id=eleven_flash_v2_5&output_format=pcm_16000`),
 *   );
 *
 * One span per socket, `text_to_speech {model}`, `gen_ai.request.stream` true, from this call to
 * the socket's close: characters of the text sent (Unicode code points; the `" "` that opens a
 * connection or a context is not text to speak), bytes of audio received (the base64 `audio` of
 * each message, measured without decoding), their seconds for raw output formats (`pcm_*`,
 * `ulaw_*`, `alaw_*`), the time from the first text sent to the first audio received (time to
 * first chunk, hence `aimeter_text_to_speech_time_to_first_audio_seconds`), and errors (a socket
 * error, a close with a code other than 1000).
 *
 * The socket is observed in place: its `send` and `emit` are wrapped on the instance (no
 * listener is added, so a socket without an `error` listener still throws as before), messages
 * are read, never changed, and the very same socket is returned. Works with `ws` (Node) and any
 * EventEmitter-style socket with `send`, `emit` and `url`. See docs/instrumentations/speech.md.
 */
import type { Attributes } from '@opentelemetry/api';
import { runtimeSettings } from '../config/runtime';
import { swallow } from '../internal/errors';
import { warnOnce } from '../internal/log';
import * as A from '../semconv/attributes';
import { Operation } from '../semconv/operations';
import { Provider } from '../semconv/providers';
import { bytesPerSecond, elevenLabsOutputFormat } from '../tracing/audio-format';
import { GenAiSpan } from '../tracing/genai-span';
import { Patcher } from '../tracing/patcher';
import { codePoints, serverOf, str } from '../tracing/values';
import { base64ByteLength, closeErrorType, messageJson, socketErrorType } from '../tracing/websocket';
import { manualTracer } from './tracer';

const COMPONENT = 'manual-api';
const patcher = new Patcher(Symbol.for('aimeter.api.text-to-speech-socket.original'));
/** ElevenLabs' output format when the URL names none. */
const DEFAULT_OUTPUT_FORMAT = 'mp3_44100_128';
const CLOSED = 3;
/** Cap on the text kept for content capture (opt-in), per session. */
const MAX_CAPTURED_TEXT = 64 * 1024;

/** The parts of a WebSocket (`ws`) that are observed. */
export interface TextToSpeechSocketLike {
  /** The URL the socket was opened with (model, voice and output format are read from it). */
  readonly url?: string;
  /** 3 (CLOSED): the socket is not traced. */
  readonly readyState?: number;
  /** Wrapped on the instance: the text of each JSON message sent is counted. */
  send(data: any, ...rest: any[]): unknown;
  /** Wrapped on the instance: `message`, `error` and `close` are read before the listeners run. */
  emit(event: string | symbol, ...args: any[]): boolean;
}

/** What traceTextToSpeechSocket records beyond what it reads from the socket's URL. */
export interface TextToSpeechSocketOptions {
  /** gen_ai.provider.name; default `elevenlabs`. */
  readonly provider?: string;
  /** The model; default the URL's `model_id` query parameter. */
  readonly model?: string;
  /** The voice (a span attribute only); default the id in the URL's `/text-to-speech/{voice}/` path. */
  readonly voiceId?: string;
  /** The audio format; default the URL's `output_format`, else ElevenLabs' default (mp3_44100_128). */
  readonly outputFormat?: string;
  /** Further attributes known at start; never content unless you mean to. */
  readonly attributes?: Attributes;
}

/**
 * Traces one text-to-speech WebSocket session (ElevenLabs wire format) until the socket closes;
 * returns the same socket. Never throws: a socket it cannot read is returned untraced.
 */
export function traceTextToSpeechSocket<S extends TextToSpeechSocketLike>(socket: S, options: TextToSpeechSocketOptions = {}): S {
  swallow(COMPONENT, undefined, () => observe(socket, options));
  return socket;
}

function observe(socket: TextToSpeechSocketLike, options: TextToSpeechSocketOptions): void {
  if (!socket || typeof socket.send !== 'function' || typeof socket.emit !== 'function') {
    warnOnce('tts-socket-shape', 'aimeter: traceTextToSpeechSocket needs a WebSocket with send() and emit() (the `ws` package); this one is not traced.');
    return;
  }
  // Closed already, or traced already (one span per socket).
  if (socket.readyState === CLOSED || patcher.isInstalled(socket, 'send')) return;
  const url = parseUrl(socket.url);
  const session = new TtsSocketSession(socket, options, url);
  patcher.wrap(socket, 'send', (original) =>
    function (this: unknown, ...args: unknown[]): unknown {
      const result = original.apply(this, args);
      // Counted once `ws` accepted it (it throws while the socket is still connecting).
      if (this === socket) swallow(COMPONENT, undefined, () => session.sent(args[0]));
      return result;
    },
  );
  patcher.wrap(socket, 'emit', (original) =>
    function (this: unknown, ...args: unknown[]): unknown {
      // Read before the listeners run: one that throws must not hide the event.
      if (this === socket) swallow(COMPONENT, undefined, () => session.event(args[0], args[1], args[2]));
      return original.apply(this, args);
    },
  );
}

function parseUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

class TtsSocketSession {
  private span: GenAiSpan | undefined;
  private characters = 0;
  private audioBytes = 0;
  private text = '';
  private readonly bytesPerSecond: number | undefined;

  constructor(socket: TextToSpeechSocketLike, options: TextToSpeechSocketOptions, url: URL | undefined) {
    const model = str(options.model) ?? str(url?.searchParams.get('model_id'));
    const voice = str(options.voiceId) ?? str(/\/text-to-speech\/([^/]+)\//.exec(url?.pathname ?? '')?.[1]);
    const format = str(options.outputFormat) ?? str(url?.searchParams.get('output_format')) ?? DEFAULT_OUTPUT_FORMAT;
    const raw = elevenLabsOutputFormat(format);
    this.bytesPerSecond = raw ? bytesPerSecond(raw) : undefined;
    const server = serverOf(socket.url);
    this.span = GenAiSpan.start(manualTracer(), {
      operation: Operation.TextToSpeech,
      provider: str(options.provider) ?? Provider.ElevenLabs,
      requestModel: model,
      serverAddress: server.address,
      serverPort: server.port,
      stream: true,
      attributes: { ...(voice ? { [A.ATTR_AIMETER_SPEECH_VOICE_ID]: decodeURIComponent(voice) } : {}), ...options.attributes },
    });
  }

  sent(data: unknown): void {
    if (!this.span) return;
    const text = messageJson(data)?.text;
    // " " opens the connection (or a context); "" ends the input: neither is text to speak.
    if (typeof text !== 'string' || text === '' || text === ' ') return;
    this.span.requestSent();
    this.characters += codePoints(text);
    if (runtimeSettings().captureMessageContent && this.text.length < MAX_CAPTURED_TEXT) this.text = (this.text + text).slice(0, MAX_CAPTURED_TEXT);
  }

  event(name: unknown, first: unknown, second: unknown): void {
    if (!this.span) return;
    if (name === 'message') {
      const audio = messageJson(first, second)?.audio;
      if (typeof audio !== 'string' || audio === '') return;
      const bytes = base64ByteLength(audio);
      if (bytes === 0) return;
      // One mark per session: the time to the first audio is what a listener waits for.
      if (this.audioBytes === 0) this.span.chunk();
      this.audioBytes += bytes;
    } else if (name === 'error') {
      this.finish(socketErrorType(first), first);
    } else if (name === 'close') {
      this.finish(closeErrorType(first));
    }
  }

  private finish(errorType: string | undefined, error?: unknown): void {
    const span = this.span;
    if (!span) return;
    this.span = undefined;
    span.setCharacters(this.characters);
    span.setAudioSize(this.audioBytes);
    if (this.bytesPerSecond !== undefined && this.audioBytes > 0) span.setAudioDuration(this.audioBytes / this.bytesPerSecond);
    if (this.text) {
      span.setAttributes({ [A.ATTR_GEN_AI_INPUT_MESSAGES]: JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: this.text }] }]) });
    }
    if (errorType === undefined) span.end();
    else span.fail(error, errorType);
  }
}
