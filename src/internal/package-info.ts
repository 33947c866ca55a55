/** Where the aimeter package is installed, and its version (read once, from its package.json). */
import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: { root: string; version: string } | undefined;

function find(): { root: string; version: string } {
  if (cached) return cached;
  let dir = __dirname;
  for (;;) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'aimeter') return (cached = { root: dir, version: String(pkg.version) });
    } catch {
      // No package.json here: keep walking up.
    }
    const parent = path.dirname(dir);
    if (parent === dir) return (cached = { root: path.resolve(__dirname, '..', '..', '..'), version: 'unknown' });
    dir = parent;
  }
}

/** The directory holding aimeter's package.json. */
export function packageRoot(): string {
  return find().root;
}

export function packageVersion(): string {
  return find().version;
}
