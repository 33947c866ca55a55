/**
 * Start-up cost (issue 10): wall time, CPU (all threads) and peak RSS of a process that does
 * nothing (`-e 0`-like, bench/startup/subject.ts), bare and with each set-up, side by side:
 * the floor (sdk-trace-node + instrumentation-http), NodeSDK with the contrib OpenAI
 * instrumentation, aimeter under --require and --import (defaults: /metrics served, on port 0
 * here), the same two from tsc's separate files instead of the bundle, and aimeter with
 * OTEL_SDK_DISABLED=true, aimeter's first start (no code cache yet), and the same set-ups under a
 * real app's start (express + openai, listen, one request: subject.ts `app`), whose "added" is
 * over the app alone. Each run is a fresh process; the variants run
 * in rotating order, round after round, and each figure is the median over rounds. "Added" is
 * the variant's median minus bare node's.
 *
 * Usage: node dist/bench/startup/index.js [--quick] [--before=DIR] [--node=MAJOR|PATH]
 * --node runs every variant on another Node: a binary's path, or a major fetched once with
 * `npx -y node@MAJOR` (e.g. 22 or 24: in-thread ESM hooks, src/sdk/esm-hook.ts).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { median, runPart } from '../lib/stats';

const SUBJECT = path.join(__dirname, 'subject.js');
const REPO_ROOT = path.join(__dirname, '..', '..', '..');
/** The same preload from tsc's separate files instead of the bundle (dist/bundle, scripts/bundle.js). */
const UNBUNDLED = path.join(__dirname, 'unbundled-register.js');

export interface StartupVariant {
  readonly name: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** The variant whose figures "added" is counted over (default bare node). */
  readonly over?: string;
}

const APP_ALONE = 'app: express + openai, one request';
const ONE_REQUIRE = 'bare node, one require() of an empty file';

export const VARIANTS_NOW: readonly StartupVariant[] = [
  { name: 'bare node', args: [SUBJECT, 'bare'] },
  { name: 'floor: sdk-trace-node + instrumentation-http', args: [SUBJECT, 'floor'] },
  { name: 'floor + ESM loader hook (import-in-the-middle)', args: [SUBJECT, 'floor-esm'] },
  { name: 'NodeSDK + contrib instrumentation-openai', args: [SUBJECT, 'nodesdk'] },
  { name: 'NodeSDK + contrib + ESM loader hook (import-in-the-middle)', args: [SUBJECT, 'nodesdk-esm'] },
  { name: 'aimeter --require, unbundled (dist/src)', args: ['--require', UNBUNDLED, SUBJECT, 'bare'] },
  { name: 'aimeter --require', args: ['--require', 'aimeter/register', SUBJECT, 'bare'] },
  // A CommonJS app starts aimeter at its first require() (src/sdk/first-use.ts): `-e 0` then
  // measures the loader alone; this is the start itself, over node doing the same require().
  { name: ONE_REQUIRE, args: [SUBJECT, 'bare', 'require'] },
  { name: 'aimeter --require, started by a first require()', args: ['--require', 'aimeter/register', SUBJECT, 'bare', 'require'], over: ONE_REQUIRE },
  { name: 'aimeter --import, unbundled (dist/src)', args: ['--import', `${UNBUNDLED.slice(0, -3)}.mjs`, SUBJECT, 'bare'] },
  { name: 'aimeter --import', args: ['--import', 'aimeter/register', SUBJECT, 'bare'] },
  { name: 'aimeter --require, OTEL_SDK_DISABLED=true', args: ['--require', 'aimeter/register', SUBJECT, 'bare'], env: { OTEL_SDK_DISABLED: 'true' } },
  // A first start: the bundle's code cache not yet written (src/sdk/bundle-loader.ts).
  {
    name: 'aimeter --require, started, no code cache (first start)',
    args: ['--require', 'aimeter/register', SUBJECT, 'bare', 'require'],
    env: { NODE_DISABLE_COMPILE_CACHE: '1' },
    over: ONE_REQUIRE,
  },
  // What a real app does at start (subject.ts `app`): express + openai, listen, one request.
  { name: APP_ALONE, args: [SUBJECT, 'bare', 'app'] },
  { name: 'app + floor', args: [SUBJECT, 'floor', 'app'], over: APP_ALONE },
  { name: 'app + NodeSDK + contrib', args: [SUBJECT, 'nodesdk', 'app'], over: APP_ALONE },
  { name: 'app + aimeter --require', args: ['--require', 'aimeter/register', SUBJECT, 'bare', 'app'], over: APP_ALONE },
];

