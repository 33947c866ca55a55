/**
 * A real Prometheus holding the known data of dataset.ts (backfilled with promtool into a fresh
 * TSDB), and the real command line run as a child process (dist/src/cli/main.js).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PrometheusProcess, startPrometheus } from '../observability/prometheus-process';
import { inRepo, run } from '../observability/support';
import { DAY, openMetrics } from './dataset';

export const CLI = inRepo('dist', 'src', 'cli', 'main.js');

export interface KnownPrometheus {
  readonly prometheus: PrometheusProcess;
  /** The end of the data: the last UTC midnight (seconds). */
  readonly end: number;
  stop(): Promise<void>;
}

export async function startKnownPrometheus(prometheusBin: string, promtoolBin: string): Promise<KnownPrometheus> {
  // The data ends at the last UTC midnight: recent enough for the default retention, whole days.
  const end = Math.floor(Date.now() / 1000 / DAY) * DAY;
  const dir = mkdtempSync(join(tmpdir(), 'aimeter-cli-tsdb-'));
  const file = join(dir, 'data.om');
  writeFileSync(file, openMetrics(end));
  run(promtoolBin, ['tsdb', 'create-blocks-from', 'openmetrics', file, join(dir, 'tsdb')]);
  const prometheus = await startPrometheus(prometheusBin, {}, [`--storage.tsdb.path=${join(dir, 'tsdb')}`]);
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
