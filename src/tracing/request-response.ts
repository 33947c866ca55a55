/**
 * The wrapper for simple request/response vendor SDKs (one call, one promise of a result: speech
 * vendors' REST APIs such as Deepgram's pre-recorded transcription or ElevenLabs' text-to-speech).
 *
 * The instrumentation says how a call starts (its span) and what its result means (`settle`,
 * which ends the span now, or later when a body it observes is read); the wrapper does the rest,
 * the same way for every vendor: the SDK method runs exactly once whatever telemetry does, its
 * value and its error reach the caller unchanged, a synchronous throw fails the span, and every
 * telemetry failure is counted under the instrumentation's component.
 *
 * Also here: what Fern-generated SDKs (Deepgram, ElevenLabs) have in common, their base URL.
 */
import { swallow } from '../internal/errors';
import type { GenAiSpan } from './genai-span';
import { isThenable, serverOf, type Server } from './values';

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

export interface RequestResponseCall {
  /** The span of a call (`self`: the SDK object the method is called on), or undefined to run it untraced. */
  start(self: unknown, args: unknown[]): GenAiSpan | undefined;
  /**
   * The call's result arrived: record it and end the span (now, or when a body or stream it
   * observes ends). Returns what the caller gets in its place (an observed equivalent of a
   * stream), or undefined for the result itself.
   */
  settle(span: GenAiSpan, result: unknown, args: unknown[]): unknown;
  /**
   * True when the call must run inside the span's context even outside any active one: another
   * instrumentation's wrapper is nested under ours (see call-scope.ts), so that its span is a
   * child of ours in the trace. Asked per call; default: never.
   */
  enter?(): boolean;
}

export function tracedRequestResponse(component: string, original: AnyFn, call: RequestResponseCall): AnyFn {
  return function (this: unknown, ...args: unknown[]): unknown {
    const span = swallow(component, undefined, () => call.start(this, args));
    if (span === undefined) return original.apply(this, args);
    let pending: unknown;
    try {
      pending = span.call(original, this, args, call.enter?.() === true);
    } catch (error) {
      swallow(component, undefined, () => span.fail(error));
      throw error;
    }
    if (!isThenable(pending)) {
      swallow(component, undefined, () => span.end());
      return pending;
    }
    return pending.then(
      (result) => swallow(component, result, () => call.settle(span, result, args) ?? result),
      (error: unknown) => {
        swallow(component, undefined, () => span.fail(error));
        throw error;
      },
    );
  };
}

/** A Fern-generated resource client: its options name the server. */
export interface FernClient {
  _options?: { baseUrl?: unknown; environment?: unknown };
}

/** A class whose prototype methods are patched. */
export interface SdkClass {
  prototype: Record<string, unknown>;
}

/**
 * The server a Fern-generated client talks to: `_options.baseUrl`, else `_options.environment`
 * (a URL, or an object whose `base` is one), else the vendor's default.
 */
export function fernServer(options: FernClient['_options'], defaultBaseUrl: string): Server {
  if (options?.baseUrl !== undefined && options.baseUrl !== null) return serverOf(options.baseUrl);
  const env = options?.environment;
  if (env !== undefined && env !== null) return serverOf(typeof env === 'object' ? (env as { base?: unknown }).base : env);
  return serverOf(defaultBaseUrl);
}
