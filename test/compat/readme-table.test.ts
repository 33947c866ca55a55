/**
 * The README's "Compatibility" table cannot drift from what the suite runs:
 * - it lists every cell of cells.ts (CELLS, SDK_CELLS) and no other, each row with its cell's
 *   Node, OTel JS line, package, exact version (the one the cell installs) and entry flag;
 * - every "`package` x.y.z" of a row is the version installed where the row says it comes from
 *   (devDependency: node_modules; fixture `x`: test/fixtures/x/node_modules);
 * - every package an instrumentation hooks (instrumentations/*: its module definitions' version
 *   ranges) has an "oldest" row, the first release of its range, run by a cell, and a "newest"
 *   row, the highest version the table lists, run by a cell or test files;
 * - every test file it cites exists;
 * and docs/instrumentations/*.md state each package's range as the code has it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { InstrumentationBase } from '@opentelemetry/instrumentation';
import { INSTRUMENTATIONS } from '../../instrumentations';
import { CELLS, SDK_CELLS, type SdkCell } from './cells';
import { installedSdkVersion, openaiDir, REPO_ROOT, sdkModules } from './sandbox';

const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const start = readme.indexOf('\n## Compatibility\n');
const section = start < 0 ? '' : readme.slice(start, readme.indexOf('\n## ', start + 5));

interface Row {
  readonly line: string;
  /** The SDK column and the "covered by" column (the Node and OTel JS columns are matched on `line`). */
  readonly sdk: string;
  readonly coveredBy: string;
  /** The row's package and version: the first "`package` x.y.z" of its SDK column. */
  readonly pkg: string;
  readonly version: string;
  /** Every "`package` x.y.z" of its SDK column. */
  readonly versions: ReadonlyArray<readonly [string, string]>;
  /** Where the row's packages are installed (devDependency or fixture); undefined when the row does not say. */
  readonly modules: string | undefined;
  readonly cellIds: readonly string[];
}

