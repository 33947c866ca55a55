/**
 * Method decorators over the trace* wrappers. Each works both as a TypeScript 5 standard
 * decorator `(value, context)` and as a legacy `experimentalDecorators` one
 * `(target, key, descriptor)`; which one is told by the arguments. `this` and the arguments
 * reach the method unchanged; the method does not receive the call handle (use
 * `activeCall()` inside it, or the usageFromResult / usageFromChunk options).
 *
 * Options may be a function of the call's arguments (called with the instance as `this`):
 *   @tool((city: string) => ({ name: 'weather', arguments: { city } }))
 */
import { swallow } from '../internal/errors';
import {
  traceAgent,
  traceLlm,
  traceSpeechToText,
  traceTextToSpeech,
  traceTool,
  type AgentOptions,
  type LlmOptions,
  type SpeechToTextOptions,
  type TextToSpeechOptions,
  type ToolOptions,
} from './trace';

const COMPONENT = 'manual-api';

type AnyMethod = (this: any, ...args: any[]) => any;

/** Static options, or options computed from the call (`this` is the instance). */
export type DecoratorOptions<O> = O | ((this: any, ...args: any[]) => O);

/** A method decorator usable with standard (TS 5) and legacy (experimentalDecorators) decorators. */
export interface AimeterMethodDecorator {
  <M extends AnyMethod>(value: M, context: ClassMethodDecoratorContext): M;
  <D extends TypedPropertyDescriptor<any>>(target: object, key: string | symbol, descriptor: D): D;
}

type Tracer<O> = (options: O, fn: () => unknown) => unknown;

function makeDecorator<O>(options: DecoratorOptions<O>, traceFn: Tracer<O>, defaults?: (args: unknown[]) => Partial<O>): AimeterMethodDecorator {
  const wrap = (original: AnyMethod): AnyMethod => {
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      const resolved = swallow(COMPONENT, undefined, () => {
        const base = typeof options === 'function' ? (options as (...a: unknown[]) => O).apply(this, args) : options;
        return defaults ? ({ ...defaults(args), ...base } as O) : base;
      });
      if (resolved === undefined || resolved === null) return original.apply(this, args);
      return traceFn(resolved, () => original.apply(this, args));
    };
    swallow(COMPONENT, undefined, () => {
      Object.defineProperty(wrapped, 'name', { value: original.name, configurable: true });
      Object.defineProperty(wrapped, 'length', { value: original.length, configurable: true });
    });
    return wrapped;
  };
  function decorator(a: unknown, b: unknown, c?: unknown): unknown {
    if (isStandardContext(b)) {
      // TS 5 / TC39 decorators: (method, context) -> replacement method.
      return b.kind === 'method' && typeof a === 'function' ? wrap(a as AnyMethod) : undefined;
    }
    // Legacy decorators: (prototype, key, descriptor) -> descriptor.
    const descriptor = c as PropertyDescriptor | undefined;
    if (descriptor && typeof descriptor.value === 'function') {
      return { ...descriptor, value: wrap(descriptor.value as AnyMethod) };
    }
    return descriptor;
  }
  return decorator as AimeterMethodDecorator;
}

function isStandardContext(value: unknown): value is { kind: string } {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string';
}

/** Traces every call of the method as a model call (see traceLlm). */
export function llm(options: DecoratorOptions<LlmOptions>): AimeterMethodDecorator {
  return makeDecorator(options, (o, fn) => traceLlm(o, fn));
}

/** Traces every call of the method as an agent run (see traceAgent). */
export function agent(options: DecoratorOptions<AgentOptions>): AimeterMethodDecorator {
  return makeDecorator(options, (o, fn) => traceAgent(o, fn));
}

/**
 * Traces every call of the method as a tool execution (see traceTool). Without an `arguments`
 * option the method's arguments are recorded (only when message content capture is on).
 */
export function tool(options: DecoratorOptions<ToolOptions>): AimeterMethodDecorator {
  return makeDecorator(options, (o, fn) => traceTool(o, fn), (args) => ({
    arguments: args.length === 1 ? args[0] : args,
  }));
}

/** Traces every call of the method as a speech-to-text call (see traceSpeechToText). */
export function speechToText(options: DecoratorOptions<SpeechToTextOptions>): AimeterMethodDecorator {
  return makeDecorator(options, (o, fn) => traceSpeechToText(o, fn));
}

/** Traces every call of the method as a text-to-speech call (see traceTextToSpeech). */
export function textToSpeech(options: DecoratorOptions<TextToSpeechOptions>): AimeterMethodDecorator {
  return makeDecorator(options, (o, fn) => traceTextToSpeech(o, fn));
}
