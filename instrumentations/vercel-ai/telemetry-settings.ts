/**
 * What aimeter changes in a Vercel AI SDK call: only `experimental_telemetry`, and only what the
 * caller left unset.
 *
 * - `isEnabled` unset: turned on, so that the SDK makes its spans (it makes none by default) and
 *   the processor derives the metrics from them (src/processor/vercel-ai.ts). `isEnabled: false`
 *   is the caller's choice: the call is left exactly as it is.
 * - `recordInputs` / `recordOutputs` unset: `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`
 *   (false by default), so prompts (`ai.prompt*`), answers (`ai.response.text`, tool calls) and tool
 *   arguments and results stay off the spans unless opted in. The SDK's own default would record
 *   them whenever telemetry is on; a caller who wants that sets them to true.
 * - `tracer` unset, capture off: the SDK's own tracer with error messages kept off the spans
 *   (private-tracer.ts).
 * - everything else (`functionId`, `metadata`, the caller's `tracer`, `integrations`) is kept.
 */
import { runtimeSettings } from '../../src/config/runtime';
import { obj, type Json } from '../../src/tracing/values';
import { privateTracer } from './private-tracer';

/** The call's options with the telemetry defaults, or `options` itself when there is nothing to add. */
export function withTelemetryDefaults(options: unknown): unknown {
  const o = obj(options);
  if (o === undefined || Array.isArray(o)) return options;
  const telemetry: Json | undefined = obj(o.experimental_telemetry);
  if (telemetry?.isEnabled === false) return options;
  const capture = runtimeSettings().captureMessageContent;
  const tracer: unknown = telemetry?.tracer ?? (capture ? undefined : privateTracer);
  if (
    telemetry?.isEnabled === true &&
    typeof telemetry.recordInputs === 'boolean' &&
    typeof telemetry.recordOutputs === 'boolean' &&
    telemetry.tracer === tracer
  ) {
    return options;
  }
  return {
    ...o,
    experimental_telemetry: {
      ...telemetry,
      isEnabled: true,
      recordInputs: typeof telemetry?.recordInputs === 'boolean' ? telemetry.recordInputs : capture,
      recordOutputs: typeof telemetry?.recordOutputs === 'boolean' ? telemetry.recordOutputs : capture,
      ...(tracer === undefined ? {} : { tracer }),
    },
  };
}
