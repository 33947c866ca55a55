#!/usr/bin/env node
// Regenerates the example outputs of docs/cli.md: starts a Prometheus holding the CLI tests'
// known data (test/cli/dataset.ts, backfilled with promtool), runs each
// `<!-- example: ARGS -->` command and writes its real output in the code block under it.
// Usage: npm run build && node scripts/cli-doc-examples.js
'use strict';
const { execFileSync } = require('node:child_process');
const { readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const { startKnownPrometheus, CLI } = require(path.join(root, 'dist', 'test', 'cli', 'support.js'));
const doc = path.join(root, 'docs', 'cli.md');

(async () => {
  const known = await startKnownPrometheus('/usr/bin/prometheus', '/usr/bin/promtool');
  try {
    const day = (t) => new Date(t * 1000).toISOString().slice(0, 10);
    const vars = { END: day(known.end), DAY1: day(known.end - 86400) };
    const text = readFileSync(doc, 'utf8');
    const out = text.replace(/<!-- example: (.+?) -->(\n+```\n[\s\S]*?\n```)?/g, (_, args) => {
      const shown = args.replace(/\{(\w+)\}/g, (_m, k) => vars[k]);
      let result;
      try {
        result = execFileSync(process.execPath, [CLI, ...shown.split(' '), '--prometheus', known.prometheus.url], { encoding: 'utf8', env: { PATH: process.env.PATH } });
      } catch (err) {
        result = `${err.stdout}${err.stderr}`;
      }
      // Paths of this checkout are written relative to the package.
      result = result.split(`${root}${path.sep}`).join('');
      return `<!-- example: ${args} -->\n\n\`\`\`\n$ aimeter ${shown}\n${result.replace(/\n+$/, '')}\n\`\`\``;
    });
    writeFileSync(doc, out);
  } finally {
    await known.stop();
  }
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
