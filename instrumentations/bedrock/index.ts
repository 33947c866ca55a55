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
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { isInstrumentationWrapper } from '../../src/tracing/call-scope';
import { defineInstrumentation, KitInstrumentation } from '../../src/tracing/define';
import { tracedRequestResponse } from '../../src/tracing/request-response';
import { obj } from '../../src/tracing/values';
import type { Kind } from './calls';

export const BEDROCK = defineInstrumentation({ name: 'bedrock' });
export const BEDROCK_INSTRUMENTATION_NAME = BEDROCK.name;

const MODULE = '@aws-sdk/client-bedrock-runtime';
/** From the package's first release, 3.422.0, which the oldest SDK cell runs (test/compat/cells.ts). */
const SUPPORTED = ['>=3.422.0 <4'];

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

/** The call code, loaded with the SDK (the first patchExports): start-up loads the hook alone. */
let calls: typeof import('./calls') | undefined;
function loadCalls(): typeof import('./calls') {
  return (calls ??= require('./calls') as typeof import('./calls'));
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
    const code = loadCalls();
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
          return code.startSpan(tracer(), self, input, kind, (error) => this.internalError(error));
        },
        settle: (span, result, args) => code.settle(span, obj(result), kindOf(args[0])),
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
