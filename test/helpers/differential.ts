/**
 * The differential check of a provider instrumentation: each run once with the instrumentation
 * disabled (as if aimeter were absent) and once enabled; what the caller observes must be the
 * same, and the enabled run must be traced exactly once.
 */
import assert from 'node:assert/strict';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { TestTelemetry } from './telemetry';

export async function assertSameWithAndWithout(options: {
  instrumentation: Instrumentation;
  telemetry: TestTelemetry;
  runs: Record<string, () => Promise<unknown>>;
  /** What the caller observes of a run, in a form deepEqual compares across runs. */
  observe: (run: () => Promise<unknown>) => Promise<unknown>;
  /** Checked while the instrumentation is disabled (e.g. that the patch is really gone). */
  whileDisabled?: () => void;
}): Promise<void> {
  const { instrumentation, telemetry, runs, observe } = options;
  for (const [name, run] of Object.entries(runs)) {
    instrumentation.disable();
    options.whileDisabled?.();
    const without = await observe(run);
    instrumentation.enable();
    telemetry.exporter.reset();
    const withAimeter = await observe(run);
    assert.deepEqual(withAimeter, without, name);
    assert.equal(telemetry.exporter.getFinishedSpans().length, 1, `${name}: traced once`);
  }
}
