/**
 * End to end against a real Prometheus: start the demo app (examples/assistant, with aimeter
 * preloaded) on a free loopback port and a Prometheus (temp dir, rule evaluation every 2 s, the app
 * scraped every 2 s, the repo's rule files) that scrapes it; once data arrives, evaluate every
 * dashboard panel query, every template-variable query, every recording rule and every alert
 * expression through the HTTP API. None may fail, and every panel query must return data.
 * Template variables are resolved as Grafana resolves them ("All" is a variable's all-value, or
 * the regex of the values it lists), and the dashboards must not mislead: "All" on job shows no
 * other job's series, choosing one value of a variable blanks no panel it does not apply to, and
 * per-run and per-call figures equal the truth computed from other series.
 *
 * The error-budget panels chart two recording rules published with the SLOs; while
 * prometheus/rules does not define them, those two (and only those) are skipped, and said so.
 *
 * Both namings of the GenAI conventions (docs/conventions.md), in the same run: three demo apps,
 * one per OTEL_SEMCONV_STABILITY_OPT_IN mode (default v1.41, gen_ai_latest_experimental, and
 * /dup), each its own scrape job of the one Prometheus, so the extra modes cost no extra wait.
 * Every panel must have data with the job variable set to each mode's job alone, every recording
 * rule that has data for the default job must have it for the others, and under /dup the
 * either-naming reads equal what the v1.41 names alone give (no call counted twice).
 *
 * Needs the `prometheus` binary (Debian package "prometheus") and a build (npm run build).
 * Without the binary the test is skipped, unless CI is set: then it fails.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { stringify } from 'yaml';
import { RULES } from '../../grafana/src/names';
import { DURATION_FAMILIES } from '../../prometheus/src/slo';
import {
  alertRules,
  allPanels,
  allValueOf,
  dashboards,
  type GrafanaDashboard,
  freePort,
  IN_CI,
  inRepo,
  labelValuesQuery,
  pool,
  readYaml,
  recordingRules,
  requireTool,
  ROOT,
  RULE_FILES,
  regexEscape,
  selectors,
  substitute,
} from './support';

const DEMO = 'dist/examples/assistant/main.js';
const PRELOAD = 'dist/bundle/register.cjs';
/** Give up waiting for every panel to have data after this long. */
const DATA_DEADLINE_MS = 100_000;
/** Wait at least this long, so that rates over 1m windows have several scrapes. */
const MIN_DATA_MS = 20_000;
/**
 * Queries in flight at once: the checks below send a few thousand queries, one at a time they are
 * the slowest part of the suite (a loaded Prometheus answers each in tens of ms, mostly waiting).
 */
const QUERIES_IN_FLIGHT = 8;

/** One demo app per conventions mode, each scraped as its own job. */
const MODES = [
  { job: 'aimeter-demo', optIn: undefined },
  { job: 'aimeter-demo-latest', optIn: 'gen_ai_latest_experimental' },
  { job: 'aimeter-demo-dup', optIn: 'gen_ai_latest_experimental/dup' },
] as const;
const DEFAULT_JOB = MODES[0].job;

interface Child {
  proc: ChildProcess;
  output: () => string;
}

function start(cmd: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const proc = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  return { proc, output: () => out };
}

