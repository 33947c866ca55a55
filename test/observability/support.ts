/**
 * Shared helpers of the observability tests (prometheus/, grafana/, docker-compose.yml):
 * locating the repository and the Prometheus binaries, free loopback ports, PromQL metric-name
 * extraction and Grafana variable substitution.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';

export { freePort, REPO_ROOT as ROOT } from '../helpers/child-app';
import { REPO_ROOT as ROOT } from '../helpers/child-app';
export const inRepo = (...parts: string[]): string => join(ROOT, ...parts);
export const readRepo = (...parts: string[]): string => readFileSync(inRepo(...parts), 'utf8');
export const readYaml = <T = unknown>(...parts: string[]): T => parse(readRepo(...parts)) as T;

export const IN_CI = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';

/** A binary on PATH (or in /usr/bin, where Debian's prometheus package puts it), or undefined. */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The path of a required tool. When it is missing: in CI the test fails loudly; elsewhere the
 * caller skips with the returned message.
 */
export function requireTool(name: string): { path: string } | { skip: string } {
  const path = findBinary(name);
  if (path) return { path };
  const message = `${name} not found on PATH (install Debian's "prometheus" package: apt-get install -y prometheus)`;
  if (IN_CI) throw new Error(`${message}; CI is set, so this is a failure, not a skip`);
  return { skip: `${message}; skipped because CI is not set` };
}

