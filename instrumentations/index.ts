/**
 * The provider-SDK instrumentations aimeter registers by default. Each lives in its own folder
 * (instrumentations/<sdk>/) and is built on @opentelemetry/instrumentation's InstrumentationBase.
 */
import type { Instrumentation } from '@opentelemetry/instrumentation';

export interface InstrumentationEntry {
  /** Short name, as used in OTEL_NODE_DISABLED_INSTRUMENTATIONS. */
  readonly name: string;
  create(): Instrumentation;
}

export const INSTRUMENTATIONS: readonly InstrumentationEntry[] = [];

export function createInstrumentations(disabled: ReadonlySet<string> = new Set()): Instrumentation[] {
  return INSTRUMENTATIONS.filter((entry) => !disabled.has(entry.name)).map((entry) => entry.create());
}
