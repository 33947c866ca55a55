/**
 * Mutation testing of the Prometheus rules: copies of the rules with one threshold, window,
 * `for:` or objective changed, run against the promtool tests; a mutant that no test notices
 * ("survives") is a rule that could drift untested.
 *
 * To keep it fast, each promtool test case runs against only the rules it depends on (the alerts
 * it checks, the recorded series its expressions read, and what those read, transitively), and a
 * mutant only against the cases that depend on the rule it changes. The pruned, unmutated cases
 * must pass too: that shows the pruning changes nothing.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { DURATION_BUCKETS } from '../../src/metrics/catalog';
import { metricNames, readYaml } from './support';

export interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface Group {
  name: string;
  interval?: string;
  rules: Rule[];
}
interface RuleFile {
  groups: Group[];
}
export interface TestCase {
  name: string;
  interval?: string;
  input_series: unknown[];
  alert_rule_test?: { alertname: string; eval_time: string }[];
  promql_expr_test?: { expr: string; eval_time: string }[];
  external_labels?: Record<string, string>;
}
interface TestFile {
  rule_files: string[];
  evaluation_interval?: string;
  group_eval_order?: string[];
  tests: TestCase[];
}

/** A rule by position: file, group index, rule index. */
type RuleRef = `${string}#${number}#${number}`;

export interface Rules {
  readonly files: ReadonlyMap<string, RuleFile>;
}

export interface Mutant {
  readonly ref: RuleRef;
  readonly description: string;
  /** The rule after the mutation; undefined deletes it. */
  readonly mutated: Rule | undefined;
}

export interface Case {
  readonly file: string;
  readonly test: TestCase;
  readonly evaluationInterval: string;
  /** The rules the case depends on. */
  readonly needs: ReadonlySet<RuleRef>;
}

export function loadRules(ruleFiles: readonly string[]): Rules {
  return { files: new Map(ruleFiles.map((f) => [f, readYaml<RuleFile>(f)])) };
}

function allRules(rules: Rules): { ref: RuleRef; rule: Rule }[] {
  const out: { ref: RuleRef; rule: Rule }[] = [];
  for (const [file, doc] of rules.files) {
    doc.groups.forEach((g, gi) => g.rules.forEach((rule, ri) => out.push({ ref: `${file}#${gi}#${ri}`, rule })));
  }
  return out;
}

/** The rules a set of alert names and expressions depends on, transitively. */
export function dependencies(rules: Rules, alerts: readonly string[], exprs: readonly string[]): Set<RuleRef> {
  const all = allRules(rules);
  const needed = new Set<RuleRef>();
  const names = new Set<string>(exprs.flatMap(metricNames));
  for (const { ref, rule } of all) {
    if (rule.alert && alerts.includes(rule.alert)) {
      needed.add(ref);
      for (const n of metricNames(rule.expr)) names.add(n);
    }
  }
  for (let grown = true; grown; ) {
    grown = false;
    for (const { ref, rule } of all) {
      if (rule.record && names.has(rule.record) && !needed.has(ref)) {
        needed.add(ref);
        for (const n of metricNames(rule.expr)) names.add(n);
        grown = true;
      }
    }
  }
  return needed;
}

export function loadCases(rules: Rules, testFiles: readonly string[]): Case[] {
  return testFiles.flatMap((file) => {
    const doc = readYaml<TestFile>(file);
    return doc.tests.map((test) => ({
      file,
      test,
      evaluationInterval: doc.evaluation_interval ?? '1m',
      needs: dependencies(
        rules,
        (test.alert_rule_test ?? []).map((a) => a.alertname),
        (test.promql_expr_test ?? []).map((p) => p.expr),
      ),
    }));
  });
}

/** One rule file holding only the rules in `keep` (groups in their order), `mutant` applied. */
function prunedRules(rules: Rules, keep: ReadonlySet<RuleRef>, mutant?: Mutant): { doc: RuleFile; order: string[] } {
  const groups: Group[] = [];
  for (const [file, doc] of rules.files) {
    doc.groups.forEach((g, gi) => {
      const kept: Rule[] = [];
      g.rules.forEach((rule, ri) => {
        const ref: RuleRef = `${file}#${gi}#${ri}`;
        if (!keep.has(ref)) return;
        if (mutant?.ref === ref) {
          if (mutant.mutated) kept.push(mutant.mutated);
        } else kept.push(rule);
      });
      if (kept.length > 0) groups.push({ ...g, rules: kept });
    });
  }
  return { doc: { groups }, order: groups.map((g) => g.name) };
}

