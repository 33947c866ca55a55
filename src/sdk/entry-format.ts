/**
 * Is the application's entry point an ES module? Under `--require`, the ESM loader hook (a
 * worker thread of its own in Node 20: about 80 ms and 10 MB at start-up) is registered only for
 * an ESM entry point (`NODE_OPTIONS=--require aimeter/register` in front of an ESM app); a
 * CommonJS app's `require('openai')` is patched by the require hook alone. Node's own rule:
 * `.mjs` / `.cjs` decide, otherwise the nearest package.json's "type".
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export function entryIsEsm(entry: string | undefined = process.argv[1]): boolean {
  if (!entry) return false; // -e, -p, the REPL: CommonJS
  if (/\.m[jt]s$/.test(entry)) return true;
  if (/\.c[jt]s$/.test(entry)) return false;
  for (let dir = path.dirname(path.resolve(entry)); ; dir = path.dirname(dir)) {
    const type = packageType(path.join(dir, 'package.json'));
    if (type !== undefined) return type === 'module';
    if (path.dirname(dir) === dir) return false;
  }
}

/** The package.json's "type" ('commonjs' when it has none), or undefined when there is no such file. */
function packageType(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const type = (JSON.parse(text) as { type?: unknown }).type;
    return type === 'module' ? 'module' : 'commonjs';
  } catch {
    return 'commonjs'; // Node fails on it too; CommonJS is the safe guess
  }
}
