/**
 * The promtool tests pin the rules: every mutant of every rule file in prometheus/rules (each
 * alert's thresholds x1.1 and x0.9, its `for:` dropped and tripled, its severity swapped, each
 * window doubled and halved or swapped for its partner; each constant, objectives, budgets and
 * the traffic floor, x1.1 and x0.9, each latency objective's bound moved to the neighbouring
 * bucket, each excluded error type removed) makes some promtool test in prometheus/tests fail.
 * Issue 11: 14 of 14 meaningful mutations (thresholds tripled, windows dropped) passed the old
 * tests. A rule file or a test file added to prometheus/ is mutation-tested without any change
 * here (prometheus/README.md, "Adding a rule with its tests").
 *
 * Cost (mutation.ts): each case runs against only the rules it depends on and that can yield a
 * sample with its input, each mutant against only the cases that depend on the rule it changes,
 * until the first that fails (the cases that killed its sibling mutants first, then those that
 * check the mutated rule, then the cheapest; mutation-killers.json remembers which case killed
 * each mutant last time and tries it first), several cases per promtool process and
 * availableParallelism() processes at a time. Measured: 323 mutants, 322 promtool cases (every
 * one the hinted killer), about 100 CPU-seconds; some 1.5 minutes on 2 cores.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { type Case, EQUIVALENT, loadCases, loadRules, mutants, promtoolAll, runMutants, tempDir, writeCases } from './mutation';
import { inRepo, listFiles, readYaml, requireTool } from './support';

/** Which case killed each mutant last time: tried first (mutation.ts, runMutants). */
const HINTS = inRepo('test/observability/mutation-killers.json');

/** The rule files in prometheus.yml's order, which is the order of their dependencies. */
export function orderedRuleFiles(): string[] {
  return readYaml<{ rule_files: string[] }>('prometheus/prometheus.yml').rule_files.map((f) => `prometheus/${f}`);
}

test('prometheus.yml loads every rule file in prometheus/rules (so each is mutation-tested)', () => {
  assert.deepEqual([...orderedRuleFiles()].sort(), listFiles('prometheus/rules', '.yml'));
});

// In every run (about 100 CPU-seconds, some 1.5 minutes on 2 cores); AIMETER_MUTATION=0 skips it
// for a quick local loop, never in CI.
const SKIP = process.env.AIMETER_MUTATION === '0' && !process.env.CI;

test('every mutant of the rules fails a promtool test', { skip: SKIP ? 'skipped: AIMETER_MUTATION=0' : false }, async (t) => {
  const tool = requireTool('promtool');
  if ('skip' in tool) return t.skip(tool.skip);
  const started = Date.now();
  const rules = loadRules(orderedRuleFiles());
  const cases = loadCases(rules, listFiles('prometheus/tests', '.yml'));
  const dir = tempDir();
  try {
    const every = mutants(rules);
    assert.ok(every.length >= 200, `only ${every.length} mutants`);
    const unknown = [...EQUIVALENT.keys()].filter((d) => !every.some((m) => m.description === d));
    assert.deepEqual(unknown, [], 'EQUIVALENT names mutants that no longer exist');
    const all = every.filter((m) => !EQUIVALENT.has(m.description));
    const parallel = Math.max(1, availableParallelism());
    const hints = new Map(Object.entries(existsSync(HINTS) ? (JSON.parse(readFileSync(HINTS, 'utf8')) as Record<string, string>) : {}));
    const results = await runMutants(tool.path, rules, cases, all, dir, parallel, undefined, hints);
    // The kill hints are a cache of the order: when a hint missed or is missing, the file is
    // rewritten (commit it; a stale file only makes the check slower, never wrong).
    const fresh = Object.fromEntries(results.flatMap((r) => (r.killer ? [[r.mutant.description, r.killer]] : [])).sort(([a], [b]) => (a < b ? -1 : 1)));
    const missed = results.filter((r) => r.killer && hints.get(r.mutant.description) !== r.killer).length;
    if (missed > 0 || Object.keys(fresh).length !== hints.size) {
      writeFileSync(HINTS, `${JSON.stringify(fresh, null, 1)}\n`);
      t.diagnostic(`${missed} kill hints missed or missing: ${HINTS} rewritten, commit it`);
    }

    // A kill counts only if the pruned case passes without the mutant: each case that killed a
    // mutant, unmutated and pruned as it was run, passes (the pruning left out only rules it does
    // not read or that yield nothing with its input). The cases that killed nothing need no such
    // proof; promtool.test.ts runs every test file whole.
    const killers = [...new Set(results.flatMap((r) => (r.killerCase ? [r.killerCase] : [])))];
    const baseline = await promtoolAll(tool.path, writeCases(`${dir}/baseline`, rules, killers), parallel);
    const broken = killers.filter((_, i) => baseline[i] !== true).map((c: Case) => `${c.file}: ${c.test.name}`);
    assert.deepEqual(broken, [], 'pruned promtool cases that fail without any mutation');

    const runs = results.reduce((n, r) => n + r.runs, 0);
    const of = (outcome: string) => results.filter((r) => r.outcome === outcome).map((r) => r.mutant.description);
    t.diagnostic(
      `${every.length} mutants (${EQUIVALENT.size} equivalent), ${of('killed').length} killed, ${runs} promtool cases, ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    assert.deepEqual(of('untested'), [], 'mutants of rules that no promtool test reads');
    assert.deepEqual(of('survived'), [], 'mutants that every promtool test still passes');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
