/**
 * The package as a user gets it. A copy of the checkout (no dist/) is packed with `npm pack`
 * (the prepack build), the tarball's contents are checked against what the README promises,
 * and it is installed from the npm registry into a fresh app beside @opentelemetry/api 1.9.x and
 * openai; that app then makes a real openai call to a loopback fake provider under
 * `--require aimeter/register` and `--import aimeter/register`, and /metrics must count it.
 * Slow (a build and an npm install): about a minute or two.
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startFakeOpenAI, type FakeOpenAI } from '../../examples/fake-provider/openai';
import { freePort, REPO_ROOT, scrape, startChildApp } from '../helpers/child-app';
import { parseExposition, sum } from '../helpers/exposition';

const APP_SOURCES = path.join(REPO_ROOT, 'test', 'package', 'app');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const QUIET = ['--no-audit', '--no-fund', '--loglevel=error'];

let work: string;
let tarball: string;
/** The unpacked tarball (its `package/` folder). */
let unpacked: string;
let files: string[];
let app: string;
let fake: FakeOpenAI;

function walk(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? walk(full, base) : [path.relative(base, full).split(path.sep).join('/')];
  });
}

before(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'aimeter-packed-'));
  // The checkout as git has it (tracked files, and new ones not ignored): no dist/, no node_modules.
  const checkout = path.join(work, 'checkout');
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && existsSync(path.join(REPO_ROOT, f)) && !f.split('/').includes('node_modules'));
  for (const file of listed) {
    mkdirSync(path.dirname(path.join(checkout, file)), { recursive: true });
    cpSync(path.join(REPO_ROOT, file), path.join(checkout, file));
  }
  // The build tools (typescript) from this checkout's install.
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(checkout, 'node_modules'), 'dir');
  const packed = JSON.parse(execFileSync(NPM, ['pack', '--json', '--pack-destination', work, ...QUIET], { cwd: checkout, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })) as Array<{ filename: string }>;
  tarball = path.join(work, packed[0]!.filename);
  execFileSync('tar', ['-xzf', tarball, '-C', work]);
  unpacked = path.join(work, 'package');
  files = walk(unpacked);

  app = path.join(work, 'app');
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), `${JSON.stringify({ name: 'packed-app', private: true, version: '1.0.0' })}\n`);
  execFileSync(NPM, ['install', tarball, '@opentelemetry/api@1.9.x', 'openai@6', ...QUIET], { cwd: app, stdio: ['ignore', 'ignore', 'inherit'] });
  for (const f of ['app.cjs', 'app.mjs']) cpSync(path.join(APP_SOURCES, f), path.join(app, f));
  fake = await startFakeOpenAI();
});

