/**
 * AWS Bedrock Runtime (`@aws-sdk/client-bedrock-runtime` 3.x): Converse, ConverseStream,
 * InvokeModel and InvokeModelWithResponseStream.
 *
 * Target: every AWS SDK v3 call goes through `client.send(command)` (the aggregated
 * `BedrockRuntime` client's `converse()` etc. call it too), so aimeter wraps
 * `BedrockRuntimeClient.prototype.send` once and dispatches on the command's class; any other
 * command passes through untouched. `send` is inherited from the SDK's shared base client: the
 * kit's patcher wraps it on the Bedrock client's prototype and calls the base class's current
 * `send`, so a patch of the base client (contrib's aws-sdk instrumentation) still runs, in either
 * load order; while one is there, the call runs in aimeter's span's context, so that contrib's
 * span is its child (counted once by the processor). Callback-style `send(command, cb)` is not traced.
 *
 * One span per call: `chat {modelId}` (InvokeModel: `text_completion` for a prompt body,
 * `embeddings` for an embedding model), provider `aws.bedrock`, usage incl. cache reads and
 * writes (converse.ts, invoke.ts), the stream observed in place on the SDK's own output object
 * (time to first chunk, chunk count, the final usage). Built on the kit (docs/instrumentations/adding.md).
 * See docs/instrumentations/bedrock.md.
 */
import type { Attributes, Tracer } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { runtimeSettings } from '../../src/config/runtime';
import * as A from '../../src/semconv/attributes';
import { Operation } from '../../src/semconv/operations';
import { Provider } from '../../src/semconv/providers';
import { isInstrumentationWrapper } from '../../src/tracing/call-scope';
import { defineInstrumentation, KitInstrumentation } from '../../src/tracing/define';
import { GenAiSpan } from '../../src/tracing/genai-span';
import { tracedRequestResponse } from '../../src/tracing/request-response';
import { observeAsyncIterator, observeStreamInPlace } from '../../src/tracing/stream-observer';
import { isAsyncIterable, obj, str, type Json } from '../../src/tracing/values';
import { converseInputContent, converseRequestAttributes, ConverseStreamState, outputMessages, recordConverse } from './converse';
import { invokeInputContent, invokeOperation, invokeOutputContent, invokeRequestAttributes, InvokeStreamState, jsonBody, recordInvoke } from './invoke';
import { clientServer } from './server';

export const BEDROCK = defineInstrumentation({ name: 'bedrock' });
export const BEDROCK_INSTRUMENTATION_NAME = BEDROCK.name;

const MODULE = '@aws-sdk/client-bedrock-runtime';
const SUPPORTED = ['>=3.0.0 <4'];

type Kind = 'converse' | 'converse-stream' | 'invoke' | 'invoke-stream';

/** The command classes traced, by their export name. */
const COMMANDS: ReadonlyArray<readonly [string, Kind]> = [
  ['ConverseCommand', 'converse'],
  ['ConverseStreamCommand', 'converse-stream'],
  ['InvokeModelCommand', 'invoke'],
  ['InvokeModelWithResponseStreamCommand', 'invoke-stream'],
];

interface CommandLike {
  input?: unknown;
}

export class BedrockInstrumentation extends KitInstrumentation {
  /** Command class -> kind, per loaded copy of the SDK. */
  private readonly kinds = new WeakMap<object, Kind>();

  constructor(config: InstrumentationConfig = {}) {
    super(BEDROCK, config);
  }

  protected init() {
    return [this.entryModule(MODULE, SUPPORTED)];
  }

  protected override patchExports(exports: unknown): void {
    const e = obj(exports);
    for (const [name, kind] of COMMANDS) {
      const cls: unknown = e?.[name];
      if (typeof cls === 'function') this.kinds.set(cls, kind);
    }
    const tracer = () => this.tracer;
    const prototype = clientPrototype(exports);
    // The base client's send as it is now: a contrib wrapper there wants its span parented by ours.
    const base: unknown = prototype ? Object.getPrototypeOf(prototype) : undefined;
    const baseSendWrapped = (): boolean => base !== null && typeof base === 'object' && isInstrumentationWrapper((base as { send?: unknown }).send);
    const kindOf = (command: unknown): Kind | undefined => (command !== null && typeof command === 'object' ? this.kinds.get(command.constructor) : undefined);
    this.patcher.wrap(prototype, 'send', (original) =>
      tracedRequestResponse(this.component, original, {
        start: (self, args) => {
          const kind = kindOf(args[0]);
          // Callback style (send(command, cb) / send(command, options, cb)) returns nothing to observe.
          if (kind === undefined || typeof args[1] === 'function' || typeof args[2] === 'function') return undefined;
          const input = obj((args[0] as CommandLike).input);
          return startSpan(tracer(), self, input, kind, (error) => this.internalError(error));
        },
        settle: (span, result, args) => settle(span, obj(result), kindOf(args[0])),
        enter: baseSendWrapped,
      }),
    );
  }

