/**
 * A real Prometheus holding the known data of dataset.ts in each naming of the GenAI conventions
 * (backfilled with promtool into a fresh TSDB, each naming at its own time), and the real
 * command line run as a child process (dist/src/cli/main.js).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PrometheusProcess, startPrometheus } from '../observability/prometheus-process';
import { inRepo, run } from '../observability/support';
import { DAY, DAYS, NAMINGS, OFFSETS, openMetrics } from './dataset';

export const CLI = inRepo('dist', 'src', 'cli', 'main.js');

export interface KnownPrometheus {
  readonly prometheus: PrometheusProcess;
  /** The end of the v1.41 data: the last UTC midnight (seconds); each naming's is `end - OFFSETS[naming]`. */
  readonly end: number;
  stop(): Promise<void>;
}

export async function startKnownPrometheus(prometheusBin: string, promtoolBin: string): Promise<KnownPrometheus> {
  // The data ends at the last UTC midnight: recent enough for the default retention, whole days.
  const end = Math.floor(Date.now() / 1000 / DAY) * DAY;
  const dir = mkdtempSync(join(tmpdir(), 'aimeter-cli-tsdb-'));
  // One promtool run per naming: promtool reads its whole input once per block of the span, so one
  // file spanning all three would be read hundreds of times; blocks of up to 3 days (54 h: two
  // reads of each file instead of 37 two-hour blocks) make the backfill about 7 times faster.
  for (const naming of NAMINGS) {
    const file = join(dir, `${naming}.om`);
    writeFileSync(file, openMetrics(end - OFFSETS[naming], naming));
    run(promtoolBin, ['tsdb', 'create-blocks-from', 'openmetrics', `--max-block-duration=${DAYS * 24}h`, file, join(dir, 'tsdb')]);
  }
  // Retention counts back from the newest block: the oldest naming's data must stay.
  const prometheus = await startPrometheus(prometheusBin, {}, [`--storage.tsdb.path=${join(dir, 'tsdb')}`, '--storage.tsdb.retention.time=400d']);
  return {
    prometheus,
    end,
    async stop() {
      await prometheus.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `aimeter ...args` with a clean environment (no NO_COLOR or AIMETER_* from the caller). */
export function cli(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export const iso = (seconds: number): string => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