/** Writes a promtool test file per case (each with its own pruned rule file); returns their paths. */
export function writeCases(dir: string, rules: Rules, cases: readonly Case[], mutant?: Mutant): string[] {
  mkdirSync(dir, { recursive: true });
  return cases.map((c, i) => {
    const { doc, order } = prunedRules(rules, c.needs, mutant);
    const rulesPath = join(dir, `rules-${i}.yml`);
    writeFileSync(rulesPath, stringify(doc, { lineWidth: 0 }));
    const testPath = join(dir, `case-${i}-${basename(c.file)}`);
    const test: TestFile = {
      rule_files: [rulesPath],
      evaluation_interval: c.evaluationInterval,
      group_eval_order: order,
      tests: [c.test],
    };
    writeFileSync(testPath, stringify(test, { lineWidth: 0 }));
    return testPath;
  });
}

// ---------------------------------------------------------------------------------------------
// Mutation operators

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const seconds = (d: string): number => {
  let total = 0;
  for (const m of d.matchAll(/(\d+(?:\.\d+)?)([smhdw])/g)) total += Number(m[1]) * (UNIT_SECONDS[m[2] as string] as number);
  return total;
};
const duration = (s: number): string => (s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`);
const number = (n: number): string => String(Number(n.toPrecision(12)));

/**
 * Positions of the thresholds in an alert expression: number literals outside strings, label
 * matchers, ranges, durations and identifiers, and not the constant of vector(N).
 */
export function thresholds(expr: string): { start: number; end: number; value: number }[] {
  const out: { start: number; end: number; value: number }[] = [];
  const skip = /"(?:[^"\\]|\\.)*"|\{[^}]*\}|\[[^\]]*\]|offset\s+\S+|vector\(\s*[\d.]+\s*\)|[a-zA-Z_:][\w:]*|\d+(?:\.\d+)?[smhdwy]\b/y;
  const num = /\d+(?:\.\d+)?(?:e[+-]?\d+)?/y;
  for (let i = 0; i < expr.length; ) {
    skip.lastIndex = i;
    const s = skip.exec(expr);
    if (s) {
      i = skip.lastIndex;
      continue;
    }
    num.lastIndex = i;
    const n = num.exec(expr);
    if (n) {
      out.push({ start: i, end: num.lastIndex, value: Number(n[0]) });
      i = num.lastIndex;
      continue;
    }
    i++;
  }
  return out;
}

/** Windows in an expression: `[d]` ranges and `offset d`, and recorded names ending in a window. */
function windows(expr: string): { start: number; end: number; text: string; kind: 'range' | 'offset' | 'suffix' }[] {
  const out: { start: number; end: number; text: string; kind: 'range' | 'offset' | 'suffix' }[] = [];
  for (const m of expr.matchAll(/\[(\d+[smhdw])(?::[^\]]*)?\]/g)) {
    out.push({ start: (m.index as number) + 1, end: (m.index as number) + 1 + (m[1] as string).length, text: m[1] as string, kind: 'range' });
  }
  for (const m of expr.matchAll(/offset\s+(\d+[smhdw])/g)) {
    const start = (m.index as number) + m[0].length - (m[1] as string).length;
    out.push({ start, end: start + (m[1] as string).length, text: m[1] as string, kind: 'offset' });
  }
  for (const m of expr.matchAll(/[a-z_]*:[a-z][a-z0-9_]*:[a-z_]*?(\d+[smhd])\b/g)) {
    const start = (m.index as number) + m[0].length - (m[1] as string).length;
    out.push({ start, end: start + (m[1] as string).length, text: m[0], kind: 'suffix' });
  }
  return out;
}

const splice = (s: string, start: number, end: number, text: string): string => s.slice(0, start) + text + s.slice(end);

/** Severities an alert could be mislabelled with (the Watchdog's "none" included). */
const SEVERITIES = ['critical', 'warning', 'none'] as const;

/**
 * The mutants of every rule file, whatever file a rule is in:
 * - alerts: `for:` dropped and tripled (0 -> one test interval), each threshold x1.1 and x0.9
 *   (0 -> -1), the severity label swapped for each other severity, each range and offset doubled
 *   and halved, each recorded window (`...:ratio_rate1h`) swapped for its partner in the same
 *   expression (or, alone, for another recorded window of the same series);
 * - constants (recording rules whose expression is `vector(N)`: objectives, budgets, the traffic
 *   floor): N x1.1 and x0.9 (a `:ratio` objective: its error budget 1 - N x1.1 and x0.9), a
 *   latency objective's `le` moved to the neighbouring buckets, and a flag (`vector(1)` with
 *   labels: an excluded error type) removed.
 */
export function mutants(rules: Rules, testInterval = '1m'): Mutant[] {
  const recorded = new Set(allRules(rules).flatMap(({ rule }) => (rule.record ? [rule.record] : [])));
  const out: Mutant[] = [];
  for (const { ref, rule } of allRules(rules)) {
    const where = rule.alert ?? `${rule.record}${rule.labels ? JSON.stringify(rule.labels) : ''}`;
    if (rule.alert) {
      const forS = seconds(rule.for ?? '0s');
      if (forS === 0) out.push({ ref, description: `${where}: for: 0 -> ${testInterval}`, mutated: { ...rule, for: testInterval } });
      else {
        out.push({ ref, description: `${where}: for: ${rule.for} dropped`, mutated: { ...rule, for: '0s' } });
        out.push({ ref, description: `${where}: for: ${rule.for} tripled`, mutated: { ...rule, for: duration(forS * 3) } });
      }
      const severity = rule.labels?.severity;
      for (const other of SEVERITIES) {
        if (severity === undefined || other === severity) continue;
        out.push({ ref, description: `${where}: severity ${severity} -> ${other}`, mutated: { ...rule, labels: { ...rule.labels, severity: other } } });
      }
      for (const t of thresholds(rule.expr)) {
        const changed = t.value === 0 ? [-1] : [t.value * 1.1, t.value * 0.9];
        for (const v of changed) {
          out.push({
            ref,
            description: `${where}: threshold ${t.value} -> ${number(v)} (at ${t.start})`,
            mutated: { ...rule, expr: splice(rule.expr, t.start, t.end, number(v)) },
          });
        }
      }
      const suffixesHere = windows(rule.expr).filter((w) => w.kind === 'suffix');
      for (const w of windows(rule.expr)) {
        if (w.kind === 'suffix') {
          // Another window of the same recorded series: the partners in this expression first
          // (dropping one window of a multi-window pair), else any recorded one.
          const prefix = w.text.slice(0, w.text.length - (w.end - w.start));
          const inExpr = suffixesHere.filter((o) => o.text !== w.text && o.text.startsWith(prefix)).map((o) => o.text);
          const others = inExpr.length > 0 ? [...new Set(inExpr)] : [...recorded].filter((r) => r !== w.text && r.startsWith(prefix) && /\d+[smhd]$/.test(r)).slice(0, 2);
          for (const o of others) {
            out.push({ ref, description: `${where}: ${w.text} -> ${o}`, mutated: { ...rule, expr: splice(rule.expr, w.start - prefix.length, w.end, o) } });
          }
        } else {
          const s = seconds(w.text);
          for (const factor of [2, 0.5]) {
            out.push({
              ref,
              description: `${where}: ${w.kind} ${w.text} -> ${duration(s * factor)}`,
              mutated: { ...rule, expr: splice(rule.expr, w.start, w.end, duration(s * factor)) },
            });
          }
        }
      }
    } else {
      const constant = /^vector\(([\d.]+)\)$/.exec(rule.expr.trim());
      if (!constant) continue;
      const value = Number(constant[1]);
      if (value === 1 && rule.labels && Object.keys(rule.labels).length > 0 && rule.record?.endsWith(':constant')) {
        out.push({ ref, description: `${where}: removed`, mutated: undefined });
        continue;
      }
      const ratio = rule.record?.endsWith(':ratio');
      for (const f of [1.1, 0.9]) {
        const v = ratio ? 1 - (1 - value) * f : value * f;
        out.push({ ref, description: `${where}: ${value} -> ${number(v)}`, mutated: { ...rule, expr: `vector(${number(v)})` } });
      }
      const le = rule.labels?.le;
      if (le !== undefined) {
        const i = DURATION_BUCKETS.findIndex((b) => String(b) === le);
        for (const j of [i - 1, i + 1]) {
          const b = DURATION_BUCKETS[j];
          if (i < 0 || b === undefined) continue;
          out.push({ ref, description: `${where}: le ${le} -> ${b}`, mutated: { ...rule, labels: { ...rule.labels, le: String(b) } } });
        }
      }
    }
  }
  return out;
}

/** Runs promtool test rules on the files; resolves true when every test passed. */
export function promtoolPasses(promtool: string, files: readonly string[], cwd?: string): Promise<{ passed: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(promtool, ['test', 'rules', ...files], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ passed: code === 0, output }));
  });
}

const toSeconds = (d: string): number => seconds(d);

/** Evaluations times rules: about what a case costs promtool. */
export function cost(c: Case): number {
  const times = [...(c.test.alert_rule_test ?? []), ...(c.test.promql_expr_test ?? [])].map((t) => toSeconds(t.eval_time));
  return (Math.max(0, ...times) / Math.max(1, toSeconds(c.evaluationInterval)) + 1) * c.needs.size;
}

/** Whether a case reads the mutated rule itself: it checks that alert, or queries that record. */
function direct(c: Case, m: Mutant, rules: Rules): boolean {
  const rule = ruleAt(rules, m.ref);
  if (rule?.alert) return (c.test.alert_rule_test ?? []).some((a) => a.alertname === rule.alert);
  return rule?.record !== undefined && (c.test.promql_expr_test ?? []).some((p) => metricNames(p.expr).includes(rule.record as string));
}

function ruleAt(rules: Rules, ref: RuleRef): Rule | undefined {
  const [file, gi, ri] = ref.split('#');
  return rules.files.get(file as string)?.groups[Number(gi)]?.rules[Number(ri)];
}

export interface MutantResult {
  readonly mutant: Mutant;
  /** killed: a case failed (its name); survived: every affected case passed; untested: no case reads the rule. */
  readonly outcome: 'killed' | 'survived' | 'untested';
  readonly killer?: string;
  readonly runs: number;
}

/**
 * Runs every mutant against the cases that depend on its rule, `parallel` promtool processes at
 * a time: the cases that check the mutated rule itself first, then the cheapest; the first case
 * that fails kills the mutant and the rest are not run.
 */
export async function runMutants(
  promtool: string,
  rules: Rules,
  cases: readonly Case[],
  all: readonly Mutant[],
  dir: string,
  parallel: number,
  onResult?: (r: MutantResult) => void,
): Promise<MutantResult[]> {
  return pool(all, parallel, async (m, i) => {
    const affected = cases
      .filter((c) => c.needs.has(m.ref))
      .map((c) => ({ c, first: direct(c, m, rules) ? 0 : 1, cost: cost(c) }))
      .sort((a, b) => a.first - b.first || a.cost - b.cost)
      .map((x) => x.c);
    let result: MutantResult = { mutant: m, outcome: affected.length === 0 ? 'untested' : 'survived', runs: 0 };
    const files = affected.length === 0 ? [] : writeCases(`${dir}/m${i}`, rules, affected, m);
    for (const [k, file] of files.entries()) {
      if (!(await promtoolPasses(promtool, [file])).passed) {
        result = { mutant: m, outcome: 'killed', killer: `${affected[k]?.file}: ${affected[k]?.test.name}`, runs: k + 1 };
        break;
      }
      result = { ...result, runs: k + 1 };
    }
    onResult?.(result);
    return result;
  });
}

/** Maps over items with at most `limit` promises in flight. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'aimeter-mutation-'));
export { parse };
