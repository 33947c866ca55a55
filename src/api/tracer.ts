/**
 * The manual API's tracer, fetched from the global provider at every call so that whatever
 * provider is registered at call time (NodeSDK, aimeter's start(), a test setup) is used.
 */
import { trace, type Tracer } from '@opentelemetry/api';

export const TRACER_NAME = 'aimeter';

let version: string | undefined;

/** aimeter's package version (from package.json), 'unknown' when it cannot be read. */
export function aimeterVersion(): string {
  if (version === undefined) {
    try {
      // dist/src/api/tracer.js -> package root.
      const pkg = require('../../../package.json') as { name?: unknown; version?: unknown };
      version = pkg.name === 'aimeter' && typeof pkg.version === 'string' ? pkg.version : 'unknown';
    } catch {
      version = 'unknown';
    }
  }
  return version;
}

export function manualTracer(): Tracer {
  return trace.getTracer(TRACER_NAME, aimeterVersion());
}