const rows: Row[] = section
  .split('\n')
  .filter((line) => /^\| (\d+|-) \|/.test(line))
  .map((line) => {
    const [, , sdk = '', coveredBy = ''] = line.split('|').slice(1, -1).map((s) => s.trim());
    const versions = [...sdk.matchAll(/`([^`\s]+)` (\d+\.\d+\.\d+)\b/g)].map((m) => [m[1]!, m[2]!] as const);
    const fixture = /fixture `([^`]+)`/.exec(sdk)?.[1];
    const modules =
      fixture !== undefined
        ? path.join(REPO_ROOT, 'test', 'fixtures', fixture, 'node_modules')
        : /\bdevDependency\b/.test(sdk)
          ? path.join(REPO_ROOT, 'node_modules')
          : undefined;
    const cellIds = [...coveredBy.matchAll(/`(node\d+-[^`]+-(?:require|import))`/g)].map((m) => m[1]!);
    return { line, sdk, coveredBy, pkg: versions[0]?.[0] ?? '', version: versions[0]?.[1] ?? '', versions, modules, cellIds };
  });

/** The version in `modules`/`pkg`/package.json, without a leading "v"; undefined when not installed. */
function installed(modules: string, pkg: string): string | undefined {
  const manifest = path.join(modules, pkg, 'package.json');
  if (!existsSync(manifest)) return undefined;
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version.replace(/^v/, '');
}

function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) if (x![i] !== y![i]) return x![i]! - y![i]!;
  return 0;
}

/** The package a module definition names (`@langchain/core/tools` is `@langchain/core`). */
function packageOf(moduleName: string): string {
  return moduleName
    .split('/')
    .slice(0, moduleName.startsWith('@') ? 2 : 1)
    .join('/');
}

/** Every package an instrumentation hooks, with its version range, read from the instrumentations themselves. */
function hookedPackages(): Map<string, string> {
  const ranges = new Map<string, string>();
  for (const entry of INSTRUMENTATIONS) {
    // Every instrumentation is built on InstrumentationBase (the kit), which lists its module definitions.
    const instrumentation = entry.create() as InstrumentationBase;
    try {
      for (const definition of instrumentation.getModuleDefinitions()) {
        const pkg = packageOf(definition.name);
        assert.equal(definition.supportedVersions.length, 1, `${entry.name}: ${definition.name} has one range`);
        const range = definition.supportedVersions[0]!;
        assert.equal(ranges.get(pkg) ?? range, range, `${entry.name}: every module of ${pkg} has the same range`);
        ranges.set(pkg, range);
      }
    } finally {
      instrumentation.disable();
    }
  }
  return ranges;
}
const HOOKED = hookedPackages();

/** `>=X.Y.Z <N`, the only form the ranges take: X.Y.Z is the oldest release accepted. */
function parseRange(pkg: string, range: string): { oldest: string; belowMajor: number } {
  const m = /^>=(\d+\.\d+\.\d+) <(\d+)$/.exec(range);
  assert.ok(m, `${pkg}: range "${range}" is of the form ">=X.Y.Z <N"`);
  return { oldest: m[1]!, belowMajor: Number(m[2]) };
}

function rowOf(id: string): Row {
  const found = rows.filter((r) => r.cellIds.includes(id));
  assert.equal(found.length, 1, `${id}: listed in one row`);
  return found[0]!;
}

/** The version of `pkg` a cell runs, and where it is installed (undefined when the fixture is not installed). */
function cellRuns(id: string): { pkg: string; modules: string; version: string | undefined } {
  const sdk = SDK_CELLS.find((c) => c.id === id);
  if (sdk) return { pkg: sdk.module, modules: sdkModules(sdk), version: sdkVersion(sdk) };
  const cell = CELLS.find((c) => c.id === id)!;
  const modules = path.dirname(openaiDir(cell.openai));
  return { pkg: 'openai', modules, version: installed(modules, 'openai') };
}

function sdkVersion(cell: SdkCell): string | undefined {
  return existsSync(path.join(sdkModules(cell), cell.module, 'package.json')) ? installedSdkVersion(cell) : undefined;
}

test('README Compatibility: the table has a row per version', () => {
  assert.ok(section.length > 100, 'README has a "## Compatibility" section');
  assert.ok(rows.length >= CELLS.length + 2 * HOOKED.size - 2, `${rows.length} rows`);
  for (const row of rows) assert.ok(row.pkg !== '', `a row names its package and exact version: ${row.line}`);
});

test('README Compatibility: each cell is listed, and only those', () => {
  const listed = new Set([...section.matchAll(/`(node\d+-[^`\s]+-(?:require|import))`/g)].map((m) => m[1]));
  assert.deepEqual([...listed].sort(), [...CELLS, ...SDK_CELLS].map((c) => c.id).sort());
});

test('README Compatibility: each matrix cell row says its Node, OTel JS, openai version and flag', (t) => {
  const missing: string[] = [];
  for (const cell of CELLS) {
    const row = rowOf(cell.id);
    assert.match(row.line, new RegExp(`^\\| ${cell.node} \\| ${cell.otel}\\.x \\| \`openai\` \\d`), `${cell.id}: ${row.line}`);
    assert.match(row.sdk, new RegExp(`--${cell.entry}\\b`), `${cell.id}: --${cell.entry}`);
    const runs = cellRuns(cell.id);
    assert.equal(row.modules, runs.modules, `${cell.id}'s row names where its openai comes from (${path.relative(REPO_ROOT, runs.modules)})`);
    if (runs.version === undefined) missing.push(path.relative(REPO_ROOT, openaiDir(cell.openai)));
    else assert.equal(row.version, runs.version, `${cell.id} runs openai ${runs.version}: ${row.line}`);
  }
  skipIfMissing(t, missing);
});

test('README Compatibility: each SDK cell row says its Node, package, version (the one the cell installs) and flag', (t) => {
  const missing: string[] = [];
  for (const cell of SDK_CELLS) {
    const row = rowOf(cell.id);
    assert.match(row.line, new RegExp(`^\\| ${cell.node} \\| 2\\.x \\| `), `${cell.id}: ${row.line}`);
    assert.equal(row.pkg, cell.module, `${cell.id}: ${row.line}`);
    assert.equal(row.version, cell.version, `${cell.id} installs ${cell.module} ${cell.version}: ${row.line}`);
    assert.equal(row.modules, sdkModules(cell), `${cell.id}'s row names its fixture (${cell.fixture ?? 'sdk-oldest'}): ${row.line}`);
    assert.match(row.sdk, new RegExp(`--${cell.entry}\\b`), `${cell.id}: --${cell.entry}`);
    assert.match(row.sdk, /\boldest\b/, `${cell.id}: ${row.line}`);
    const version = sdkVersion(cell);
    if (version === undefined) missing.push(path.relative(REPO_ROOT, path.join(sdkModules(cell), cell.module)));
    else assert.equal(row.version, version, `${cell.id}: ${path.relative(REPO_ROOT, sdkModules(cell))} holds ${cell.module} ${version}`);
  }
  skipIfMissing(t, missing);
});

test('README Compatibility: every version in the table is the one installed where its row says', (t) => {
  const missing = new Set<string>();
  for (const row of rows) {
    assert.ok(row.modules !== undefined, `a row names where its packages come from (devDependency or fixture): ${row.line}`);
    if (!existsSync(row.modules)) {
      missing.add(path.relative(REPO_ROOT, row.modules));
      continue;
    }
    for (const [pkg, version] of row.versions) {
      const got = installed(row.modules, pkg);
      assert.equal(got, version, `${path.relative(REPO_ROOT, row.modules)} holds ${pkg} ${got ?? '(none)'}: ${row.line}`);
    }
  }
  skipIfMissing(t, [...missing]);
});

test('README Compatibility: every hooked package has its oldest and its newest release', () => {
  assert.ok(HOOKED.size >= 9, `${HOOKED.size} packages hooked`);
  for (const row of rows) assert.ok(HOOKED.has(row.pkg), `${row.pkg} is hooked by an instrumentation: ${row.line}`);
  for (const [pkg, range] of HOOKED) {
    const { oldest, belowMajor } = parseRange(pkg, range);
    const mine = rows.filter((r) => r.pkg === pkg);

    const oldestRows = mine.filter((r) => /\boldest\b/.test(r.sdk));
    assert.equal(oldestRows.length, 1, `${pkg}: one "oldest" row`);
    const first = oldestRows[0]!;
    assert.equal(first.version, oldest, `${pkg}'s range ${range} starts at ${oldest}: ${first.line}`);
    assert.ok(first.sdk.includes(`oldest of \`${range}\``), `${pkg}: the row quotes the range (\`${range}\`): ${first.line}`);
    assert.ok(mine.every((r) => compareVersions(r.version, oldest) >= 0), `${pkg}: no row below its range's start`);
    assert.ok(first.cellIds.length > 0, `${pkg}: a cell runs ${oldest}: ${first.line}`);
    for (const id of first.cellIds) {
      const runs = cellRuns(id);
      assert.equal(runs.pkg, pkg, `${id} runs ${pkg}`);
      if (runs.version !== undefined) assert.equal(runs.version, oldest, `${id} runs ${pkg} ${runs.version}`);
    }

    const newestRows = mine.filter((r) => /\bnewest\b/.test(r.sdk));
    assert.ok(newestRows.length >= 1, `${pkg}: a "newest" row`);
    const newest = newestRows[0]!.version;
    for (const row of newestRows) {
      assert.equal(row.version, newest, `${pkg}: every "newest" row says ${newest}: ${row.line}`);
      assert.ok(row.cellIds.length > 0 || /`test\/[^`]+\.test\.ts`/.test(row.coveredBy), `${pkg} ${newest}: run by a cell or test files: ${row.line}`);
    }
    assert.ok(mine.every((r) => compareVersions(r.version, newest) <= 0), `${pkg}: no row above the "newest" one (${newest})`);
    assert.ok(Number(newest.split('.')[0]) < belowMajor, `${pkg} ${newest} is in ${range}`);
    const devDependency = installed(path.join(REPO_ROOT, 'node_modules'), pkg);
    if (devDependency !== undefined) assert.ok(compareVersions(newest, devDependency) >= 0, `${pkg}: node_modules holds ${devDependency}, newer than the "newest" row (${newest})`);
  }
});

test('README Compatibility: every test file it cites exists', () => {
  const cited = [...section.matchAll(/`(test\/[^`]+\.test\.ts)`/g)].map((m) => m[1]!);
  assert.ok(cited.length >= 8);
  for (const file of cited) {
    if (file.includes('*')) {
      const dir = path.join(REPO_ROOT, path.dirname(file));
      assert.ok(existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.test.ts')), `${file}: no test files`);
    } else assert.ok(existsSync(path.join(REPO_ROOT, file)), `${file} does not exist`);
  }
});

test("docs/instrumentations: each package's range is the one its instrumentation has", () => {
  const dir = path.join(REPO_ROOT, 'docs', 'instrumentations');
  const lines = readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('\n').map((line) => ({ file: f, line })));
  for (const [pkg, range] of HOOKED) {
    const stated = lines.flatMap(({ file, line }) => {
      const at = line.indexOf(`\`${pkg}\``);
      const m = at < 0 ? null : /`(>=[^`]+)`/.exec(line.slice(at));
      return m ? [{ file, range: m[1]! }] : [];
    });
    assert.ok(stated.length > 0, `docs/instrumentations states the range of ${pkg}`);
    for (const s of stated) assert.equal(s.range, range, `docs/instrumentations/${s.file} gives ${pkg} the range ${s.range}; the code has ${range}`);
  }
});

/** A fixture that is not installed leaves its versions unchecked: said, never passed. */
function skipIfMissing(t: { skip(message: string): void; diagnostic(message: string): void }, missing: readonly string[]): void {
  if (missing.length === 0) return;
  const message = `fixture not installed: ${missing.join(', ')} (run \`node scripts/install-fixtures.js\`)`;
  t.diagnostic(message);
  t.skip(message);
}
