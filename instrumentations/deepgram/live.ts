/**
 * Deepgram live transcription (`@deepgram/sdk` 5.x): `client.listen.v1.connect({model, ...})`
 * (and `createConnection`, which calls it) resolves to a socket object over the SDK's
 * `ReconnectingWebSocket` (its own copy of reconnecting-websocket, over `ws` in Node). The
 * default `DeepgramClient` creates it closed: the caller registers `on('message')` and calls
 * `socket.connect()`; `DefaultDeepgramClient`'s connects at once.
 *
 * One span per connection, `speech_to_text {model}`, `gen_ai.request.stream` true: from the
 * connection attempt (`socket.connect()`, or `connect()` of a socket that connects at once; an
 * automatic reconnect starts the next span at its `open`) to its close. It records the seconds of
 * audio (Deepgram's `Metadata.duration`, else the end of the last `Results`, else the bytes sent
 * through `sendMedia` at the configured raw `encoding` / `sample_rate` / `channels`), the time from
 * the first audio sent to the first `Results` with a non-empty transcript (time to first chunk),
 * the request id and model Deepgram reports, and errors (a socket error, a close with a code
 * other than 1000).
 *
 * Nothing the caller sees changes: the SDK's own promise and socket are returned; the socket's
 * methods are patched on its prototypes (never on the instance), and its events are read where
 * the `ReconnectingWebSocket` hands each one to its listeners (`_callEventListener`), before the
 * SDK's handler, without adding a listener or touching the message. See
 * docs/instrumentations/speech.md.
 */
import { context as otelContext, trace, type Context, type Tracer } from '@opentelemetry/api';
import { runtimeSettings } from '../../src/config/runtime';
import { swallow } from '../../src/internal/errors';
import * as A from '../../src/semconv/attributes';
import { Operation } from '../../src/semconv/operations';
import { Provider } from '../../src/semconv/providers';
import { bytesPerSecond, type RawAudioFormat } from '../../src/tracing/audio-format';
import { GenAiSpan } from '../../src/tracing/genai-span';
import type { Patcher } from '../../src/tracing/patcher';
import { isThenable, num, obj, serverOf, str, type Json } from '../../src/tracing/values';
import { closeErrorType, messageByteLength, messageJson, socketErrorType } from '../../src/tracing/websocket';

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

/** What the SDK's socket object (`V1Socket` / `WrappedListenV1Socket`) holds that is read here. */
interface LiveSocketLike {
  socket?: ReconnectingLike;
}

/** The SDK's `ReconnectingWebSocket`, as read here. */
interface ReconnectingLike {
  _url?: unknown;
  _options?: { startClosed?: unknown };
}

interface SocketEvent {
  type?: unknown;
  data?: unknown;
  code?: unknown;
  message?: unknown;
  error?: unknown;
}

/** Cap on the transcript text kept for content capture (opt-in), per session. */
const MAX_CAPTURED_TRANSCRIPT = 64 * 1024;

/** The live-session side of the Deepgram instrumentation: its patches and its open sessions. */
export class LiveSessions {
  /** SDK socket object -> its session; the SDK's ReconnectingWebSocket -> the same session. */
  private readonly bySocket = new WeakMap<object, LiveSession>();
  private readonly byTransport = new WeakMap<object, LiveSession>();
  /** Sessions with an open span, ended if the instrumentation is disabled. */
  private readonly open = new Set<LiveSession>();
  /** Prototypes patched on first use (the socket classes are not exported). */
  private readonly patchedPrototypes: Array<[object, string]> = [];

  constructor(
    private readonly component: string,
    private readonly patcher: Patcher,
    private readonly tracer: () => Tracer,
  ) {}

  /** Patches `connect` of a listen v1 client prototype. */
  patchClient(proto: object | undefined): void {
    const component = this.component;
    const track = (socket: unknown, args: unknown, parent: Context) => this.track(socket, args, parent);
    this.patcher.wrap(proto, 'connect', (original) => {
      return function (this: unknown, ...args: unknown[]): unknown {
        const pending = original.apply(this, args);
        if (isThenable(pending)) {
          const parent = otelContext.active();
          // A branch of its own (the caller gets the SDK's very promise); registered before the
          // caller's await, so the socket is tracked before the caller can use it.
          pending.then(
            (socket) => swallow(component, undefined, () => track(socket, args[0], parent)),
            () => undefined, // the caller's own promise carries the rejection
          );
        }
        return pending;
      };
    });
  }

  unpatchClient(proto: object | undefined): void {
    this.patcher.unwrap(proto, 'connect');
  }

  /** Undoes the lazily installed socket patches and ends the spans still open. */
  unpatchAll(): void {
    for (const [proto, key] of this.patchedPrototypes.splice(0)) this.patcher.unwrap(proto, key);
    for (const session of [...this.open]) session.finish(undefined);
  }

