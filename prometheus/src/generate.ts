/**
 * Writes prometheus/rules/aimeter-slo.yml from prometheus/src/slo.ts (`npm run rules`);
 * with --check, exits 1 when the committed file differs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../grafana/src/generate';
import { SLO_RULES_FILE, sloRulesYaml } from './slo';

export function sloRulesStale(root = repoRoot()): boolean {
  try {
    return readFileSync(join(root, SLO_RULES_FILE), 'utf8') !== sloRulesYaml();
  } catch {
    return true;
  }
}

if (require.main === module) {
  const root = repoRoot();
  if (process.argv.includes('--check')) {
    if (sloRulesStale(root)) {
      console.error(`${SLO_RULES_FILE} is stale: run npm run rules`);
      process.exit(1);
    }
    console.log(`${SLO_RULES_FILE} is up to date`);
  } else {
    writeFileSync(join(root, SLO_RULES_FILE), sloRulesYaml());
    console.log(`wrote ${SLO_RULES_FILE}`);
  }
}
