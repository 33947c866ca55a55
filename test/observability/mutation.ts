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
import { metricNames, pool, readYaml } from './support';

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
  alert_rule_test?: { alertname: string; eval_time: string; exp_alerts?: unknown[] }[];
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

/**
 * Function calls that yield samples out of nothing (no series read): a rule that contains one is
 * never taken for empty.
 */
const GENERATORS = /\b(?:vector|absent|absent_over_time|time|scalar|days_in_month|day_of_month|day_of_week|day_of_year|hour|minute|month|year)\s*\(/;

/** The metric names of a case's input series (`name{...}` or `{__name__="name", ...}`). */
export function inputNames(test: TestCase): Set<string> {
  const names = new Set<string>();
  for (const s of test.input_series as { series?: string }[]) {
    const series = s.series ?? '';
    const name = /^\s*([a-zA-Z_:][\w:]*)/.exec(series)?.[1] ?? /__name__\s*=\s*"([^"]+)"/.exec(series)?.[1];
    if (name) names.add(name);
  }
  return names;
}

/**
 * The rules a set of alert names and expressions depends on, transitively; with `inputs` (the
 * metric names of a case's input series), less the recording rules that are empty in that case:
 * every name they read is a metric the case has no series of, or recorded only by rules that are
 * empty too, and they call no function that makes samples out of nothing (vector(), time(),
 * absent(), ...). Such a rule yields no sample with that input, whatever its thresholds or
 * windows, so leaving it out changes nothing the case can see, and saves promtool evaluating it
 * at every step (the duration and time-to-first-chunk SLIs of an availability case halve its
 * cost).
 */
export function dependencies(rules: Rules, alerts: readonly string[], exprs: readonly string[], inputs?: ReadonlySet<string>): Set<RuleRef> {
  const all = allRules(rules);
  const recorded = new Set(all.flatMap(({ rule }) => (rule.record ? [rule.record] : [])));
  const empty = new Set<RuleRef>();
  if (inputs) {
    // Rule files are in dependency order (promtool.test.ts checks it), so one pass suffices.
    const nonEmptyNames = new Set<string>();
    for (const { ref, rule } of all) {
      if (!rule.record) continue;
      const names = metricNames(rule.expr);
      const isEmpty =
        names.length > 0 && !GENERATORS.test(rule.expr) && names.every((n) => (recorded.has(n) ? !nonEmptyNames.has(n) : !inputs.has(n)));
      if (isEmpty) empty.add(ref);
      else nonEmptyNames.add(rule.record);
    }
  }
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
      if (rule.record && names.has(rule.record) && !needed.has(ref) && !empty.has(ref)) {
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
        inputNames(test),
      ),
    }));
  });
}

/**
 * What a case needs under a mutant: its own rules, plus those the mutated rule reads that the
 * original did not (a window swapped for one the case never evaluated), so that a mutant is never
 * killed by a rule missing from the pruned copy.
 */
