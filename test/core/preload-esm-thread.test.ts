/**
 * The ES-module hook in the app's own thread (issue 10, start-up; src/sdk/esm-hook.ts): where
 * import-in-the-middle's synchronous hooks work (Node >= 22.22.3, >= 24.11.1), `--import
 * aimeter/register` (and `--require` with an ES-module entry) starts no thread: the app's first
 * line sees as many threads as under bare node, and `import OpenAI from 'openai'` is still
 * counted on /metrics. On Node 20 the same count shows the loader-hooks thread module.register()
 * starts (the measure can fail). Node 22 and 24 come from `npx -y node@<major>`; a major that
 * cannot be fetched is skipped with the reason. Threads are read from /proc (Linux only).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { parseExposition, sum } from '../helpers/exposition';
import { freePort, REPO_ROOT } from '../helpers/child-app';
import { resolveRuntime, type Runtime } from '../compat/runtimes';

const APP = path.join(REPO_ROOT, 'dist', 'test', 'apps', 'esm-thread', 'main.mjs');
const MAJORS = [20, 22, 24] as const;
const runtimes = new Map<number, Promise<Runtime>>();
before(() => {
  for (const major of MAJORS) runtimes.set(major, resolveRuntime(major));
});

interface Probe {
  readonly threadsAtFirstLine: number;
  readonly syncHooks: boolean;
  readonly version: string;
  readonly metrics: string;
}

async function probe(execPath: string, preload: readonly string[], env: Record<string, string> = {}): Promise<Probe> {
  const port = String(await freePort());
  return new Promise((resolve, reject) => {
    execFile(
      execPath,
      [...preload, APP],
      { cwd: REPO_ROOT, timeout: 60_000, env: { ...process.env, NODE_OPTIONS: '', OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1', OTEL_EXPORTER_PROMETHEUS_PORT: preload.length ? port : '', ...env } },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`${execPath} ${preload.join(' ')}: ${error.message}\n${stderr}`));
        resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as Probe);
      },
    );
  });
}

const LABELS = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o-mini' };

for (const major of MAJORS) {
  test(`Node ${major}: the ES-module hook runs in the app's thread where Node allows it, and ESM openai is counted`, async (t) => {
    if (process.platform !== 'linux' || !existsSync('/proc/self/status')) return t.skip('threads are read from /proc/self/status (Linux only)');
    const runtime = await runtimes.get(major)!;
    if ('skip' in runtime) return t.skip(runtime.skip);
    const bare = await probe(runtime.execPath, []);
    t.diagnostic(`${bare.version}: ${bare.threadsAtFirstLine} threads bare; in-thread hooks ${bare.syncHooks ? 'supported' : 'not supported'}`);
    for (const preload of [
      ['--import', 'aimeter/register'],
      ['--require', 'aimeter/register'], // an ES-module entry: the preload registers the same hook
    ]) {
      const run = await probe(runtime.execPath, preload);
      const extra = run.threadsAtFirstLine - bare.threadsAtFirstLine;
      assert.equal(extra, bare.syncHooks ? 0 : 1, `${preload.join(' ')} on ${run.version}: ${extra} thread(s) more than bare node at the app's first line`);
      assert.equal(sum(parseExposition(run.metrics), 'gen_ai_client_operation_duration_seconds_count', LABELS), 1, `${preload.join(' ')}: the ESM openai call on /metrics`);
    }
  });
}