/** Runs a command; returns its output or throws with the output in the message. */
export function run(cmd: string, args: readonly string[], cwd = ROOT): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}\n${e.message}`, { cause: err });
  }
}

export function listFiles(dir: string, suffix: string): string[] {
  return readdirSync(inRepo(dir))
    .filter((f) => f.endsWith(suffix))
    .sort()
    .map((f) => join(dir, f));
}

// ---------------------------------------------------------------------------------------------
// Prometheus rule files

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Record<string, string>;
}
export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}
export type Rule = RecordingRule | AlertingRule;
export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly Rule[];
}

export const RULE_FILES = listFiles('prometheus/rules', '.yml');

export function ruleGroups(): { file: string; group: RuleGroup }[] {
  return RULE_FILES.flatMap((file) => (readYaml<{ groups: RuleGroup[] }>(file).groups ?? []).map((group) => ({ file, group })));
}

export const isAlert = (r: Rule): r is AlertingRule => 'alert' in r;
export const isRecord = (r: Rule): r is RecordingRule => 'record' in r;

export function alertRules(): AlertingRule[] {
  return ruleGroups().flatMap(({ group }) => group.rules.filter(isAlert));
}
export function recordingRules(): RecordingRule[] {
  return ruleGroups().flatMap(({ group }) => group.rules.filter(isRecord));
}

// ---------------------------------------------------------------------------------------------
// PromQL

const FUNCTIONS_AND_KEYWORDS = new Set([
  'abs', 'absent', 'absent_over_time', 'avg', 'avg_over_time', 'bool', 'bottomk', 'by', 'ceil', 'changes',
  'day_of_month', 'day_of_week', 'days_in_month', 'hour', 'minute', 'month', 'year',
  'clamp', 'clamp_max', 'clamp_min', 'count', 'count_over_time', 'count_values', 'deriv', 'delta', 'exp',
  'floor', 'group', 'group_left', 'group_right', 'histogram_quantile', 'holt_winters', 'idelta', 'ignoring',
  'increase', 'irate', 'label_join', 'label_replace', 'last_over_time', 'ln', 'log2', 'log10', 'max',
  'max_over_time', 'min', 'min_over_time', 'offset', 'on', 'or', 'and', 'unless', 'predict_linear',
  'present_over_time', 'quantile', 'quantile_over_time', 'rate', 'resets', 'round', 'scalar', 'sort',
  'sort_desc', 'sqrt', 'stddev', 'stddev_over_time', 'stdvar', 'stdvar_over_time', 'sum', 'sum_over_time',
  'time', 'timestamp', 'topk', 'vector', 'without', 'inf', 'nan', 'month', 'year', 'hour', 'minute',
  'day_of_month', 'day_of_week', 'days_in_month', 'start', 'end',
]);

/** The metric names a PromQL expression reads (including recording-rule names). */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // strings
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges and subqueries
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // label lists
    .replace(/\boffset\s+-?\d+[smhdwy]/g, ' ')
    .replace(/\$\w+/g, ' '); // Grafana variables
  const names = new Set<string>();
  for (const m of stripped.matchAll(/(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)/g)) {
    const name = m[1] as string;
    if (FUNCTIONS_AND_KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names];
}

/** Metric family names documented in docs/metrics.md (backquoted names in its tables). */
export function documentedMetrics(): Set<string> | undefined {
  const path = inRepo('docs', 'metrics.md');
  if (!existsSync(path)) return undefined;
  const names = new Set<string>();
  for (const m of readFileSync(path, 'utf8').matchAll(/`([a-z_][a-z0-9_]*)`/g)) names.add(m[1] as string);
  return names;
}

/** The family a sample name belongs to: histogram series end in _bucket, _sum or _count. */
export function familyCandidates(name: string): string[] {
  const out = [name];
  const m = /^(.*)_(bucket|sum|count)$/.exec(name);
  if (m) out.push(m[1] as string);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Grafana

export interface GrafanaTarget {
  readonly refId: string;
  readonly expr: string;
  readonly exemplar?: boolean;
  readonly instant?: boolean;
  readonly range?: boolean;
  readonly datasource?: { type: string; uid: string };
}
export interface GrafanaPanel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly gridPos: { x: number; y: number; w: number; h: number };
  readonly datasource?: { type: string; uid: string };
  readonly targets?: readonly GrafanaTarget[];
  readonly fieldConfig?: { defaults?: { unit?: string } };
  readonly panels?: readonly GrafanaPanel[];
  readonly description?: string;
  readonly timeFrom?: string;
}
export interface GrafanaVariable {
  readonly type: string;
  readonly name: string;
  readonly query?: string | { query: string };
  readonly definition?: string;
  readonly allValue?: string;
}
export interface GrafanaDashboard {
  readonly uid: string;
  readonly title: string;
  readonly panels: readonly GrafanaPanel[];
  readonly templating: { readonly list: readonly GrafanaVariable[] };
}

export const DASHBOARD_FILES = listFiles('grafana/dashboards', '.json');

export function dashboards(): { file: string; dashboard: GrafanaDashboard }[] {
  return DASHBOARD_FILES.map((file) => ({ file, dashboard: JSON.parse(readRepo(file)) as GrafanaDashboard }));
}

/** Panels, including those nested in collapsed rows (rows themselves excluded). */
export function allPanels(d: GrafanaDashboard): GrafanaPanel[] {
  return d.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
}

/** The selectors (`metric{matchers}`) of a PromQL expression. */
export function selectors(expr: string): { metric: string; matchers: string }[] {
  return [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)]
    .filter((m) => m[1] !== 'label_replace')
    .map((m) => ({ metric: m[1] as string, matchers: m[2] as string }));
}

/**
 * A label value as Grafana writes it into a `=~"..."` matcher: regex metacharacters escaped with a
 * backslash that is itself escaped for the PromQL string (`127.0.0.1` -> `127\\.0\\.0\\.1`).
 */
export function regexEscape(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}]/g, '\\\\$&');
}

/**
 * What Grafana puts in place of a template variable set to "All": its custom all-value if it has
 * one, else the regex of every value it lists (so a variable without an all-value never matches
 * more than its own values).
 */
export function allValueOf(v: GrafanaVariable, values: readonly string[]): string {
  if (v.allValue !== undefined && v.allValue !== '') return v.allValue;
  const listed = values.filter((x) => x !== '');
  return listed.length === 1 ? regexEscape(listed[0] as string) : `(${listed.map(regexEscape).join('|')})`;
}

/**
 * Replaces Grafana's variables as Grafana would: `$__rate_interval` and `$__interval` by
 * `rateInterval`, `$__range` by `range`, and each template variable (`$job`, `${provider}`, ...)
 * by its entry in `values` (the regex Grafana substitutes; the dashboards use them with =~).
 * A variable missing from `values` is an error, not silently `.*`.
 */
export function substitute(expr: string, values: Readonly<Record<string, string>>, rateInterval = '1m', range = '5m'): string {
  return expr
    .replace(/\$__rate_interval|\$\{__rate_interval\}/g, rateInterval)
    .replace(/\$__interval|\$\{__interval\}/g, rateInterval)
    .replace(/\$__range|\$\{__range\}/g, range)
    .replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (_m, a: string | undefined, b: string | undefined) => {
      const name = (a ?? b) as string;
      const value = values[name];
      if (value === undefined) throw new Error(`no value for $${name} in ${expr}`);
      return value;
    });
}

/** The `label_values(selector, label)` query of a Grafana query variable. */
export function labelValuesQuery(v: GrafanaVariable): { selector: string; label: string } | undefined {
  const q = typeof v.query === 'string' ? v.query : v.query?.query ?? v.definition ?? '';
  const m = /^label_values\((.*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(q.trim());
  return m ? { selector: m[1] as string, label: m[2] as string } : undefined;
}

/** GitHub-style anchors of the headings of a markdown file. */
export function markdownAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6}\s+(.+?)\s*$/gm)) {
    anchors.add(
      (m[1] as string)
        .toLowerCase()
        .replace(/[^\w\- ]/g, '')
        .replace(/ /g, '-'),
    );
  }
  return anchors;
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
