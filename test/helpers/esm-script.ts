/**
 * Runs an ESM script in a child Node with import-in-the-middle's loader hook registered (what
 * `--import aimeter/register` sets up), so `import` of an SDK goes through the ESM patching path.
 * The script body may `require()` the compiled test helpers, instrumentations and fakes (paths
 * relative to dist/) and must print its result as JSON on its last line. After enabling its
 * instrumentations and before its first `import()` of an SDK, it must `await hooksReady()`: the
 * instrumentations' hooks reach the loader thread by message, and an import that overtakes them
 * is not wrapped (what src/sdk/preload.ts waits for before the app's first line).
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const DIST = path.resolve(__dirname, '..', '..');

const PRELUDE = `
import { register, createRequire } from 'node:module';
const require = createRequire(${JSON.stringify(path.join(DIST, 'x.js'))});
const iitm = await import('import-in-the-middle');
const { registerOptions, waitForAllMessagesAcknowledged: hooksReady } = iitm.createAddHookMessageChannel();
register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
`;

/** The JSON value the script printed last. */
export function runEsmScript<T>(body: string, { timeoutMs = 30_000 } = {}): T {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', PRELUDE + body], {
    cwd: path.resolve(DIST, '..'),
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as T;
}
