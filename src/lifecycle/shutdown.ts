/**
 * Shutdown with a bound: the last spans and metric pushes get AIMETER_SHUTDOWN_TIMEOUT (1 s by
 * default) to reach the collector, then aimeter lets go so that the application exits on time.
 * A failure or a time-out is one line on stderr, never a stack: at exit, a collector that is
 * down is an operational fact, not a bug in aimeter.
 */
import { warn } from '../internal/log';

export interface ShutdownStep {
  /** What the step delivers, for the message when it fails or times out ("spans and metrics to the OTLP endpoint"). */
  readonly what: string;
  run(): Promise<void>;
  /** Why it may be slow or failing, when known ("last error: connect ECONNREFUSED ..."). */
  detail?(): string | undefined;
}

export type ShutdownOutcome = 'done' | 'timeout';

/** Runs the steps side by side; resolves when all are done or after `timeoutMs`, never rejects. */
export async function boundedShutdown(steps: readonly ShutdownStep[], timeoutMs: number, onTimeout: () => void = () => undefined): Promise<ShutdownOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    // Ref'd on purpose: this timer is what keeps a finishing process alive for the flush.
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const pending = new Set(steps);
  const failures: string[] = [];
  const all = Promise.all(
    steps.map((step) =>
      Promise.resolve()
        .then(() => step.run())
        .catch((error: unknown) => {
          failures.push(`${step.what}: ${firstLine(error)}`);
        })
        .finally(() => pending.delete(step)),
    ),
  );
  const outcome = await Promise.race([all.then(() => 'done' as const), deadline]);
  clearTimeout(timer);
  if (failures.length > 0) warn(`aimeter: at shutdown, could not deliver ${failures.join('; ')}.`);
  if (outcome === 'timeout') {
    onTimeout();
    const what = [...pending].map((step) => step.what + withDetail(step)).join(', ');
    warn(
      `aimeter: at shutdown, ${what} still not delivered after ${timeoutMs} ms; giving up so that the application can exit ` +
        '(AIMETER_SHUTDOWN_TIMEOUT sets the wait).',
    );
  }
  return outcome;
}

function withDetail(step: ShutdownStep): string {
  const detail = step.detail?.();
  return detail ? ` (${detail})` : '';
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  const line = text.split('\n', 1)[0]!.trim();
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}