export interface StartupFigures {
  readonly name: string;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly rssMB: number;
  readonly addedWallMs: number;
  readonly addedCpuMs: number;
  readonly addedRssMB: number;
}

export interface StartupResult {
  readonly rounds: number;
  /** The Node version the variants ran on. */
  readonly node: string;
  readonly variants: StartupFigures[];
}

interface Run {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly rssMB: number;
}

/** The Node binary every variant runs on (--node=MAJOR|PATH; default this one). */
export function nodeBinary(option: string | undefined): string {
  if (option === undefined) return process.execPath;
  if (!/^\d+$/.test(option)) return option;
  if (process.versions.node.split('.')[0] === option) return process.execPath;
  return execFileSync('npx', ['-y', `node@${option}`, '-p', 'process.execPath'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } }).trim();
}

function runOnce(node: string, variant: StartupVariant): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(node, [...variant.args], {
      cwd: REPO_ROOT, // `aimeter/register` resolves to this checkout (the package's self-reference)
      env: { ...process.env, OTEL_EXPORTER_PROMETHEUS_PORT: '0', OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1', ...variant.env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) return reject(new Error(`${variant.name} exited with ${code}`));
      const figures = JSON.parse(out.trim().split('\n').at(-1)!) as { cpuMs: number; maxRssMB: number };
      resolve({ wallMs, cpuMs: figures.cpuMs, rssMB: figures.maxRssMB });
    });
  });
}

/**
 * With `--before=DIR` (a copy of an earlier build's dist/, inside the checkout so that its
 * node_modules resolve), that build's preload runs beside the current one: before and after in
 * one run.
 */
/** An earlier build's preload: dist/bundle/ if it has one, else dist/src/ (before the bundle). */
function earlier(dist: string, bundled: string, unbundled: string): string {
  const file = path.join(dist, 'bundle', bundled);
  return existsSync(file) ? file : path.join(dist, 'src', unbundled);
}

function beforeVariants(dir: string | undefined): StartupVariant[] {
  if (!dir) return [];
  const abs = path.resolve(REPO_ROOT, dir);
  return [
    { name: 'aimeter --require (before)', args: ['--require', earlier(abs, 'register.cjs', 'register.js'), SUBJECT, 'bare'] },
    { name: 'aimeter --require, started by a first require() (before)', args: ['--require', earlier(abs, 'register.cjs', 'register.js'), SUBJECT, 'bare', 'require'], over: ONE_REQUIRE },
    { name: 'app + aimeter --require (before)', args: ['--require', earlier(abs, 'register.cjs', 'register.js'), SUBJECT, 'bare', 'app'], over: APP_ALONE },
    { name: 'aimeter --import (before)', args: ['--import', earlier(abs, 'register.mjs', 'register.mjs'), SUBJECT, 'bare'] },
  ];
}

export async function runStartup(quick: boolean, beforeDir?: string, node = process.execPath): Promise<StartupResult> {
  const rounds = quick ? 5 : 15;
  const version = execFileSync(node, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
  const VARIANTS = [...VARIANTS_NOW, ...beforeVariants(beforeDir)];
  const runs = new Map<string, Run[]>(VARIANTS.map((v) => [v.name, []]));
  for (const variant of VARIANTS) await runOnce(node, variant); // warm the file cache
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < VARIANTS.length; i++) {
      const variant = VARIANTS[(i + r) % VARIANTS.length]!;
      runs.get(variant.name)!.push(await runOnce(node, variant));
    }
  }
  const medians = VARIANTS.map((v) => {
    const list = runs.get(v.name)!;
    return { name: v.name, over: v.over, wallMs: median(list.map((x) => x.wallMs)), cpuMs: median(list.map((x) => x.cpuMs)), rssMB: median(list.map((x) => x.rssMB)) };
  });
  const bare = medians[0]!;
  return {
    rounds,
    node: version,
    variants: medians.map(({ over, ...m }) => {
      const base = medians.find((x) => x.name === over) ?? bare;
      return { ...m, addedWallMs: m.wallMs - base.wallMs, addedCpuMs: m.cpuMs - base.cpuMs, addedRssMB: m.rssMB - base.rssMB };
    }),
  };
}

if (require.main === module) {
  const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  runPart(() => runStartup(process.argv.includes('--quick'), option('before'), nodeBinary(option('node'))));
}
