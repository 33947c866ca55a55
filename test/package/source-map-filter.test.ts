/**
 * The coverage run's bundle map (scripts/source-map-filter.js): mappings into dropped sources
 * become unmapped, every other mapping keeps its source, line, column and name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { REPO_ROOT } from '../compat/sandbox';

interface SourceMap { version: number; sources: string[]; names: string[]; mappings: string }
const { filterSourceMap } = require(path.join(REPO_ROOT, 'scripts', 'source-map-filter.js')) as {
  filterSourceMap: (map: SourceMap, keep: (source: string) => boolean) => SourceMap;
};

test('keeping every source reproduces the mappings exactly', () => {
  const map = { version: 3, sources: ['a.ts', 'b.ts'], names: ['x', 'y'], mappings: 'AAAAA,EACEC,GADAD;;IAAI,CAACC,KCAL;AACA' };
  assert.equal(filterSourceMap(map, () => true).mappings, map.mappings);
});

test('a dropped source leaves the list, its mappings become unmapped, the others are re-indexed', () => {
  const map = { version: 3, sources: ['src/a.ts', 'node_modules/x/y.js', 'src/b.ts'], names: ['q'], mappings: 'AAAA,CCAAA,CCAA;AAAA' };
  const out = filterSourceMap(map, (s) => !s.includes('node_modules'));
  assert.deepEqual(out.sources, ['src/a.ts', 'src/b.ts']);
  // column 1 (was node_modules) unmapped; column 2 maps to b.ts (now index 1), as does line 2.
  assert.equal(out.mappings, 'AAAA,C,CCAA;AAAA');
});
