#!/usr/bin/env node
// Runs every compiled *.test.js under dist/test with node's built-in runner. The files are
// listed explicitly: given a directory, Node 20's runner would also execute every other .js
// file below a folder named "test" (helpers, fixture apps).
// Usage: node scripts/run-tests.js [path-fragment ...]   e.g. `node scripts/run-tests.js core openai`
'use strict';
const { spawnSync } = require('node:child_process');
const { readdirSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', 'dist', 'test');
const filters = process.argv.slice(2);

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : walk(full);
    return entry.name.endsWith('.test.js') ? [full] : [];
  });
}

// The files that take longest start first (longest-processing-time-first): started last, the
// end-to-end Prometheus run alone would hold the whole suite minutes past everything else.
const LONGEST_FIRST = [
  'observability/prometheus-e2e.test.js',
  'cli/commands.test.js',
  'observability/promtool.test.js',
  'observability/mutation.test.js',
  'provider-data/fault-injection.test.js',
  'compat/matrix.test.js',
  'lifecycle/exit.test.js',
  'core/server-spans.test.js',
  'demo/demo.test.js',
];
const rank = (file) => {
  const i = LONGEST_FIRST.indexOf(path.relative(root, file).split(path.sep).join('/'));
  return i === -1 ? LONGEST_FIRST.length : i;
};
const files = walk(root)
  .filter((file) => filters.length === 0 || filters.some((f) => path.relative(root, file).includes(f)))
  .sort()
  .sort((a, b) => rank(a) - rank(b));
if (files.length === 0) {
  console.error(`no test files under ${root}${filters.length ? ` matching ${filters.join(', ')}` : ''}`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