after(async () => {
  await fake?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the tarball carries the dashboards, rules, Alertmanager example, compose file, LICENSE and changelog', () => {
  for (const dir of ['grafana/dashboards', 'prometheus/rules']) {
    const inRepo = readdirSync(path.join(REPO_ROOT, dir)).sort();
    assert.ok(inRepo.length > 0);
    assert.deepEqual(files.filter((f) => f.startsWith(`${dir}/`)).map((f) => f.slice(dir.length + 1)).sort(), inRepo, dir);
  }
  for (const f of [
    'LICENSE',
    'CHANGELOG.md',
    'README.md',
    'docker-compose.yml',
    'alertmanager/alertmanager.yml',
    'prometheus/prometheus.yml',
    'grafana/provisioning/datasources/aimeter.yml',
    'grafana/provisioning/dashboards/aimeter.yml',
    'prices/prices.yaml',
    'dist/src/index.d.ts',
    'dist/bundle/aimeter.cjs',
    'dist/bundle/index.cjs',
    'dist/bundle/loader.cjs',
    'dist/bundle/register.cjs',
    'dist/bundle/register.mjs',
    'dist/bundle/vendor/zod.cjs',
    'dist/src/prices/bundled-prices.json',
  ]) {
    assert.ok(files.includes(f), `${f} is in the package`);
  }
  assert.match(readFileSync(path.join(unpacked, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0, January 2004/);
  // Every path the compose file mounts from its folder is shipped with it.
  const compose = readFileSync(path.join(unpacked, 'docker-compose.yml'), 'utf8');
  const mounts = [...compose.matchAll(/^\s*- \.\/([^:\s]+):/gm)].map((m) => m[1]!);
  assert.ok(mounts.length >= 5, `compose mounts ${mounts.join(', ')}`);
  for (const mount of mounts) assert.ok(files.some((f) => f === mount || f.startsWith(`${mount}/`)), `compose mounts ./${mount}, not in the package`);
});

test('the tarball has no test files and no source map pointing at a file it does not ship', () => {
  assert.deepEqual(files.filter((f) => /^(dist\/)?test\//.test(f) || /(^|\/)[^/]+\.test\.(js|ts|mjs|cjs|yml)$/.test(f)), []);
  assert.deepEqual(files.filter((f) => /^(dist\/)?(bench|examples)\//.test(f)), []);
  const dangling: string[] = [];
  for (const f of files) {
    if (/\.(m?js|d\.ts)$/.test(f)) {
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(path.join(unpacked, f), 'utf8'))?.[1];
      if (url && !url.startsWith('data:') && !existsSync(path.join(unpacked, path.dirname(f), url))) dangling.push(`${f} -> ${url}`);
    }
    if (f.endsWith('.map')) {
      const map = JSON.parse(readFileSync(path.join(unpacked, f), 'utf8')) as { sources: string[]; sourceRoot?: string };
      for (const source of map.sources) {
        const target = path.join(unpacked, path.dirname(f), map.sourceRoot ?? '', source);
        if (!existsSync(target) || !path.relative(unpacked, target) || path.relative(unpacked, target).startsWith('..')) dangling.push(`${f} -> ${source}`);
      }
    }
  }
  assert.deepEqual(dangling, []);
});

test('the fresh app holds one @opentelemetry/api (the peer) and no gRPC stack', () => {
  const copies = walk(path.join(app, 'node_modules')).filter((f) => /(^|\/)@opentelemetry\/api\/package\.json$/.test(f));
  assert.deepEqual(copies, ['@opentelemetry/api/package.json']);
  const version = (JSON.parse(readFileSync(path.join(app, 'node_modules', '@opentelemetry', 'api', 'package.json'), 'utf8')) as { version: string }).version;
  assert.match(version, /^1\.9\./);
  assert.ok(!existsSync(path.join(app, 'node_modules', '@grpc', 'grpc-js')), '@grpc/grpc-js was installed');
  assert.ok(!existsSync(path.join(app, 'node_modules', '@opentelemetry', 'exporter-trace-otlp-grpc')));
});

test('the fresh app holds one copy of each OpenTelemetry package: one release set, nothing nested twice', () => {
  // aimeter's OTel dependencies are pinned to one release, as OTel's own packages pin each other:
  // with caret ranges, exporters released later than their siblings pulled a second copy of the
  // whole OTLP stack (core, resources, otlp-transformer, sdk-logs: 40 MB installed, 26 without).
  const copies = new Map<string, string[]>();
  for (const file of walk(path.join(app, 'node_modules'))) {
    const match = /^(?:.*\/node_modules\/)?(@opentelemetry\/[^/]+)\/package\.json$/.exec(file);
    if (match) copies.set(match[1]!, [...(copies.get(match[1]!) ?? []), file]);
  }
  assert.ok(copies.has('@opentelemetry/otlp-transformer'), 'the OTLP exporters are installed');
  assert.deepEqual([...copies].filter(([, where]) => where.length > 1), []);
});

for (const [flag, entry] of [
  ['--require', 'app.cjs'],
  ['--import', 'app.mjs'],
] as const) {
  test(`${flag} aimeter/register in the fresh app: the openai call is on /metrics`, async () => {
    const port = await freePort();
    const before = fake.requests.length;
    const child = await startChildApp(
      [flag, 'aimeter/register', entry],
      { FAKE_URL: fake.url, OTEL_EXPORTER_PROMETHEUS_PORT: String(port), OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1', NODE_OPTIONS: '' },
      { cwd: app, timeoutMs: 30_000 },
    );
    try {
      const usage = JSON.parse(child.stdout().split('\n').find((l) => l.startsWith('usage '))!.slice('usage '.length)) as { prompt_tokens: number; completion_tokens: number };
      const res = await scrape(port);
      assert.equal(res.status, 200);
      const m = parseExposition(res.body);
      const where = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o-mini' };
      assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', where), 1);
      assert.equal(sum(m, 'aimeter_tokens_total', { ...where, gen_ai_token_type: 'input' }), usage.prompt_tokens);
      assert.equal(sum(m, 'aimeter_tokens_total', { ...where, gen_ai_token_type: 'output' }), usage.completion_tokens);
      assert.ok(sum(m, 'aimeter_cost_usd_total', where) > 0, 'the bundled prices are found in the installed package');
      assert.equal(fake.requests.length, before + 1);
    } finally {
      assert.equal(await child.stop(), 0);
    }
    assert.equal(child.stderr(), '');
  });
}

test('OTEL_EXPORTER_OTLP_PROTOCOL=grpc without the optional gRPC exporter: one line naming the package, /metrics still served', async () => {
  const port = await freePort();
  const child = await startChildApp(
    ['--require', 'aimeter/register', 'app.cjs'],
    {
      FAKE_URL: fake.url,
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1',
      NODE_OPTIONS: '',
    },
    { cwd: app, timeoutMs: 30_000 },
  );
  try {
    assert.equal(sum(parseExposition((await scrape(port)).body), 'gen_ai_client_operation_duration_seconds_count', { gen_ai_operation_name: 'chat' }), 1);
  } finally {
    assert.equal(await child.stop(), 0);
  }
  assert.deepEqual(child.stderr().trim().split('\n'), [
    'aimeter: OTEL_EXPORTER_OTLP_PROTOCOL=grpc needs the package @opentelemetry/exporter-trace-otlp-grpc, which is not installed; run `npm install @opentelemetry/exporter-trace-otlp-grpc` in your app (until then, this signal is not exported)',
  ]);
});
