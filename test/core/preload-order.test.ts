/**
 * Issue 16 and issue 10 (cheap start): what the preload loads, and when. A probe preload placed
 * before aimeter/register (test/apps/load-probe.ts) records whether a require hook was in place
 * when `http`, `https`, the provider SDKs, undici, express or prom-client were first loaded; a
 * module loaded before the hooks is never patched for a framework that holds it (no SERVER span).
 */
import { INSTRUMENTATION_NAMES } from '../../src/config/env';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { ProbeReport } from '../apps/load-probe';
import { freePort, REPO_ROOT, scrape, startChildApp } from '../helpers/child-app';

const APPS = path.join(REPO_ROOT, 'dist', 'test', 'apps');
const PROBE = path.join(APPS, 'load-probe.js');
/** The same preload from tsc's separate files (bench/startup/unbundled-register.ts), not the bundle. */
const UNBUNDLED = path.join(REPO_ROOT, 'dist', 'bench', 'startup', 'unbundled-register.js');

async function runProbed(args: readonly string[], env: Record<string, string> = {}): Promise<{ main: ProbeReport; loader: ProbeReport | undefined }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'aimeter-probe-'));
  const report = path.join(dir, 'report.json');
  try {
    const port = await freePort();
    const app = await startChildApp(['--require', PROBE, ...args], {
      LOAD_PROBE_REPORT: report,
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      ...env,
    });
    if (env.OTEL_SDK_DISABLED !== 'true') assert.equal((await scrape(port)).status, 200, 'the metrics server is up');
    assert.equal(await app.stop(), 0);
    const read = (file: string) => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ProbeReport) : undefined);
    return { main: read(report)!, loader: read(`${report}.loader`) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The ESM loader hook's own library, loaded to put the hooks in place. */
const HOOK_LIBRARIES = new Set(['import-in-the-middle']);

function assertAllHooked(report: ProbeReport, mustSee: readonly string[]): void {
  for (const name of mustSee) assert.ok(name in report.firstLoads, `${name} was loaded (${JSON.stringify(report.firstLoads)})`);
  const early = Object.entries(report.firstLoads)
    .filter(([name, hooked]) => !hooked && !HOOK_LIBRARIES.has(name))
    .map(([name]) => name);
  assert.deepEqual(early, [], `loaded before the instrumentations' require hook was in place: ${early.join(', ')}`);
}

// The probe sees CommonJS loads: an ESM app's `import OpenAI from 'openai'` is import-in-the-middle's to hook.
// loaderThread: is the ESM loader hook (a thread of its own in Node 20) registered?
for (const { kind, flag, app, appLoads, loaderThread } of [
  { kind: 'CommonJS app', flag: '--require', app: 'openai-app.js', appLoads: ['openai'], loaderThread: false },
  { kind: 'ESM app', flag: '--import', app: 'openai-app.mjs', appLoads: [], loaderThread: true },
  { kind: 'ESM app (as under NODE_OPTIONS)', flag: '--require', app: 'openai-app.mjs', appLoads: [], loaderThread: true },
] as const) {
  test(`${kind}, ${flag}: nothing that must be patched is loaded before the hooks; the loader thread loads nothing`, async () => {
    const { main, loader } = await runProbed([flag, 'aimeter/register', path.join(APPS, app)]);
    // http (the metrics server, prom-client, the app's fake provider) and openai (the app) are loaded, all after the hooks.
    assertAllHooked(main, ['http', 'https', ...appLoads]);
    assert.equal(main.firstLoads.express, undefined, 'aimeter does not load express for itself');
    // Node 20 runs --require preloads again in its loader-hooks thread (later versions may not).
    if (flag === '--require' && loaderThread && process.versions.node.startsWith('20.')) assert.ok(loader, 'the probe ran in the loader-hooks thread');
    if (!loaderThread) assert.equal(loader, undefined, 'no ESM loader hook, so no loader-hooks thread, for a CommonJS app');
    if (loader !== undefined) {
      assert.equal(loader.otelLoaded, false, 'the loader-hooks thread loads no OpenTelemetry module');
      assert.ok(loader.modules < 25, `the loader-hooks thread holds ${loader.modules} modules (it must not load the graph)`);
    }
  });
}

test('OTEL_SDK_DISABLED=true: no SDK, no loader hook', async () => {
  const { main, loader } = await runProbed(['--require', 'aimeter/register', path.join(APPS, 'span-app.js')], { OTEL_SDK_DISABLED: 'true' });
  assert.equal(main.otelLoaded, true, 'the app itself loads @opentelemetry/api');
  assert.equal(main.firstLoads['import-in-the-middle'], undefined, 'no ESM loader hook');
  assert.equal(main.firstLoads.http, undefined, 'no server, no exporter');
  assert.equal(main.firstLoads['prom-client'], undefined);
  assert.equal(loader, undefined, 'no loader-hooks thread');
  assert.deepEqual(main.packages, ['@opentelemetry/api'], 'no package but the one the app loads');
});

test('start-up loads the provider instrumentations\' hooks, not their call code: that comes with the SDK', async () => {
  // Which of aimeter's instrumentation files are loaded before and after the app loads the SDKs.
  // Seen file by file in tsc's output (the shipped bundle holds them in one file, each module
  // wrapped in a function esbuild runs at its first require(), so the same require()s decide).
  const script = `
    const loaded = () => Object.keys(require.cache).filter((f) => f.includes('/dist/instrumentations/')).map((f) => f.split('/dist/instrumentations/')[1]).sort();
    const atStart = loaded();
    require('openai'); require('@anthropic-ai/sdk'); require('@google/genai');
    console.log(JSON.stringify({ atStart, afterSdks: loaded() }));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--require', UNBUNDLED, '-e', script], {
    cwd: REPO_ROOT,
    env: { ...process.env, OTEL_EXPORTER_PROMETHEUS_PORT: '0', OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1' },
    timeout: 60_000,
  });
  const { atStart, afterSdks } = JSON.parse(stdout.trim().split('\n').at(-1)!) as { atStart: string[]; afterSdks: string[] };
  // Every registered instrumentation's index (its hook), nothing else.
  const hooks = INSTRUMENTATION_NAMES.map((name) => `${name}/index.js`);
  assert.deepEqual(atStart, [...hooks, 'index.js'].sort());
  for (const file of ['openai/call.js', 'openai/stream-usage.js', 'anthropic/messages.js', 'google-genai/spans.js']) {
    assert.ok(afterSdks.includes(file), `${file} is loaded once its SDK is (${afterSdks.join(', ')})`);
  }
  assert.ok(!afterSdks.includes('deepgram/spans.js') && !afterSdks.includes('elevenlabs/spans.js'), 'an SDK the app never loads costs no call code');
});

test('the shipped preload is one file and its loader: at start only the bundle and @opentelemetry/api are required', async () => {
  // Packages loaded only when configured or used (exporters, the metrics SDK, prom-client at the
  // first scrape, zod and yaml for a user price file) stay out of the start, bundled or not.
  // import-in-the-middle too: a CommonJS app has no ES-module loader hook (esm-hook-gate.ts).
  // require('http') starts aimeter (a CommonJS app's first require(), first-use.ts).
  const script = `require('http'); console.log(JSON.stringify(Object.keys(require.cache)))`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--require', 'aimeter/register', '-e', script], {
    cwd: REPO_ROOT,
    env: { ...process.env, OTEL_EXPORTER_PROMETHEUS_PORT: '0', OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1' },
    timeout: 60_000,
  });
  const files = JSON.parse(stdout.trim().split('\n').at(-1)!) as string[];
  const ours = files.filter((f) => !f.includes(`${path.sep}node_modules${path.sep}`)).map((f) => path.relative(REPO_ROOT, f));
  assert.deepEqual(ours.sort(), ['dist/bundle/aimeter.cjs', 'dist/bundle/loader.cjs', 'dist/bundle/register.cjs']);
  const packages = new Set(files.filter((f) => f.includes('/node_modules/')).map((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)![1]!));
  assert.deepEqual([...packages].sort(), ['@opentelemetry/api']);
});
