/**
 * `aimeter watch`: the snapshot of the last --range (default 15m) redrawn in place every
 * --interval (default 5s) until Ctrl-C. A failed refresh shows its error in the frame and the
 * next one tries again: a Prometheus restart does not end the watch.
 */
import type { Context } from '../context';
import { CliError } from '../errors';
import { collectSnapshot } from '../snapshot-data';
import { parseDuration } from '../time';
import { renderSnapshot } from './snapshot';

export async function runWatch(ctx: Context, flags: { interval: string }): Promise<number> {
  if (ctx.format !== 'table') throw new CliError('watch draws a table; for json or csv run snapshot in a loop');
  if (ctx.flags.since !== undefined || ctx.flags.until !== undefined) throw new CliError('watch always ends now: give --range, not --since or --until');
  const intervalMs = parseDuration(flags.interval, '--interval') * 1000;
  const length = ctx.range.end - ctx.range.start;
  const tty = process.stdout.isTTY === true;
  let stopped = false;
  let wake: (() => void) | undefined;
  const stop = (): void => {
    stopped = true;
    wake?.();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    while (!stopped) {
      const end = Date.now() / 1000;
      let frame: string;
      try {
        frame = renderSnapshot(await collectSnapshot(ctx.client, ctx.filters, { start: end - length, end }), 'table', ctx.colors, ctx.width);
      } catch (err) {
        frame = ctx.colors.red(err instanceof CliError ? err.message : String(err));
      }
      if (stopped) break;
      const footer = ctx.colors.dim(`refreshing every ${flags.interval}; Ctrl-C to stop`);
      // On a terminal: cursor home and clear, so the frame is redrawn in place.
      ctx.out(`${tty ? '\u001b[H\u001b[2J' : '\n'}${frame}\n${footer}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
  return 0;
}
