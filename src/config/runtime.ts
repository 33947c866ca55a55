/**
 * Settings read on hot paths (instrumentations, manual API): resolved once, from the
 * environment by default, or set by start() from the programmatic options.
 */
import { environmentConfig } from './env';
import type { Conventions } from '../semconv/conventions';

export interface RuntimeSettings {
  /** Record prompts, completions, tool arguments and results (opt-in). */
  captureMessageContent: boolean;
  /** Ask OpenAI chat streams for usage when the caller did not (opt-in). */
  openaiStreamUsage: boolean;
  /** Send trace context to AI provider hosts too (opt-in; see src/privacy/trace-context.ts). */
  propagateTraceContextToGenAi: boolean;
  /** The GenAI conventions emitted (OTEL_SEMCONV_STABILITY_OPT_IN; src/semconv/conventions.ts). */
  conventions: Conventions;
}

let current: RuntimeSettings | undefined;

export function runtimeSettings(): RuntimeSettings {
  if (current === undefined) {
    const { config } = environmentConfig();
    current = {
      captureMessageContent: config.captureMessageContent,
      openaiStreamUsage: config.openaiStreamUsage,
      propagateTraceContextToGenAi: config.propagateTraceContextToGenAi,
      conventions: config.genAiConventions,
    };
  }
  return current;
}

export function setRuntimeSettings(next: Partial<RuntimeSettings>): void {
  current = { ...runtimeSettings(), ...next };
}
