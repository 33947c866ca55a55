/**
 * Writes the generated Grafana files from their TypeScript sources:
 *   grafana/dashboards/*.json                       from grafana/src/dashboards/
 *   grafana/alerting/aimeter-alerts.yml             from prometheus/rules/aimeter-alerts.yml
 *
 *   npx tsc -p tsconfig.json && node dist/grafana/src/generate.js          # write
 *   npx tsc -p tsconfig.json && node dist/grafana/src/generate.js --check  # exit 1 if stale
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { grafanaAlertingYaml } from './alerting';
import { DASHBOARDS, fileName } from './dashboards/index';

/** The repository root: the nearest directory above this file holding prometheus/ and package.json. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'prometheus'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no repository root above ${__dirname}`);
    dir = parent;
  }
}

export const ALERTS_SOURCE = 'prometheus/rules/aimeter-alerts.yml';
/** Not provisioned by default (one alerting path: Prometheus rules + Alertmanager); see docs/dashboards.md. */
export const ALERTS_TARGET = 'grafana/alerting/aimeter-alerts.yml';

/** Every generated file: repo-relative path -> content. */
export function generatedFiles(root = repoRoot()): Map<string, string> {
  const files = new Map<string, string>();
  for (const d of DASHBOARDS) files.set(`grafana/dashboards/${fileName(d)}`, `${JSON.stringify(d, null, 2)}\n`);
  files.set(ALERTS_TARGET, grafanaAlertingYaml(readFileSync(join(root, ALERTS_SOURCE), 'utf8')));
  return files;
}

/** Repo-relative paths whose committed content differs from the generated content. */
export function staleFiles(root = repoRoot()): string[] {
  const stale: string[] = [];
  for (const [path, content] of generatedFiles(root)) {
    let current: string | undefined;
    try {
      current = readFileSync(join(root, path), 'utf8');
    } catch {
      current = undefined;
    }
    if (current !== content) stale.push(path);
  }
  return stale;
}

if (require.main === module) {
  const root = repoRoot();
  if (process.argv.includes('--check')) {
    const stale = staleFiles(root);
    if (stale.length > 0) {
      console.error(`stale generated files (run node dist/grafana/src/generate.js):\n  ${stale.join('\n  ')}`);
      process.exit(1);
    }
    console.log('generated Grafana files are up to date');
  } else {
    for (const [path, content] of generatedFiles(root)) {
      writeFileSync(join(root, path), content);
      console.log(`wrote ${path}`);
    }
  }
}
