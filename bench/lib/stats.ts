/**
 * Small helpers shared by the benchmark parts: statistics, CPU timing, and the child-process
 * protocol (each part runs in its own process and sends one JSON result over IPC).
 */
import { fork } from 'node:child_process';

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** CPU microseconds (user + system) of this process since `since`. */
export function cpuMicros(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return d.user + d.system;
}

/**
 * Runs `fn` `iterations` times and returns CPU microseconds per iteration. `fn` gets the
 * iteration index. A warm-up of a tenth of the iterations runs first (JIT, inline caches).
 */
export function cpuPerOp(iterations: number, fn: (i: number) => void): number {
  const warm = Math.max(1, Math.floor(iterations / 10));
  for (let i = 0; i < warm; i++) fn(i);
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) fn(i);
  return cpuMicros(start) / iterations;
}

/** Wall milliseconds of one synchronous run of `fn`. */
export function wallMs(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

/**
 * Watches the event loop: a timer re-armed every millisecond notes how late each turn comes.
 * `maxGapSince(t)` is the longest gap that ended after time `t` (performance.now() clock), i.e.
 * the longest the loop was blocked during a window that started at `t`.
 */
export class LoopGapMonitor {
  private last = performance.now();
  private timer: NodeJS.Timeout | undefined;
  /** [end time, gap] of every gap above 2 ms. */
  private readonly gaps: Array<[number, number]> = [];

  start(): this {
    this.last = performance.now();
    const tick = (): void => {
      const now = performance.now();
      const gap = now - this.last;
      if (gap > 2) this.gaps.push([now, gap]);
      this.last = now;
      this.timer = setTimeout(tick, 1);
    };
    this.timer = setTimeout(tick, 1);
    return this;
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  maxGapSince(since: number): number {
    let max = 0;
    for (const [end, gap] of this.gaps) if (end > since && gap > max) max = gap;
    return max;
  }
}

// --- child-process protocol ---------------------------------------------------------------------

/** In a bench part: send the result to the parent (or print it when run by hand) and exit. */
export function report(result: unknown): void {
  if (process.send) {
    process.send({ result }, () => process.exit(0));
  } else {
    console.log(JSON.stringify(result, null, 2));
    process.exit(0);
  }
}

/** In a bench part: run main, report its result, and turn failures into an error message. */
export function runPart(main: () => Promise<unknown>): void {
  main().then(report, (error: unknown) => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    if (process.send) process.send({ error: message }, () => process.exit(1));
    else {
      console.error(message);
      process.exit(1);
    }
  });
}

export interface ForkOptions {
  readonly execArgv?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

/** In the runner: fork a part and wait for its result. */
export function runChild<T>(modulePath: string, args: readonly string[] = [], options: ForkOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = fork(modulePath, [...args], {
      execArgv: [...(options.execArgv ?? [])],
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`${modulePath} ${args.join(' ')} timed out`));
    }, options.timeoutMs ?? 120_000);
    child.on('message', (message: { result?: T; error?: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (message.error !== undefined) reject(new Error(message.error));
      else resolve(message.result as T);
    });
    child.on('exit', (code) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`${modulePath} ${args.join(' ')} exited with ${code} before reporting`));
    });
  });
}
