/**
 * Is this process a package manager or process manager CLI rather than the application?
 *
 * `NODE_OPTIONS=--require aimeter/register npm start` loads the preload into every Node process
 * of the chain: npm itself, then the app npm starts. The first one to bind would take the metrics
 * port and count nothing, and the app would warn that the port is busy. A wrapper is recognised
 * by the script Node runs in it (process.argv[1], symlinks resolved: /usr/bin/npm is a link to
 * npm-cli.js), or by being the very CLI npm_execpath names (npm, yarn and pnpm set it for the
 * scripts they run, so a nested `npm run` is recognised too).
 */
import { realpathSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The entry scripts of the CLIs, as `<package dir>/<path>` suffixes of the real path. PM2: its
 * CLI and its daemon (God), never ProcessContainer*.js, which runs the app itself.
 */
const WRAPPER_SCRIPTS: readonly (readonly [tool: string, suffix: string])[] = [
  ['npm', '/npm/bin/npm-cli.js'],
  ['npx', '/npm/bin/npx-cli.js'],
  ['npm', '/npm/bin/npm'],
  ['npx', '/npm/bin/npx'],
  ['yarn', '/yarn/bin/yarn.js'],
  ['yarn', '/yarn/bin/yarn'],
  ['yarn', '/yarn/lib/cli.js'],
  ['pnpm', '/pnpm/bin/pnpm.cjs'],
  ['pnpm', '/pnpm/bin/pnpx.cjs'],
  ['pnpm', '/pnpm/dist/pnpm.cjs'],
  ['corepack', '/corepack/dist/corepack.js'],
  ['corepack', '/corepack/dist/npm.js'],
  ['corepack', '/corepack/dist/npx.js'],
  ['corepack', '/corepack/dist/yarn.js'],
  ['corepack', '/corepack/dist/yarnpkg.js'],
  ['corepack', '/corepack/dist/pnpm.js'],
  ['corepack', '/corepack/dist/pnpx.js'],
  ['pm2', '/pm2/bin/pm2'],
  ['pm2', '/pm2/bin/pm2-runtime'],
  ['pm2', '/pm2/bin/pm2-dev'],
  ['pm2', '/pm2/bin/pm2-docker'],
  ['pm2', '/pm2/lib/Daemon.js'],
];
/** Yarn 2+ runs a release file checked into the project: .yarn/releases/yarn-4.5.0.cjs. */
const YARN_RELEASE = /[\\/]\.yarn[\\/]releases[\\/]yarn-[^\\/]*\.c?js$/;
/** Names a wrapper's entry may have before symlinks are resolved (only those are resolved: cheap for an app). */
const SUSPECT_NAMES = /^(npm|npx|yarn|yarnpkg|pnpm|pnpx|corepack|pm2|pm2-runtime|pm2-dev|pm2-docker|npm-cli\.js|npx-cli\.js|yarn\.c?js|pnpm\.c?js|pnpx\.c?js|corepack\.js|Daemon\.js|cli\.js)$/;

/** The wrapper's name (npm, npx, yarn, pnpm, corepack, pm2) when `script` is one's CLI, else undefined. */
export function packageManagerWrapper(script: string | undefined, npmExecpath: string | undefined): string | undefined {
  if (script === undefined || script === '') return undefined;
  if (!SUSPECT_NAMES.test(path.basename(script)) && !YARN_RELEASE.test(script) && (npmExecpath === undefined || script !== npmExecpath)) return undefined;
  const real = realPath(script).split(path.sep).join('/');
  for (const [tool, suffix] of WRAPPER_SCRIPTS) if (real.endsWith(suffix)) return tool;
  if (YARN_RELEASE.test(real)) return 'yarn';
  if (npmExecpath !== undefined && real === realPath(npmExecpath).split(path.sep).join('/')) return path.basename(real).replace(/(-cli)?\.c?js$/, '');
  return undefined;
}

function realPath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}