  private track(socket: unknown, args: unknown, parent: Context): void {
    const live = obj(socket) as LiveSocketLike | undefined;
    const transport = live?.socket;
    if (!live || !transport || typeof transport !== 'object') return;
    this.patchSocketClasses(live, transport);
    const session = new LiveSession(this, obj(args) ?? {}, transport, parent);
    this.bySocket.set(live, session);
    this.byTransport.set(transport, session);
    // DefaultDeepgramClient's socket is already connecting; DeepgramClient's waits for connect().
    if (!transport._options?.startClosed) session.begin(parent);
  }

  private patchSocketClasses(socket: object, transport: object): void {
    const { component, bySocket, byTransport } = this;
    const socketProto = ownerOf(socket, 'sendMedia');
    this.patchOnce(socketProto, 'sendMedia', (original) =>
      function (this: unknown, ...args: unknown[]): unknown {
        const result = original.apply(this, args);
        const session = bySocket.get(this as object);
        // Counted once the SDK accepted it (it throws when the socket is not open).
        if (session) swallow(component, undefined, () => session.audioSent(args[0]));
        return result;
      },
    );
    this.patchOnce(socketProto, 'connect', (original) =>
      function (this: unknown, ...args: unknown[]): unknown {
        const session = bySocket.get(this as object);
        if (session) swallow(component, undefined, () => session.begin(otelContext.active()));
        return original.apply(this, args);
      },
    );
    this.patchOnce(socketProto, 'close', (original) =>
      function (this: unknown, ...args: unknown[]): unknown {
        try {
          return original.apply(this, args);
        } finally {
          // The SDK stops listening to the transport here: nothing more will be seen.
          const session = bySocket.get(this as object);
          if (session) swallow(component, undefined, () => session.closedByCaller());
        }
      },
    );
    this.patchOnce(ownerOf(transport, '_callEventListener'), '_callEventListener', (original) =>
      function (this: unknown, ...args: unknown[]): unknown {
        const session = byTransport.get(this as object);
        // Read before the listener runs (a throwing listener must not hide the event).
        if (session) swallow(component, undefined, () => session.event(args[0] as SocketEvent));
        return original.apply(this, args);
      },
    );
  }

  private patchOnce(proto: object | undefined, key: string, wrap: (original: AnyFn) => AnyFn): void {
    if (proto && this.patcher.wrap(proto, key, wrap)) this.patchedPrototypes.push([proto, key]);
  }

  opened(session: LiveSession): void {
    this.open.add(session);
  }

  closed(session: LiveSession): void {
    this.open.delete(session);
  }

  get tracerNow(): Tracer {
    return this.tracer();
  }

  get componentName(): string {
    return this.component;
  }
}

/** The object on `value`'s prototype chain that owns `key` (a method), if any. */
function ownerOf(value: object, key: string): object | undefined {
  for (let proto = Object.getPrototypeOf(value) as object | null; proto; proto = Object.getPrototypeOf(proto) as object | null) {
    if (Object.prototype.hasOwnProperty.call(proto, key)) return typeof (proto as Json)[key] === 'function' ? proto : undefined;
  }
  return undefined;
}

/** One live socket: its request, and the state of its current connection's span. */
class LiveSession {
  private readonly requestModel: string | undefined;
  private readonly format: RawAudioFormat;
  private span: GenAiSpan | undefined;
  private lastEvent: unknown;
  private closedOnPurpose = false;
  private finishScheduled = false;
  private closeCode: unknown;
  private error: SocketEvent | undefined;
  // Per connection:
  private bytesSent = 0;
  private reportedDuration: number | undefined;
  private resultsEnd = 0;
  private responseId: string | undefined;
  private responseModel: string | undefined;
  private transcribed = false;
  private transcript = '';

  constructor(
    private readonly sessions: LiveSessions,
    args: Json,
    private readonly transport: ReconnectingLike,
    private readonly parent: Context,
  ) {
    this.requestModel = str(args.model);
    // channels counts for interleaved multichannel audio; Deepgram's own default is 1.
    this.format = { encoding: args.encoding, sampleRate: args.sample_rate, channels: args.channels };
  }

  /** A connection attempt starts (no-op while one is open). */
  begin(active: Context): void {
    this.closedOnPurpose = false;
    if (this.span) return;
    const server = serverOf(this.transport._url);
    this.span = GenAiSpan.start(this.sessions.tracerNow, {
      operation: Operation.SpeechToText,
      provider: Provider.Deepgram,
      requestModel: this.requestModel,
      serverAddress: server.address,
      serverPort: server.port,
      stream: true,
      parent: trace.getSpan(active) ? active : this.parent,
    });
    this.sessions.opened(this);
  }

