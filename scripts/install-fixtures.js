#!/usr/bin/env node
// Installs the SDK versions that the main devDependencies cannot hold at the same time
// (e.g. openai 4.x beside 6.x) into test/fixtures/<name>/node_modules, each as its real
// package name so that require hooks see the same module name as in a user's app.
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', 'test', 'fixtures');
if (!existsSync(root)) process.exit(0);
for (const name of readdirSync(root)) {
  const dir = path.join(root, name);
  if (!existsSync(path.join(dir, 'package.json'))) continue;
  if (existsSync(path.join(dir, 'node_modules')) && !process.argv.includes('--force')) continue;
  process.stdout.write(`installing test fixture ${name}\n`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--silent'], { cwd: dir, stdio: 'inherit' });
}
