/**
 * Install footprint (issue 10): what `npm install` adds to an app, in packages and MB on disk,
 * for aimeter's packed tarball beside the usual alternative, NodeSDK with the contrib OpenAI
 * instrumentation. Each subject is installed from the npm registry into an empty temporary app
 * (production dependencies only; `openai` itself is left out of every subject, since the app
 * has it either way). aimeter is packed from this checkout (`npm pack --ignore-scripts` of the
 * dist/ that `npm run bench` has just built). Also shown: aimeter with its optional gRPC
 * exporters installed, i.e. what the optional peer dependencies keep out of every other app.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runPart } from './lib/stats';

const ROOT = path.resolve(__dirname, '..', '..');
const QUIET = ['--no-audit', '--no-fund', '--loglevel=error', '--omit=dev'];

export interface FootprintFigures {
  readonly name: string;
  readonly specs: readonly string[];
  readonly packages: number;
  readonly megabytes: number;
}

export interface FootprintResult {
  readonly subjects: readonly FootprintFigures[];
}

function devVersion(name: string): string {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  const range = pkg.devDependencies[name];
  if (!range) throw new Error(`${name} is not a devDependency`);
  return `${name}@${range}`;
}

/** Packages (folders with a package.json directly under a node_modules, at any depth) and bytes. */
function measure(nodeModules: string): { packages: number; bytes: number } {
  let packages = 0;
  let bytes = 0;
  const walk = (dir: string, underNodeModules: boolean) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) {
        if (underNodeModules && !entry.name.startsWith('.') && !entry.name.startsWith('@')) packages++;
        walk(full, entry.name === 'node_modules' || (underNodeModules && entry.name.startsWith('@')));
      } else bytes += lstatSync(full).size;
    }
  };
  walk(nodeModules, true);
  return { packages, bytes };
}

function install(work: string, name: string, specs: readonly string[]): FootprintFigures {
  const app = path.join(work, name.replace(/\W+/g, '-'));
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), `${JSON.stringify({ name: 'footprint-app', private: true, version: '1.0.0' })}\n`);
  execFileSync('npm', ['install', ...specs, ...QUIET], { cwd: app, stdio: ['ignore', 'ignore', 'inherit'] });
  const { packages, bytes } = measure(path.join(app, 'node_modules'));
  return { name, specs, packages, megabytes: bytes / 1e6 };
}

export function runFootprint(): FootprintResult {
  const work = mkdtempSync(path.join(tmpdir(), 'aimeter-footprint-'));
  try {
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work, '--loglevel=error'], { cwd: ROOT, encoding: 'utf8' })) as Array<{ filename: string }>;
    const tarball = path.join(work, packed[0]!.filename);
    const api = devVersion('@opentelemetry/api');
    return {
      subjects: [
        install(work, 'aimeter', [tarball, api]),
        install(work, 'aimeter + optional gRPC exporters', [tarball, api, devVersion('@opentelemetry/exporter-trace-otlp-grpc'), devVersion('@opentelemetry/exporter-metrics-otlp-grpc')]),
        install(work, 'NodeSDK + contrib OpenAI', [devVersion('@opentelemetry/sdk-node'), devVersion('@opentelemetry/instrumentation-openai'), api]),
      ],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) runPart(() => Promise.resolve(runFootprint()));