function needsUnder(rules: Rules, c: Case, mutant: Mutant | undefined): ReadonlySet<RuleRef> {
  if (!mutant?.mutated || !c.needs.has(mutant.ref)) return c.needs;
  const extra = dependencies(rules, [], [mutant.mutated.expr], inputNames(c.test));
  return extra.size === 0 ? c.needs : new Set([...c.needs, ...extra]);
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

/** Writes one promtool test file for a case, with its own pruned rule file; returns its path. */
function writeCase(dir: string, name: string, rules: Rules, c: Case, mutant?: Mutant): string {
  mkdirSync(dir, { recursive: true });
  const { doc, order } = prunedRules(rules, needsUnder(rules, c, mutant), mutant);
  const rulesPath = join(dir, `${name}.rules.yml`);
  writeFileSync(rulesPath, stringify(doc, { lineWidth: 0 }));
  const testPath = join(dir, `${name}-${basename(c.file)}`);
  const test: TestFile = {
    rule_files: [rulesPath],
    evaluation_interval: c.evaluationInterval,
    group_eval_order: order,
    tests: [c.test],
  };
  writeFileSync(testPath, stringify(test, { lineWidth: 0 }));
  return testPath;
}

/**
 * Writes a test file whole (every case, its evaluation interval and group order) with one rule
 * file holding the rules its cases read, transitively: the alerts they check, the recorded
 * series their expressions and those alerts read, and what those read. A rule no case reads
 * cannot change what any case sees, and promtool would evaluate it at every step of every case
 * (the SLO rules made quality.test.yml cost some 60 CPU-seconds instead of a few). No rule is
 * left out for being empty with a case's input: that finer pruning (the mutation check's) is
 * proven by its baseline, this one by construction. Returns the test file's path.
 */
export function writeTrimmedFile(dir: string, rules: Rules, file: string): string {
  mkdirSync(dir, { recursive: true });
  const doc = readYaml<TestFile>(file);
  const keep = new Set<RuleRef>();
  for (const test of doc.tests) {
    const needs = dependencies(
      rules,
      (test.alert_rule_test ?? []).map((a) => a.alertname),
      (test.promql_expr_test ?? []).map((p) => p.expr),
    );
    for (const ref of needs) keep.add(ref);
  }
  const { doc: ruleDoc, order } = prunedRules(rules, keep);
  const name = basename(file, '.yml');
  const rulesPath = join(dir, `${name}.rules.yml`);
  writeFileSync(rulesPath, stringify(ruleDoc, { lineWidth: 0 }));
  const testPath = join(dir, basename(file));
  const trimmed: TestFile = { ...doc, rule_files: [rulesPath], group_eval_order: order };
  writeFileSync(testPath, stringify(trimmed, { lineWidth: 0 }));
  return testPath;
}

/** Writes a promtool test file per case (each with its own pruned rule file); returns their paths. */
export function writeCases(dir: string, rules: Rules, cases: readonly Case[], mutant?: Mutant): string[] {
  return cases.map((c, i) => writeCase(dir, `case-${i}`, rules, c, mutant));
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
              description: `${where}: ${w.kind} ${w.text} -> ${duration(s * factor)} (at ${w.start})`,
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

/**
 * Mutants that no input can tell from the rule, by description, each with the reason. They are
 * not run; the test fails when one no longer matches a mutant (the rule changed: re-examine it).
 */
export const EQUIVALENT: ReadonlyMap<string, string> = new Map([
  [
    'AimeterResolutionRateLow: range 1h -> 2h (at 146)',
    'the zero that stands in for "no resolved series" (`or ... [1h] * 0`) is divided by the ended count over 1h: ' +
      'every job with an increase over 1h has one over 2h, and a job with one over 2h only is dropped by the division',
  ],
]);

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

/**
 * How directly a case checks the mutated rule: 0, it shows that alert firing; 1, it checks that
 * alert or queries that recorded series; 2, it only depends on the rule.
 */
function directness(c: Case, m: Mutant, rules: Rules): number {
  const rule = ruleAt(rules, m.ref);
  if (rule?.alert) {
    const checks = (c.test.alert_rule_test ?? []).filter((a) => a.alertname === rule.alert);
    return checks.some((a) => (a.exp_alerts ?? []).length > 0) ? 0 : checks.length > 0 ? 1 : 2;
  }
  return rule?.record !== undefined && (c.test.promql_expr_test ?? []).some((p) => metricNames(p.expr).includes(rule.record as string)) ? 1 : 2;
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
  readonly killerCase?: Case;
  /** The cases run against this mutant (promtool test files, however batched). */
  readonly runs: number;
}

/**
 * Runs promtool on several test files at once (it tests them one after the other and prints a
 * "Unit Testing:  <file>" section for each, with SUCCESS when it passed): per file, true when it
 * passed, false when it failed (a failed test or an invalid file: its section has no SUCCESS),
 * undefined when the output does not name it where expected (then it is run alone).
 */
export async function promtoolEach(promtool: string, files: readonly string[]): Promise<(boolean | undefined)[]> {
  if (files.length === 1) return [(await promtoolPasses(promtool, files)).passed];
  const { stdout, passed } = await new Promise<{ stdout: string; passed: boolean }>((resolve, reject) => {
    const child = spawn(promtool, ['test', 'rules', ...files], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout: out, passed: code === 0 }));
  });
  if (passed) return files.map(() => true);
  const sections = stdout.split(/^Unit Testing: +/m).slice(1);
  return files.map((file, i) => {
    const section = sections[i];
    if (section === undefined || !section.startsWith(`${file}\n`)) return undefined;
    return /^ {2}SUCCESS$/m.test(section);
  });
}

/** promtoolEach over many files: `parallel` processes at a time, each given a share of the files. */
export async function promtoolAll(promtool: string, files: readonly string[], parallel: number): Promise<(boolean | undefined)[]> {
  const per = Math.max(1, Math.ceil(files.length / (parallel * 2)));
  const chunks = Array.from({ length: Math.ceil(files.length / per) }, (_, i) => files.slice(i * per, (i + 1) * per));
  return (await pool(chunks, parallel, (chunk) => promtoolEach(promtool, chunk))).flat();
}

/** Promtool test files per invocation, and the most evaluation work (cost()) one may bundle. */
const BATCH_FILES = 8;
const BATCH_COST = 3000;

/** A case as the kill hints name it: test file and case name. */
export const caseName = (c: Case): string => `${c.file}: ${c.test.name}`;

