/** The parent's side of a bench child's IPC protocol: wait for the message a step expects. */
import type { ChildProcess } from 'node:child_process';

/**
 * Resolves with `pick(message)` for the first message it accepts (not undefined); rejects on a
 * message carrying `error` or when the child exits first. Listeners are removed either way.
 */
export function nextMessage<T>(child: ChildProcess, pick: (message: any) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: any): void => {
      if (message?.error !== undefined) return done(() => reject(new Error(String(message.error))));
      const value = pick(message);
      if (value !== undefined) done(() => resolve(value));
    };
    const onExit = (code: number | null): void => done(() => reject(new Error(`child exited with ${code}`)));
    const done = (settle: () => void): void => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      settle();
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}