async function stop(child: Child | undefined): Promise<void> {
  if (!child || child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  const exited = new Promise((resolve) => child.proc.once('exit', resolve));
  child.proc.kill('SIGTERM');
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ApiResponse<T> {
  status: 'success' | 'error';
  data: T;
  errorType?: string;
  error?: string;
  warnings?: string[];
}
interface Series {
  metric: Record<string, string>;
  value?: [number, string];
  values?: [number, string][];
}

let prometheusUrl = '';
const apps: Child[] = [];
let prometheus: Child | undefined;
let workDir: string | undefined;
let skipReason: string | undefined;
let startedAt = 0;

async function api<T>(path: string, params?: Record<string, string | string[]>): Promise<ApiResponse<T>> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  // Queries go as POST (long expressions); /api/v1/rules and /api/v1/alerts are GET only.
  const res = params
    ? await fetch(`${prometheusUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      })
    : await fetch(`${prometheusUrl}${path}`);
  const text = await res.text();
  try {
    return JSON.parse(text) as ApiResponse<T>;
  } catch {
    throw new Error(`${path}: HTTP ${res.status}: ${text.slice(0, 500)}`);
  }
}

async function instant(expr: string): Promise<ApiResponse<{ resultType: string; result: Series[] }>> {
  return api('/api/v1/query', { query: expr });
}

async function range(expr: string): Promise<ApiResponse<{ resultType: string; result: Series[] }>> {
  const end = Date.now() / 1000;
  return api('/api/v1/query_range', { query: expr, start: String(startedAt / 1000), end: String(end), step: '2' });
}

/** Has the series at least one non-NaN value? */
function hasData(result: Series[]): boolean {
  return result.some((s) =>
    (s.values ?? (s.value ? [s.value] : [])).some(([, v]) => v !== 'NaN' && v !== '+Inf' && v !== '-Inf'),
  );
}

interface PanelQuery {
  where: string;
  file: string;
  title: string;
  unit: string;
  /** The expression with Grafana's variables in it. */
  raw: string;
  expr: string;
  instant: boolean;
}

/** Error-budget rules the SLO rules publish; skipped (only these) while prometheus/rules lacks them. */
const PENDING_RULES = [RULES.availabilityBudgetRemaining, RULES.latencyBudgetRemaining].filter(
  (r) => !recordingRules().some((x) => x.record === r),
);
const isPending = (expr: string) => PENDING_RULES.some((r) => expr.includes(r));

async function labelValues(selector: string, label: string): Promise<string[]> {
  const res = await fetch(`${prometheusUrl}/api/v1/label/${label}/values?${new URLSearchParams({ 'match[]': selector }).toString()}`);
  const body = (await res.json()) as ApiResponse<string[]>;
  if (body.status !== 'success') throw new Error(`label_values(${selector}, ${label}): ${body.error}`);
  return body.data.filter((v) => v !== '');
}

interface Variables {
  /** What Grafana substitutes for each variable at "All" (the data source is not in a query). */
  all: Record<string, string>;
  /** The values each variable lists. */
  listed: Record<string, string[]>;
  /** The Prometheus label each variable matches. */
  label: Record<string, string>;
}

/**
 * The dashboard's variables at "All", resolved in order as Grafana does (later ones use earlier
 * ones); with `job`, the job variable set to that job alone.
 */
async function variablesOf(d: GrafanaDashboard, job?: string): Promise<Variables> {
  const out: Variables = { all: {}, listed: {}, label: {} };
  for (const v of d.templating.list) {
    const q = labelValuesQuery(v);
    if (!q) continue;
    const values = v.name === 'job' && job !== undefined ? [job] : await labelValues(substitute(q.selector, out.all), q.label);
    out.listed[v.name] = values;
    out.label[v.name] = q.label;
    out.all[v.name] = allValueOf(v, values);
  }
  return out;
}

async function panelQueries(job?: string): Promise<PanelQuery[]> {
  const out: PanelQuery[] = [];
  for (const { file, dashboard } of dashboards()) {
    const vars = await variablesOf(dashboard, job);
    for (const p of allPanels(dashboard)) {
      for (const t of p.targets ?? []) {
        out.push({
          where: `${file.replace('grafana/dashboards/', '')} "${p.title}" ${t.refId}`,
          file,
          title: p.title,
          unit: p.fieldConfig?.defaults?.unit ?? '',
          raw: t.expr,
          expr: substitute(t.expr, vars.all),
          instant: t.instant === true && t.range !== true,
        });
      }
    }
  }
  return out;
}

async function evaluatePanel(q: PanelQuery): Promise<{ error?: string; data: boolean }> {
  const res = q.instant ? await instant(q.expr) : await range(q.expr);
  if (res.status !== 'success') return { error: `${res.errorType}: ${res.error}`, data: false };
  return { data: hasData(res.data.result) };
}

/** One instant value per series over a window long enough to hold every sample of the run. */
const WHOLE_RUN = '10m';
async function instantSeries(expr: string): Promise<Series[]> {
  const res = await instant(expr);
  if (res.status !== 'success') throw new Error(`${expr}: ${res.errorType}: ${res.error}`);
  return res.data.result.filter((s) => s.value && Number.isFinite(Number(s.value[1])));
}

before(async () => {
  const tool = requireTool('prometheus');
  if ('skip' in tool) {
    skipReason = tool.skip;
    return;
  }
  for (const built of [DEMO, PRELOAD]) {
    if (!existsSync(inRepo(built))) {
      const message = `${built} does not exist: build first (npm run build)`;
      if (IN_CI) throw new Error(message);
      skipReason = `${message}; skipped because CI is not set`;
      return;
    }
  }

  workDir = mkdtempSync(join(tmpdir(), 'aimeter-e2e-'));
  const appPorts: number[] = [];
  for (const _ of MODES) appPorts.push(await freePort());
  const promPort = await freePort();
  prometheusUrl = `http://127.0.0.1:${promPort}`;

  // The demos, one per conventions mode, on loopback only, with fast traffic and no trace export.
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('OTEL_') || k === 'OPENAI_API_KEY' || k.startsWith('AIMETER_')) delete env[k];
  MODES.forEach((mode, i) => {
    apps.push(
      start(process.execPath, ['--require', `./${PRELOAD}`, DEMO], {
        ...env,
        ...(mode.optIn ? { OTEL_SEMCONV_STABILITY_OPT_IN: mode.optIn } : {}),
        OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(appPorts[i]),
        DEMO_PORT: '0',
        DEMO_INTERVAL_MS: '150',
      }),
    );
  });

  // prometheus/prometheus.yml with the targets moved to loopback, absolute rule paths and rules
  // evaluated every 2 s (every rule, each time: the main cost of this test on 2 shared cores);
  // no Alertmanager.
  const config = readYaml<{
    global: Record<string, string>;
    rule_files: string[];
    alerting?: unknown;
    scrape_configs: { job_name: string; scrape_interval?: string; static_configs: { targets: string[] }[] }[];
  }>('prometheus/prometheus.yml');
  config.global = { ...config.global, scrape_interval: '1s', evaluation_interval: '2s' };
  config.rule_files = config.rule_files.map((f) => inRepo('prometheus', f));
  delete config.alerting;
  const appJob = config.scrape_configs.find((j) => j.job_name !== 'prometheus');
  assert.ok(appJob, 'prometheus.yml has no app scrape job');
  assert.equal(appJob.job_name, DEFAULT_JOB);
  // Prometheus's own job every 5 s: evaluating every rule each second, a loaded Prometheus can
  // miss a 1 s timeout on its own /metrics (the target then reads down for that scrape).
  for (const job of config.scrape_configs) {
    if (job.job_name === 'prometheus') Object.assign(job, { scrape_interval: '5s', static_configs: [{ targets: [`127.0.0.1:${promPort}`] }] });
  }
  // The repo's app job scrapes the default mode's demo; each other mode is a copy of that job.
  // Every 2 s (the timeout is the interval): three demos on a busy machine, /dup's the largest.
  config.scrape_configs = config.scrape_configs.flatMap((job) =>
    job !== appJob
      ? [job]
      : MODES.map((mode, i) => ({ ...job, job_name: mode.job, scrape_interval: '2s', static_configs: [{ targets: [`127.0.0.1:${appPorts[i]}`] }] })),
  );
  const configPath = join(workDir, 'prometheus.yml');
  writeFileSync(configPath, stringify(config));

  startedAt = Date.now();
  prometheus = start(
    tool.path,
    [
      `--config.file=${configPath}`,
      `--storage.tsdb.path=${join(workDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      '--log.level=warn',
    ],
    { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: workDir },
  );
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (prometheus.proc.exitCode !== null) throw new Error(`prometheus exited:\n${prometheus.output()}`);
    demosRunning();
    try {
      if ((await fetch(`${prometheusUrl}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`prometheus not ready in 30 s:\n${prometheus.output()}`);
    await sleep(250);
  }

  // Wait until the apps are scraped and every panel has data for each mode's job (or the deadline
  // passes: the tests below then report which panels are empty).
  const dataDeadline = Date.now() + DATA_DEADLINE_MS;
  for (;;) {
    await sleep(3000);
    demosRunning();
    if (Date.now() - startedAt < MIN_DATA_MS) continue;
    let empty = 0;
    for (const mode of MODES) {
      const queries = (await panelQueries(mode.job)).filter((q) => !isPending(q.raw));
      empty += (await pool(queries, QUERIES_IN_FLIGHT, evaluatePanel)).filter((r) => !r.data).length;
      if (empty > 0) break;
    }
    if (empty === 0 || Date.now() > dataDeadline) break;
  }
});

