/** Runs an app in a child process (e.g. under the aimeter preload) and waits for its "ready" line. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export interface ChildApp {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Closes stdin (apps exit on it) and waits for the exit code; SIGKILL after `killAfterMs`. */
  stop(): Promise<number | null>;
}

export interface StartOptions {
  /** The line on stdout that says the app is ready; '' to return at once. */
  readyLine?: string;
  timeoutMs?: number;
  cwd?: string;
  killAfterMs?: number;
}

/**
 * Writes `source` to a file named `file` in a temporary directory (a file, not -e, which requires
 * `module` itself) and runs it with `nodeArgs` before it (preload flags), /metrics on a free port;
 * its last stdout line, parsed as JSON.
 */
export function runFileWith(nodeArgs: readonly string[], source: string, file = 'app.js'): Record<string, unknown> {
  const dir = mkdtempSync(path.join(tmpdir(), 'aimeter-run-'));
  try {
    writeFileSync(path.join(dir, file), source);
    const out = execFileSync(process.execPath, [...nodeArgs, path.join(dir, file)], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, NODE_OPTIONS: '', OTEL_EXPORTER_PROMETHEUS_PORT: '0', OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1' },
    });
    return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a Node app (`node <args>`) in a child process until its ready line. */
export function startChildApp(args: readonly string[], env: Record<string, string | undefined>, options: StartOptions = {}): Promise<ChildApp> {
  return startCommand(process.execPath, args, env, { timeoutMs: 20_000, ...options });
}

/** Runs any command (node, npm, npx, pm2) in a child process until its ready line. */
export async function startCommand(
  command: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
  { readyLine = 'ready', timeoutMs = 60_000, cwd = REPO_ROOT, killAfterMs = 5000 }: StartOptions = {},
): Promise<ChildApp> {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  if (readyLine !== '') {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        // Killed: a child nobody can stop would keep the test process alive.
        child.kill('SIGKILL');
        reject(new Error(`${command} did not print "${readyLine}" in ${timeoutMs} ms; stdout: ${out}; stderr: ${err}`));
      }, timeoutMs);
      const check = () => {
        if (out.split(/\r?\n/).includes(readyLine)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', check);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${command} exited (${code}) before "${readyLine}"; stdout: ${out}; stderr: ${err}`));
      });
    });
  }
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    stop: async () => {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** A TCP port that was free a moment ago, on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** GETs a path of the app's metrics server, retrying while the server is still starting (up to `waitMs`). */
export async function scrape(
  port: number,
  pathName = '/metrics',
  { waitMs = 10_000, headers = {} as Record<string, string> } = {},
): Promise<{ status: number; type: string; body: string }> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}${pathName}`, { headers });
      return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
