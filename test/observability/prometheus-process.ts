/**
 * A throwaway Prometheus for a test: a temp dir, a generated config scraping the given loopback
 * targets every second, extra flags (e.g. --enable-feature=exemplar-storage), and the HTTP API.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './support';

export interface PrometheusProcess {
  readonly url: string;
  /** GET an API path with query parameters; the parsed `data`, or a thrown error with Prometheus's message. */
  get<T>(path: string, params?: Record<string, string>): Promise<T>;
  output(): string;
  stop(): Promise<void>;
}

export async function startPrometheus(
  binary: string,
  jobs: Readonly<Record<string, string>>,
  flags: readonly string[] = [],
): Promise<PrometheusProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'aimeter-prometheus-'));
  const port = await freePort();
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '1s' },
    scrape_configs: Object.entries(jobs).map(([job, target]) => ({ job_name: job, static_configs: [{ targets: [target] }] })),
  };
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
  // A caller may bring its own TSDB (e.g. blocks backfilled with promtool); else a fresh one.
  const ownTsdb = flags.some((f) => f.startsWith('--storage.tsdb.path='));
  const args = [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    ...(ownTsdb ? [] : [`--storage.tsdb.path=${join(dir, 'data')}`]),
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
    ...flags,
  ];
  const child: ChildProcess = spawn(binary, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer): void => {
    log = (log + chunk.toString()).slice(-50_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const readyBy = Date.now() + 30_000;
  while (!(await fetch(`${url}/-/ready`).then((r) => r.ok, () => false))) {
    if (child.exitCode !== null || Date.now() > readyBy) {
      await stop();
      throw new Error(`prometheus did not become ready:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    url,
    async get<T>(path: string, params: Record<string, string> = {}): Promise<T> {
      const res = await fetch(`${url}${path}?${new URLSearchParams(params).toString()}`);
      const body = (await res.json()) as { status: string; data: T; error?: string };
      if (body.status !== 'success') throw new Error(`${path}: ${body.error ?? res.status}`);
      return body.data;
    },
    output: () => log,
    stop,
  };
}