  audioSent(media: unknown): void {
    if (!this.span) return;
    const bytes = messageByteLength(media);
    if (bytes === 0) return;
    this.span.requestSent();
    this.bytesSent += bytes;
  }

  /** An event the transport hands to its listeners (each one once, whatever the number of listeners). */
  event(event: SocketEvent): void {
    if (event === this.lastEvent || !event || typeof event !== 'object') return;
    this.lastEvent = event;
    switch (event.type) {
      case 'open':
        // An automatic reconnect after a close: its own span.
        if (!this.span && !this.closedOnPurpose) this.begin(this.parent);
        return;
      case 'message':
        if (this.span) this.message(messageJson(event.data));
        return;
      case 'close':
        // The transport reports a failure as a close (1000) followed at once by the error: wait
        // for the end of this turn before deciding how the connection ended.
        if (this.span) {
          this.closeCode = event.code;
          this.scheduleFinish();
        }
        return;
      case 'error':
        if (this.span) {
          this.error = event;
          this.scheduleFinish();
        }
        return;
    }
  }

  closedByCaller(): void {
    this.closedOnPurpose = true;
    if (this.span && !this.finishScheduled) this.finish(undefined);
  }

  private scheduleFinish(): void {
    if (this.finishScheduled) return;
    this.finishScheduled = true;
    queueMicrotask(() => swallow(this.sessions.componentName, undefined, () => this.finishFromEvents()));
  }

  private finishFromEvents(): void {
    this.finishScheduled = false;
    const error = this.error;
    const code = this.closeCode;
    this.error = undefined;
    this.closeCode = undefined;
    if (error) this.finish(socketErrorType(error), error.error ?? error);
    else this.finish(closeErrorType(code));
  }

  private message(data: Json | undefined): void {
    if (!data) return;
    const span = this.span!;
    if (data.type === 'Results') {
      const end = (num(data.start) ?? 0) + (num(data.duration) ?? 0);
      if (end > this.resultsEnd) this.resultsEnd = end;
      const metadata = obj(data.metadata);
      this.responseId ??= str(metadata?.request_id);
      this.responseModel ??= str(obj(metadata?.model_info)?.arch) ?? str(obj(metadata?.model_info)?.name);
      const transcript = str(obj(obj(obj(data.channel)?.alternatives)?.[0])?.transcript);
      if (transcript === undefined) return;
      // One mark: time to the first transcript (interim or final); the count of results says
      // nothing about latency, so no time per chunk is derived from it.
      if (!this.transcribed) {
        this.transcribed = true;
        span.chunk();
      }
      if (data.is_final === true && runtimeSettings().captureMessageContent && this.transcript.length < MAX_CAPTURED_TRANSCRIPT) {
        this.transcript = (this.transcript ? `${this.transcript} ${transcript}` : transcript).slice(0, MAX_CAPTURED_TRANSCRIPT);
      }
    } else if (data.type === 'Metadata') {
      const duration = num(data.duration);
      if (duration !== undefined) this.reportedDuration = duration;
      this.responseId ??= str(data.request_id);
      this.responseModel ??= singleModel(data);
    }
  }

  /** Ends the current connection's span: `errorType` undefined for a normal end. */
  finish(errorType: string | undefined, error?: unknown): void {
    const span = this.span;
    if (!span) return;
    this.span = undefined;
    this.sessions.closed(this);
    span.setAudioDuration(this.audioSeconds());
    span.setResponse({ id: this.responseId, model: this.responseModel });
    if (this.transcript) {
      span.setAttributes({
        [A.ATTR_GEN_AI_OUTPUT_MESSAGES]: JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: this.transcript }] }]),
      });
    }
    if (errorType === undefined) span.end();
    else span.fail(error, errorType);
    this.bytesSent = 0;
    this.reportedDuration = undefined;
    this.resultsEnd = 0;
    this.responseId = undefined;
    this.responseModel = undefined;
    this.transcribed = false;
    this.transcript = '';
  }

  /** Deepgram's figure first (the stream's Metadata, else the end of its last result), else the bytes sent. */
  private audioSeconds(): number | undefined {
    if (this.reportedDuration !== undefined) return this.reportedDuration;
    if (this.resultsEnd > 0) return this.resultsEnd;
    const rate = bytesPerSecond(this.format);
    return rate !== undefined && this.bytesSent > 0 ? this.bytesSent / rate : undefined;
  }
}

/** The model of a Metadata message when exactly one served the stream (`model_info[id].arch`). */
function singleModel(metadata: Json): string | undefined {
  const info = obj(metadata.model_info);
  if (!info) return undefined;
  const names = new Set<string>();
  for (const entry of Object.values(info)) {
    const name = str(obj(entry)?.arch) ?? str(obj(entry)?.name);
    if (name) names.add(name);
  }
  return names.size === 1 ? [...names][0] : undefined;
}
