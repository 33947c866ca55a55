/**
 * When aimeter flushes on its own, and what it says when it cannot.
 *
 * - The app simply runs out of work ('beforeExit'): flush, bounded; past the bound the process
 *   ends as it was about to.
 * - SIGTERM / SIGINT with no handler of the app's: flush, bounded, then the signal is raised
 *   again with Node's default action, so the process still dies of it (exit code 128 + n).
 *   With a handler of the app's, the app owns the exit (it may drain for a while, still making
 *   calls): telemetry stays on, and the documented `await shutdown()` flushes it.
 * - process.exit() or an uncaught exception end the process synchronously: nothing can be sent
 *   then, so if spans or metrics are still waiting, one line names them and the call that
 *   would have delivered them.
 */
import { warn } from '../internal/log';
import type { ShutdownOutcome } from './shutdown';

const FLUSH_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export interface ExitHooks {
  uninstall(): void;
}

export function installExitHooks(
  shutdown: () => Promise<ShutdownOutcome>,
  undelivered: () => string | undefined,
  isShutDown: () => boolean,
): ExitHooks {
  const onBeforeExit = (): void =>
    void shutdown().then((outcome) => {
      // The loop was empty when 'beforeExit' fired: what runs now is aimeter's flush alone. If
      // it timed out, an exporter may still hold the loop (the gRPC client does, until its
      // deadline), so end the process as Node was about to. Not when the app listens to
      // 'beforeExit' itself: its handler may have scheduled work of its own.
      if (outcome === 'timeout' && process.listenerCount('beforeExit') === 0) process.exit();
    });
  const onSignal = (signal: NodeJS.Signals): void => {
    // An app with its own handler may keep serving (a graceful drain, a reload): telemetry
    // stays on until it calls shutdown().
    if (process.listenerCount(signal) > 1) return;
    void shutdown().then(() => {
      uninstall();
      process.kill(process.pid, signal);
    });
  };
  const onExit = (): void => {
    if (isShutDown()) return;
    const what = undelivered();
    if (what === undefined) return;
    warn(
      `aimeter: the process exited before ${what} could be delivered; ` +
        "call `await require('aimeter').shutdown()` (or `import { shutdown } from 'aimeter'`) before process.exit().",
    );
  };

  process.once('beforeExit', onBeforeExit);
  for (const signal of FLUSH_SIGNALS) process.on(signal, onSignal);
  process.once('exit', onExit);

  function uninstall(): void {
    process.off('beforeExit', onBeforeExit);
    for (const signal of FLUSH_SIGNALS) process.off(signal, onSignal);
    process.off('exit', onExit);
  }
  return { uninstall };
}
