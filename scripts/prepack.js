#!/usr/bin/env node
// `npm pack` / `npm publish` (prepack): a clean build of what the package ships. dist/src and
// dist/instrumentations are removed first, so no file of a deleted source is packed, then
// compiled from src/ and instrumentations/ only (tsconfig.build.json) and the bundled prices
// written (scripts/build-prices.js). The source maps point at ../../src/*.ts, shipped beside.
'use strict';
const { execFileSync } = require('node:child_process');
const { rmSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
for (const dir of ['src', 'instrumentations', 'bundle']) rmSync(path.join(root, 'dist', dir), { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, [path.join(__dirname, 'build-prices.js')], { cwd: root, stdio: 'inherit' });
// Without NODE_V8_COVERAGE, so that a pack made under a coverage run ships no source map (bundle.js).
const env = { ...process.env };
delete env.NODE_V8_COVERAGE;
execFileSync(process.execPath, [path.join(__dirname, 'bundle.js')], { cwd: root, stdio: 'inherit', env });