/**
 * Runs every mutant against the cases that depend on its rule until one fails (kills it). A
 * queue of (mutant, next case) jobs feeds `parallel` promtool processes, each taking the dearest
 * job or several cheap ones at a time; a mutant whose case passed queues its next case at once.
 * A mutant's order: first the case that killed it last time (`hints`: mutant description -> case,
 * test/observability/mutation-killers.json; only an order, every verdict is promtool's), then the
 * cases that have killed another mutant of the same rule (most kills first), then the cases that show the mutated alert firing, then the others that check the
 * mutated rule, then the rest; cheapest first within each.
 */
export async function runMutants(
  promtool: string,
  rules: Rules,
  cases: readonly Case[],
  all: readonly Mutant[],
  dir: string,
  parallel: number,
  onResult?: (r: MutantResult) => void,
  hints: ReadonlyMap<string, string> = new Map(),
): Promise<MutantResult[]> {
  interface State {
    readonly index: number;
    readonly mutant: Mutant;
    readonly order: Case[];
    readonly tried: Set<Case>;
    result?: MutantResult;
  }
  interface Job {
    readonly st: State;
    readonly c: Case;
    readonly file: string;
    readonly cost: number;
  }
  const results: MutantResult[] = new Array(all.length);
  const killers = new Map<RuleRef, Map<Case, number>>();
  const queue: Job[] = [];
  const finish = (st: State, result: MutantResult): void => {
    st.result = result;
    results[st.index] = result;
    onResult?.(result);
  };
  const enqueue = (st: State): void => {
    const hint = st.order.find((c) => caseName(c) === hints.get(st.mutant.description));
    const siblings = [...(killers.get(st.mutant.ref) ?? new Map<Case, number>())].sort((a, b) => b[1] - a[1]).map(([c]) => c);
    const hinted = hint ? [hint, ...siblings] : siblings;
    const next = [...hinted, ...st.order].find((c) => !st.tried.has(c));
    if (!next) return finish(st, { mutant: st.mutant, outcome: 'survived', runs: st.tried.size });
    st.tried.add(next);
    queue.push({ st, c: next, file: writeCase(dir, `m${st.index}-${st.tried.size}`, rules, next, st.mutant), cost: cost(next) });
  };
  all.forEach((mutant, index) => {
    const order = cases
      .filter((c) => c.needs.has(mutant.ref))
      .map((c) => ({ c, rank: directness(c, mutant, rules), cost: cost(c) }))
      .sort((a, b) => a.rank - b.rank || a.cost - b.cost)
      .map((x) => x.c);
    const st: State = { index, mutant, order, tried: new Set<Case>() };
    if (order.length === 0) finish(st, { mutant, outcome: 'untested', runs: 0 });
    else enqueue(st);
  });

  /** The dearest job, or as many of the cheapest as fit in one batch. */
  const take = (): Job[] => {
    queue.sort((a, b) => a.cost - b.cost);
    const dearest = queue[queue.length - 1] as Job;
    if (dearest.cost >= BATCH_COST) return [queue.pop() as Job];
    const batch: Job[] = [];
    let sum = 0;
    while (queue.length > 0 && batch.length < BATCH_FILES && sum + (queue[0] as Job).cost <= BATCH_COST) {
      const job = queue.shift() as Job;
      sum += job.cost;
      batch.push(job);
    }
    return batch.length > 0 ? batch : [queue.shift() as Job];
  };
  // Workers with nothing to take wait until a batch in flight ends (it may queue next cases).
  let inFlight = 0;
  let waiting: (() => void)[] = [];
  const wakeAll = (): void => {
    const w = waiting;
    waiting = [];
    for (const resolve of w) resolve();
  };
  const worker = async (): Promise<void> => {
    for (;;) {
      if (queue.length === 0) {
        if (inFlight === 0) return wakeAll();
        await new Promise<void>((resolve) => waiting.push(resolve));
        continue;
      }
      const batch = take();
      inFlight++;
      const passed = await promtoolEach(promtool, batch.map((j) => j.file));
      for (const [k, job] of batch.entries()) {
        const ok = passed[k] ?? (await promtoolPasses(promtool, [job.file])).passed;
        if (!ok) {
          const perRule = killers.get(job.st.mutant.ref) ?? new Map<Case, number>();
          perRule.set(job.c, (perRule.get(job.c) ?? 0) + 1);
          killers.set(job.st.mutant.ref, perRule);
          finish(job.st, { mutant: job.st.mutant, outcome: 'killed', killer: caseName(job.c), killerCase: job.c, runs: job.st.tried.size });
        } else enqueue(job.st);
      }
      inFlight--;
      wakeAll();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  return results;
}

export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'aimeter-mutation-'));
export { parse, pool };
