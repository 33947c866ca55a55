/**
 * The Node binaries of the matrix: the running one for its own major, otherwise the `node`
 * package fetched by `npx -y node@<major>` (about 30 MB the first time, cached after). Each is
 * looked up once, concurrently, and then started directly (npx itself costs seconds per call).
 * A major that cannot be fetched gives a reason to skip its cells with, never a silent pass.
 */
import { execFile } from 'node:child_process';

export type Runtime = { readonly execPath: string; readonly version: string } | { readonly skip: string };

export function resolveRuntime(major: number): Promise<Runtime> {
  if (Number(process.versions.node.split('.')[0]) === major) return Promise.resolve({ execPath: process.execPath, version: process.version });
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['-y', `node@${major}`, '-p', 'process.execPath + "\\n" + process.version'],
      { timeout: 120_000, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
      (error, stdout, stderr) => {
        const [execPath, version] = stdout.trim().split('\n');
        if (error || !execPath || !version?.startsWith(`v${major}.`)) {
          resolve({ skip: `Node ${major} unavailable: \`npx -y node@${major}\` failed (${error ? error.message.split('\n')[0] : `printed ${JSON.stringify(stdout)}`}) ${stderr.trim().split('\n').pop() ?? ''}`.trim() });
        } else resolve({ execPath, version });
      },
    );
  });
}

/** Whether `version` (e.g. v22.23.3) is at least [major, minor]. */
export function atLeast(version: string, [major, minor]: readonly [number, number]): boolean {
  const [a = 0, b = 0] = version.replace(/^v/, '').split('.').map(Number);
  return a > major || (a === major && b >= minor);
}
