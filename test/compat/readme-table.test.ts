/**
 * The README's "Compatibility" table and the matrix agree: every cell of cells.ts is listed, the
 * table names no cell the matrix does not run, and every test file it cites exists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CELLS } from './cells';
import { REPO_ROOT } from './sandbox';

const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('\n## Compatibility\n'), readme.indexOf('\n## ', readme.indexOf('\n## Compatibility\n') + 5));

test('README Compatibility: each matrix cell is listed, and only those', () => {
  assert.ok(section.length > 100, 'README has a "## Compatibility" section');
  const listed = new Set([...section.matchAll(/`(node\d+-otel\d+-openai\d+-(?:require|import))`/g)].map((m) => m[1]));
  assert.deepEqual([...listed].sort(), CELLS.map((c) => c.id).sort());
  for (const cell of CELLS) {
    const row = section.split('\n').find((line) => line.includes(`\`${cell.id}\``))!;
    assert.match(row, new RegExp(`^\\| ${cell.node} \\| ${cell.otel}\\.x \\| \`openai\` ${cell.openai}\\b.*--${cell.entry}`), `${cell.id}: ${row}`);
  }
});

test('README Compatibility: every test file it cites exists', () => {
  const cited = [...section.matchAll(/`(test\/[^`]+\.test\.ts)`/g)].map((m) => m[1]!);
  assert.ok(cited.length >= 4);
  for (const file of cited) {
    if (file.includes('*')) {
      const dir = path.join(REPO_ROOT, path.dirname(file));
      assert.ok(existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.test.ts')), `${file}: no test files`);
    } else assert.ok(existsSync(path.join(REPO_ROOT, file)), `${file} does not exist`);
  }
});