function demosRunning(): void {
  MODES.forEach((mode, i) => {
    const app = apps[i];
    if (app && app.proc.exitCode !== null) throw new Error(`the demo (${mode.job}) exited:\n${app.output()}`);
  });
}

after(async () => {
  await Promise.all(apps.map(stop));
  await stop(prometheus);
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

test('Prometheus scrapes the demo app', async (t) => {
  if (skipReason) return t.skip(skipReason);
  // The demos' targets (Prometheus's own job, a loaded Prometheus scraping itself, says nothing of aimeter).
  const res = await instant('up{job!="prometheus"}');
  assert.equal(res.status, 'success');
  const down = res.data.result.filter((s) => s.value?.[1] !== '1').map((s) => s.metric.job);
  assert.deepEqual(down, [], `targets down:\n${apps.map((a) => a.output().slice(-1500)).join('\n')}`);
  const build = await instantSeries('count by (job) (aimeter_build_info)');
  assert.deepEqual(build.map((s) => s.metric.job).sort(), MODES.map((m) => m.job).sort(), 'each mode\'s app serves aimeter metrics');
  // The modes emit what they say: the newest families only with the opt-in, the v1.41 ones without it alone.
  const jobsWith = async (family: string) => (await instantSeries(`count by (job) (${family})`)).map((s) => s.metric.job).sort();
  assert.deepEqual(await jobsWith(`${DURATION_FAMILIES[1]}_count`), ['aimeter-demo-dup', 'aimeter-demo-latest']);
  assert.deepEqual(await jobsWith('gen_ai_client_token_usage_count'), ['aimeter-demo', 'aimeter-demo-dup']);
});

test('every dashboard panel query evaluates without error and returns data, under each conventions mode', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const errors: string[] = [];
  const empty: string[] = [];
  const pending: string[] = [];
  for (const mode of MODES) {
    const queries = await panelQueries(mode.job);
    assert.ok(queries.length >= 80, `${queries.length} queries`);
    const results = await pool(queries, QUERIES_IN_FLIGHT, evaluatePanel);
    for (const [i, q] of queries.entries()) {
      const r = results[i]!;
      const where = `${mode.job}: ${q.where}`;
      if (r.error) errors.push(`${where}: ${r.error}\n    ${q.expr}`);
      else if (!r.data && isPending(q.raw)) pending.push(where);
      else if (!r.data) empty.push(`${where}\n    ${q.expr}`);
    }
  }
  assert.deepEqual(errors, [], 'panel queries that fail');
  assert.deepEqual(empty, [], 'panel queries with no data (a bug in the demo or the panel)');
  if (pending.length > 0) {
    t.diagnostic(`not yet defined in prometheus/rules: ${PENDING_RULES.join(', ')}; their panels were evaluated without error but not required to have data: ${pending.join('; ')}`);
  }
});

test('every template variable query returns values, under each conventions mode', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const problems: string[] = [];
  for (const job of [undefined, ...MODES.map((m) => m.job)]) {
    for (const { file, dashboard } of dashboards()) {
      const vars = await variablesOf(dashboard, job);
      for (const v of dashboard.templating.list) {
        if (labelValuesQuery(v) && (vars.listed[v.name] ?? []).length === 0) problems.push(`${file} $${v.name} (job ${job ?? 'All'}): no values`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('every recording rule with data for the default conventions has data under the others', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const missing: string[] = [];
  let compared = 0;
  // Constants (vector(N), some labelled with the demo's job) are data of no mode.
  const computed = recordingRules().filter((r) => !/^vector\(/.test(r.expr.trim()));
  const records = [...new Set(computed.map((r) => r.record))];
  const jobsOf = await pool(records, QUERIES_IN_FLIGHT, async (record) => new Set((await instantSeries(`count by (job) (${record})`)).map((s) => s.metric.job)));
  for (const [i, record] of records.entries()) {
    const jobs = jobsOf[i]!;
    if (!jobs.has(DEFAULT_JOB)) continue;
    compared++;
    for (const mode of MODES) if (!jobs.has(mode.job)) missing.push(`${record}: no data for ${mode.job} (${mode.optIn ?? 'default'})`);
  }
  assert.ok(compared >= 40, `only ${compared} recording rules have data for ${DEFAULT_JOB}`);
  assert.deepEqual(missing, []);
});

/** An instant query at a fixed time, as numbers by a label (so that two expressions compare exactly). */
async function valuesAt(expr: string, time: number, by: string): Promise<Map<string, number>> {
  const res = await api<{ result: Series[] }>('/api/v1/query', { query: expr, time: String(time) });
  if (res.status !== 'success') throw new Error(`${expr}: ${res.errorType}: ${res.error}`);
  return new Map(res.data.result.map((s) => [s.metric[by] ?? '', Number(s.value?.[1])]));
}

test('under /dup the either-naming reads count every call once, and the usage counters equal the per-call histograms', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const time = Date.now() / 1000 - 5;
  const dup = `job="aimeter-demo-dup"`;
  const byOp = (families: readonly string[]) =>
    `sum by (gen_ai_operation_name) (${families.map((f) => `increase(${f}_count{${dup}}[${WHOLE_RUN}])`).join(' or ')})`;
  // The conventions layer's read (every family, per series the first that has it) ...
  const either = await valuesAt(byOp(DURATION_FAMILIES), time, 'gen_ai_operation_name');
  // ... equals the v1.41 family alone, which /dup emits for every operation ...
  const v141 = await valuesAt(byOp(DURATION_FAMILIES.slice(0, 1)), time, 'gen_ai_operation_name');
  // ... and the newest families alone (v1.41's for the operations that stay on it: speech).
  const latest = await valuesAt(`${byOp(DURATION_FAMILIES.slice(1))} or ${byOp(DURATION_FAMILIES.slice(0, 1))}`, time, 'gen_ai_operation_name');
  assert.ok(either.size >= 5, `operations: ${[...either.keys()].join(', ')}`);
  assert.deepEqual(either, v141);
  assert.deepEqual(latest, v141);
  // The panels' input tokens per call read v1.41's token usage histogram, or the newest per-call
  // one: the same sums; and the newest usage counter (by modality) is that sum too.
  const sumOf = async (expr: string) => Number((await valuesAt(`sum(${expr})`, time, '')).get('') ?? NaN);
  const v141Input = await sumOf(`gen_ai_client_token_usage_sum{${dup}, gen_ai_token_type="input"}`);
  assert.ok(v141Input > 0);
  assert.equal(await sumOf(`gen_ai_client_inference_operation_input_tokens_sum{${dup}}`), v141Input);
  assert.equal(await sumOf(`gen_ai_client_inference_usage_input_tokens_total{${dup}}`), v141Input);
  assert.equal(await sumOf(`aimeter_tokens_total{${dup}, gen_ai_token_type="input"}`), v141Input);
});

test('"All" on the job variable shows aimeter\'s jobs only, never Prometheus\'s own process', async (t) => {
  if (skipReason) return t.skip(skipReason);
  // The Prometheus job is scraped too, so a job filter of ".*" would pick up its series.
  const self = await instantSeries('up{job="prometheus"}');
  assert.equal(self.length, 1, 'the test Prometheus scrapes itself as job "prometheus"');
  const foreign: string[] = [];
  for (const { file, dashboard } of dashboards()) {
    const vars = await variablesOf(dashboard);
    const jobs = new Set(vars.listed.job ?? []);
    assert.ok(jobs.size > 0 && !jobs.has('prometheus'), `${file}: $job lists ${[...jobs].join(', ')}`);
    const targets = allPanels(dashboard).flatMap((p) => (p.targets ?? []).map((target) => ({ p, target })));
    const results = await pool(targets, QUERIES_IN_FLIGHT, ({ target }) => instantSeries(substitute(target.expr, vars.all)));
    for (const [i, { p, target }] of targets.entries()) {
      for (const s of results[i]!) {
        if (s.metric.job !== undefined && !jobs.has(s.metric.job)) foreign.push(`${file} "${p.title}" ${target.refId}: job="${s.metric.job}"`);
      }
    }
  }
  assert.deepEqual(foreign, []);
});

/** Dashboards whose every panel must keep its data whichever value of a variable is chosen. */
const STRICT = new Set(['grafana/dashboards/aimeter-voice.json', 'grafana/dashboards/aimeter-agents.json', 'grafana/dashboards/aimeter-runtime.json']);

test('choosing one value of a variable blanks no panel it does not apply to', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const blanked: string[] = [];
  let checked = 0;
  for (const { file, dashboard } of dashboards()) {
    const vars = await variablesOf(dashboard);
    const targets = allPanels(dashboard).flatMap((p) => (p.targets ?? []).filter((x) => !isPending(x.expr)).map((x) => ({ p, x })));
    const atAll = new Map<string, boolean>();
    const hasAtAll = await pool(targets, QUERIES_IN_FLIGHT, async ({ x }) => (await instantSeries(substitute(x.expr, vars.all, '5m', WHOLE_RUN))).length > 0);
    targets.forEach(({ x }, i) => atAll.set(x.expr, hasAtAll[i]!));
    const checks: { p: (typeof targets)[number]['p']; x: (typeof targets)[number]['x']; name: string; value: string }[] = [];
    for (const name of Object.keys(vars.listed)) {
      // The other modes' jobs: each panel's data under each job alone is checked per mode above.
      for (const value of (vars.listed[name] ?? []).filter((v) => name !== 'job' || v === DEFAULT_JOB)) {
        for (const { p, x } of targets) if (x.expr.includes(`$${name}`) && atAll.get(x.expr)) checks.push({ p, x, name, value });
      }
    }
    checked += checks.length;
    const verdicts = await pool(checks, QUERIES_IN_FLIGHT, async ({ x, name, value }) => {
      const chosen = { ...vars.all, [name]: regexEscape(value) };
      if ((await instantSeries(substitute(x.expr, chosen, '5m', WHOLE_RUN))).length > 0) return true;
      // On Overview and Cost a model may truly have no data for a panel (an embedding model has
      // no time to first token, an unpriced one no cost): allowed when the series the panel
      // reads hold nothing for that value at all.
      if (STRICT.has(file)) return false;
      const anySeries = await Promise.all(
        selectors(x.expr).map(async (s) => (await instantSeries(`count(${substitute(`${s.metric}{${s.matchers}}`, chosen)})`)).length > 0),
      );
      return !anySeries.some(Boolean);
    });
    checks.forEach(({ p, x, name, value }, i) => {
      if (!verdicts[i]) blanked.push(`${file} "${p.title}" ${x.refId} with $${name}=${value}`);
    });
  }
  assert.ok(checked > 100, `${checked} checks`);
  const perFile = new Map<string, number>();
  for (const b of blanked) perFile.set(b.split(' ')[0] as string, (perFile.get(b.split(' ')[0] as string) ?? 0) + 1);
  assert.deepEqual(blanked, [], `${blanked.length} panel queries blanked (${[...perFile].map(([f, n]) => `${f}: ${n}`).join(', ')})`);
});

test('provider and model variables filter only series that carry a provider and a model', async (t) => {
  if (skipReason) return t.skip(skipReason);
  // A model filter on series without a model (tool calls, agent runs) would blank them when a model is chosen.
  const problems: string[] = [];
  for (const { file, dashboard } of dashboards()) {
    const vars = await variablesOf(dashboard);
    const checks: { title: string; metric: string; query: string; label: string; name: string }[] = [];
    for (const p of allPanels(dashboard)) {
      for (const target of p.targets ?? []) {
        for (const s of selectors(target.expr)) {
          for (const m of s.matchers.matchAll(/(\w+)=~"\$(\w+)"/g)) {
            const [, label, name] = m as unknown as [string, string, string];
            if (label === 'job' || label === 'instance' || label === 'gen_ai_agent_name') continue;
            checks.push({ title: p.title, metric: s.metric, label, name, query: `count(${substitute(`${s.metric}{${s.matchers}, ${label}=""}`, vars.all)})` });
          }
        }
      }
    }
    const empties = await pool(checks, QUERIES_IN_FLIGHT, ({ query }) => instantSeries(query));
    checks.forEach((c, i) => {
      if (empties[i]!.length > 0) problems.push(`${file} "${c.title}": $${c.name} filters ${c.metric} series with ${c.label}=""`);
    });
  }
  assert.deepEqual([...new Set(problems)], []);
});

test('calls per agent run read exactly what the demo does (one tool call per run, two or three LLM calls)', async (t) => {
  if (skipReason) return t.skip(skipReason);
  // Every support-agent run asks for one tool; the LLM answers twice, plus once inside lookup_order.
  const queries = (await panelQueries()).filter((q) => q.unit === 'suffix: calls');
  assert.ok(queries.some((q) => q.raw.includes('aimeter_agent_tool_calls')) && queries.some((q) => q.raw.includes('aimeter_agent_model_calls')));
  const wrong: string[] = [];
  for (const q of queries) {
    const vars = await variablesOf(dashboards().find((d) => d.file === q.file)!.dashboard);
    for (const s of await instantSeries(substitute(q.raw, vars.all, WHOLE_RUN, WHOLE_RUN))) {
      const v = Number(s.value![1]);
      const ok = q.raw.includes('aimeter_agent_tool_calls') ? v === 1 : v >= 2 && v <= 3;
      if (!ok) wrong.push(`${q.where}: ${v}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('cost per call equals the dollars counted divided by the calls, for the cheapest model too', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const model = 'text-embedding-3-small';
  const truth = await instantSeries(
    `sum(increase(aimeter_cost_usd_total{gen_ai_request_model="${model}"}[${WHOLE_RUN}])) / sum(increase(gen_ai_client_operation_duration_seconds_count{gen_ai_request_model="${model}"}[${WHOLE_RUN}]) or increase(gen_ai_client_embeddings_duration_seconds_count{gen_ai_request_model="${model}"}[${WHOLE_RUN}]))`,
  );
  const mean = Number(truth[0]?.value?.[1]);
  assert.ok(mean > 0, `no embedding calls priced: ${JSON.stringify(truth)}`);
  const queries = (await panelQueries()).filter((q) => q.unit === 'currencyUSD' && q.raw.includes('aimeter_operation_cost_usd'));
  assert.ok(queries.length > 0, 'no cost-per-call panel');
  const wrong: string[] = [];
  for (const q of queries) {
    const vars = await variablesOf(dashboards().find((d) => d.file === q.file)!.dashboard);
    for (const s of (await instantSeries(substitute(q.raw, vars.all, WHOLE_RUN, WHOLE_RUN))).filter((x) => x.metric.gen_ai_request_model === model)) {
      const v = Number(s.value![1]);
      // 20 %: a scrape may fall between a call's duration and its cost being recorded (one call in
      // a few dozen); a quantile inside the cost buckets is off by 30x and more.
      if (Math.abs(v - mean) > mean * 0.2) wrong.push(`${q.where}: ${v} per call, truly ${mean} (${(v / mean).toFixed(1)}x)`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('every recording rule and alert expression evaluates without error', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const errors: string[] = [];
  const exprs = [
    ...recordingRules().map((r) => ({ name: r.record, expr: r.expr })),
    ...alertRules().map((r) => ({ name: r.alert, expr: r.expr })),
  ];
  const answers = await pool(exprs, QUERIES_IN_FLIGHT, ({ expr }) => instant(expr));
  exprs.forEach(({ name }, i) => {
    const res = answers[i]!;
    if (res.status !== 'success') errors.push(`${name}: ${res.errorType}: ${res.error}`);
  });
  assert.deepEqual(errors, []);

  // Prometheus itself loaded every rule file and evaluates every rule without error.
  const rules = await api<{ groups: { file: string; rules: { name: string; health: string; lastError?: string }[] }[] }>(
    '/api/v1/rules',
  );
  assert.equal(rules.status, 'success');
  const loaded = new Set(rules.data.groups.map((g) => g.file));
  for (const f of RULE_FILES) assert.ok(loaded.has(inRepo(f)), `${f} not loaded`);
  const unhealthy = rules.data.groups.flatMap((g) =>
    g.rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`),
  );
  assert.deepEqual(unhealthy, []);
  const count = rules.data.groups.reduce((n, g) => n + g.rules.length, 0);
  assert.equal(count, recordingRules().length + alertRules().length);

  // Diagnostics: which recorded series have data, which alerts are active on the demo.
  const recorded = await pool(recordingRules(), QUERIES_IN_FLIGHT, (r) => instant(r.record));
  const noData = recordingRules().filter((_, i) => !hasData(recorded[i]!.data.result)).map((r) => r.record);
  const alerts = await api<{ alerts: { labels: Record<string, string>; state: string }[] }>('/api/v1/alerts');
  t.diagnostic(`recording rules without data on the demo: ${noData.join(', ') || 'none'}`);
  t.diagnostic(
    `alerts active on the demo: ${alerts.data.alerts.map((a) => `${a.labels.alertname}(${a.state})`).join(', ') || 'none'}`,
  );
});
