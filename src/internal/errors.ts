/**
 * Telemetry must never break the host application: every entry point from user code into
 * aimeter goes through `swallow`, which catches, counts (aimeter_internal_errors_total) and
 * warns once per component.
 */
import { warnOnce } from './log';

const counts = new Map<string, number>();

export function recordInternalError(component: string, error: unknown): void {
  counts.set(component, (counts.get(component) ?? 0) + 1);
  warnOnce(`internal-error:${component}`, `aimeter: internal error in ${component} (telemetry only, the application is unaffected): ${describe(error)}`);
}

/** Snapshot of swallowed errors per component, for the self-metric. */
export function internalErrorCounts(): ReadonlyMap<string, number> {
  return counts;
}

/** Run `fn`; on exception return `fallback` and count the error. */
export function swallow<T>(component: string, fallback: T, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    recordInternalError(component, error);
    return fallback;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