  protected override unpatchExports(exports: unknown): void {
    this.patcher.unwrap(clientPrototype(exports), 'send');
  }
}

function clientPrototype(exports: unknown): object | undefined {
  const cls: unknown = obj(exports)?.BedrockRuntimeClient;
  return typeof cls === 'function' ? (cls as { prototype?: object }).prototype : undefined;
}

function startSpan(tracer: Tracer, client: unknown, input: Json | undefined, kind: Kind, onError: (e: unknown) => void): GenAiSpan {
  const modelId = str(input?.modelId);
  const converse = kind === 'converse' || kind === 'converse-stream';
  const request = converse ? undefined : jsonBody(input?.body);
  let attributes: Attributes = converse ? converseRequestAttributes(input) : invokeRequestAttributes(request);
  if (runtimeSettings().captureMessageContent) attributes = { ...attributes, ...(converse ? converseInputContent(input) : invokeInputContent(request)) };
  // The server may be resolved after the span starts (server.ts): it reads the span from here.
  const started: { span?: GenAiSpan } = {};
  const server = clientServer(client, () => started.span, onError);
  const span = GenAiSpan.start(tracer, {
    operation: converse ? Operation.Chat : invokeOperation(modelId, request),
    provider: Provider.AwsBedrock,
    requestModel: modelId,
    serverAddress: server?.address,
    serverPort: server?.port,
    stream: kind === 'converse-stream' || kind === 'invoke-stream',
    attributes,
  });
  started.span = span;
  return span;
}

function settle(span: GenAiSpan, output: Json | undefined, kind: Kind | undefined): unknown {
  const capture = runtimeSettings().captureMessageContent;
  switch (kind) {
    case 'converse':
      recordConverse(span, output);
      if (capture) span.setAttributes(outputMessages(obj(obj(output?.output)?.message)?.content, str(output?.stopReason)));
      break;
    case 'invoke': {
      const body = jsonBody(output?.body);
      recordInvoke(span, body);
      if (capture && body) span.setAttributes(outputMessages(invokeOutputContent(body), undefined));
      break;
    }
    case 'converse-stream':
      return observeOutputStream(span, output, 'stream', new ConverseStreamState(capture));
    case 'invoke-stream':
      return observeOutputStream(span, output, 'body', new InvokeStreamState(capture));
  }
  span.end();
  return undefined;
}

interface StreamStateLike {
  onEvent(event: unknown): boolean;
  record(span: GenAiSpan): void;
  text(): string | undefined;
}

/**
 * The SDK's output object keeps its event stream in `stream` (ConverseStream) or `body`
 * (InvokeModelWithResponseStream): that very object is observed in place, so the caller gets the
 * SDK's own output and stream, the same events in the same order and the same errors (an
 * exception event is thrown by the SDK's iterator and passes through).
 */
function observeOutputStream(span: GenAiSpan, output: Json | undefined, key: 'stream' | 'body', state: StreamStateLike): undefined {
  const stream: unknown = output?.[key];
  const observed =
    isAsyncIterable(stream) &&
    observeStreamInPlace(stream as object, (inner) =>
      observeAsyncIterator(inner, {
        onChunk(event) {
          if (state.onEvent(event)) span.chunk();
        },
        onEnd({ error, abandoned }) {
          state.record(span);
          const text = state.text();
          if (text !== undefined) span.setAttributes(outputMessages([{ text }], undefined));
          if (abandoned) span.setAttributes({ [A.ATTR_AIMETER_RESPONSE_ABANDONED]: true });
          if (error !== undefined) span.fail(error);
          else span.end();
        },
      }),
    );
  if (!observed) span.end();
  return undefined;
}
