/**
 * grafana/: the committed dashboards and alerting file equal what grafana/src generates (on the
 * Foundation SDK); the dashboards' structure (ids, grid, units, data source, variables); the rules
 * that keep them from misleading (checked here on the JSON, and end to end on a real Prometheus
 * in prometheus-e2e.test.ts); every metric name comes from the catalog; the exemplar links; the
 * Grafana-managed alerts mirror the Prometheus ones and are not provisioned by default.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { PROMETHEUS_UID } from '../../grafana/src/alerting';
import { DASHBOARDS, fileName } from '../../grafana/src/dashboards';
import { ALERTS_TARGET, generatedFiles, staleFiles } from '../../grafana/src/generate';
import { RULES } from '../../grafana/src/names';
import { METRICS } from '../../src/metrics/catalog';
import { PROCESS_METRICS } from '../../src/metrics/process-metrics';
import { prometheusName } from '../../src/metrics/prometheus-names';
import { GenAiMetrics } from '../../src/metrics/genai-metrics';
import { createExposition } from '../../src/server/exposition';
import {
  alertRules,
  allPanels,
  DASHBOARD_FILES,
  dashboards,
  documentedMetrics,
  familyCandidates,
  inRepo,
  labelValuesQuery,
  metricNames,
  readRepo,
  readYaml,
  recordingRules,
  ROOT,
  selectors,
} from './support';

const VARIABLES: Record<string, string[]> = {
  'aimeter-overview': ['datasource', 'job', 'provider', 'model', 'agent'],
  'aimeter-cost': ['datasource', 'job', 'provider', 'model', 'agent'],
  'aimeter-voice': ['datasource', 'job', 'stt_model', 'llm_model', 'tts_model'],
  'aimeter-agents': ['datasource', 'job', 'agent', 'tool'],
  'aimeter-outcomes': ['datasource', 'job', 'variant', 'agent'],
  'aimeter-runtime': ['datasource', 'job', 'instance'],
  'aimeter-quality': ['datasource', 'job'],
};
const SINGLE_FIGURE = new Set(['stat', 'bargauge', 'table', 'gauge']);
const targetsOf = (file: string) =>
  allPanels(dashboards().find((d) => d.file === file)!.dashboard).flatMap((p) => (p.targets ?? []).map((t) => ({ p, t })));
const everyTarget = () =>
  dashboards().flatMap(({ file, dashboard }) => allPanels(dashboard).flatMap((p) => (p.targets ?? []).map((t) => ({ file, p, t }))));

test('committed Grafana files equal the generated ones (regenerate: npm run dashboards)', () => {
  assert.deepEqual(staleFiles(ROOT), []);
  // and nothing else sits in grafana/dashboards
  const generated = [...generatedFiles(ROOT).keys()].filter((p) => p.startsWith('grafana/dashboards/'));
  assert.deepEqual(DASHBOARD_FILES, generated.sort());
});

test('the six dashboards exist with unique uids and titles', () => {
  const uids = DASHBOARDS.map((d) => d.uid);
  assert.deepEqual(uids, ['aimeter-overview', 'aimeter-cost', 'aimeter-voice', 'aimeter-agents', 'aimeter-outcomes', 'aimeter-runtime', 'aimeter-quality']);
  assert.equal(new Set(DASHBOARDS.map((d) => d.title)).size, DASHBOARDS.length);
  for (const d of DASHBOARDS) assert.equal(fileName(d), `${d.uid}.json`);
});

for (const { file, dashboard } of dashboards()) {
  test(`${file}: structure, units, data source and variables`, () => {
    const variables = dashboard.templating.list.map((v) => v.name);
    assert.deepEqual(variables, VARIABLES[dashboard.uid]);
    assert.equal(dashboard.templating.list[0]?.type, 'datasource');
    for (const v of dashboard.templating.list.slice(1)) {
      assert.equal(v.type, 'query');
      assert.ok(labelValuesQuery(v), `${v.name}: not a label_values() query`);
    }

    const panels = allPanels(dashboard);
    assert.ok(panels.length >= 6, `${panels.length} panels`);
    const ids = new Set<number>(dashboard.panels.filter((p) => p.type === 'row').map((p) => p.id));
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      const where = `${file} panel "${p.title}"`;
      const { x, y, w, h } = p.gridPos;
      assert.ok(Number.isInteger(x) && Number.isInteger(y) && w > 0 && h > 0 && x >= 0 && x + w <= 24, `${where}: gridPos ${JSON.stringify(p.gridPos)}`);
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          assert.ok(!cells.has(`${i},${j}`), `${where} overlaps another panel`);
          cells.add(`${i},${j}`);
        }
      }
    }
    for (const p of panels) {
      const where = `${file} panel "${p.title}"`;
      assert.ok(!ids.has(p.id) && p.id > 0, `${where}: duplicate or missing id ${p.id}`);
      ids.add(p.id);
      assert.ok(p.title.trim().length > 0);
      assert.ok((p.description ?? '').length > 0, `${where}: no description`);
      assert.ok((p.fieldConfig?.defaults?.unit ?? '').length > 0, `${where}: no unit`);
      assert.deepEqual(p.datasource, { type: 'prometheus', uid: '${datasource}' }, `${where}: data source`);
      const targets = p.targets ?? [];
      assert.ok(targets.length > 0, `${where}: no query`);
      assert.equal(new Set(targets.map((t) => t.refId)).size, targets.length, `${where}: duplicate refId`);
      for (const t of targets) {
        assert.deepEqual(t.datasource, { type: 'prometheus', uid: '${datasource}' }, `${where}: target data source`);
        assert.ok(t.expr.trim().length > 0, `${where}: empty expr`);
        // Every variable a query uses is defined (or a Grafana built-in).
        for (const m of t.expr.matchAll(/\$\{?(\w+)/g)) {
          const name = m[1] as string;
          assert.ok(name.startsWith('__') || variables.includes(name), `${where}: unknown variable $${name}`);
        }
        // Selectors honour the job variable (job="" only for a rule that is not per job).
        for (const s of selectors(t.expr)) {
          assert.ok(s.matchers.includes('job=~"$job"') || s.matchers.includes('job=""'), `${where}: selector without job filter: ${s.metric}{${s.matchers}}`);
        }
      }
    }
  });
}

test('"All" on job and instance is the aimeter jobs only, not every job in Prometheus', () => {
  for (const { file, dashboard } of dashboards()) {
    for (const v of dashboard.templating.list.filter((x) => x.name === 'job' || x.name === 'instance')) {
      // A custom all-value such as ".*" would match Prometheus's own job (and any other) too.
      assert.ok(v.allValue === undefined || v.allValue === '', `${file} $${v.name}: allValue ${v.allValue}`);
      assert.ok(labelValuesQuery(v)?.selector.startsWith(prometheusName(METRICS.buildInfo)), `${file} $${v.name}: not listed from aimeter_build_info`);
    }
  }
});

test('single figures (stat, bar gauge, table) run instant queries, never a range query per point', () => {
  const ranged = everyTarget()
    .filter(({ p }) => SINGLE_FIGURE.has(p.type))
    .filter(({ t }) => t.instant !== true || t.range !== false)
    .map(({ file, p, t }) => `${file} "${p.title}" ${t.refId}`);
  assert.deepEqual(ranged, []);
});

test('counters are shown as rates or increases, never as their lifetime value', () => {
  const counters = Object.values(METRICS).filter((d) => d.kind === 'counter').map(prometheusName);
  counters.push(PROCESS_METRICS.cpuSeconds);
  const raw: string[] = [];
  for (const { file, p, t } of everyTarget()) {
    for (const name of counters) {
      for (const m of t.expr.matchAll(new RegExp(`(\\w*\\()?${name}\\{`, 'g'))) {
        if (m[1] !== 'rate(' && m[1] !== 'increase(') raw.push(`${file} "${p.title}": ${name} read as ${m[1] ?? 'a raw value'}`);
      }
    }
  }
  assert.deepEqual(raw, []);
});

test('quantiles only over durations and ratios: means or exact counts for calls per run, dollars and tokens', () => {
  const allowed = new Set(
    Object.values(METRICS)
      .filter((d) => d.kind === 'histogram' && (d.unit === 's' || d.unit === '1'))
      .map((d) => `${prometheusName(d)}_bucket`),
  );
  allowed.add(`${PROCESS_METRICS.gcDuration}_bucket`);
  const wrong: string[] = [];
  for (const { file, p, t } of everyTarget()) {
    for (const m of t.expr.matchAll(/histogram_quantile\([^,]+,\s*sum by \([^)]*\) \(\(?rate\(([a-z_:]+)\{/g)) {
      if (!allowed.has(m[1] as string)) wrong.push(`${file} "${p.title}": quantile of ${m[1]}`);
    }
  }
  assert.deepEqual(wrong, []);
  // Any histogram_quantile not in the shape above would escape the check. (An either-naming read,
  // `((rate(A) and A) or rate(B))`, is judged by its v1.41 family A: B is A's newest-name twin.)
  const quantiles = everyTarget().reduce((n, { t }) => n + (t.expr.match(/histogram_quantile\(/g)?.length ?? 0), 0);
  const matched = everyTarget().reduce((n, { t }) => n + [...t.expr.matchAll(/histogram_quantile\([^,]+,\s*sum by \([^)]*\) \(\(?rate\(/g)].length, 0);
  assert.equal(matched, quantiles);
});

test('agent run duration shows the mean beside the p95: a quantile cannot pass the top bucket', () => {
  const panel = targetsOf('grafana/dashboards/aimeter-agents.json').filter(({ p }) => p.title.startsWith('Agent run duration'));
  assert.ok(panel.some(({ t }) => /_sum\{.*invoke_agent/.test(t.expr)), 'no mean of agent run duration');
});

test('variables filter only the series they describe (no blank tool panels when a model is chosen)', () => {
  // A variable listed from one set of operations may only filter selectors of those operations
  // (or of metrics recorded for model calls only, for provider and model).
  const modelCallOnly = new Set(
    Object.entries(METRICS)
      .filter(([key, d]) => 'labels' in d && d.labels.includes('gen_ai.request.model' as never) && key !== 'operationDuration')
      .flatMap(([, d]) => familyCandidatesOf(prometheusName(d))),
  );
  const problems: string[] = [];
  for (const { file, dashboard } of dashboards()) {
    for (const v of dashboard.templating.list.slice(1)) {
      const q = labelValuesQuery(v);
      const ops = operationsOf(q?.selector ?? '');
      // Listed from every operation (job, instance), or the agent: a lineage label that every call
      // made under an agent carries, whatever its operation.
      if (!ops && (q?.label === 'gen_ai_provider_name' || q?.label === 'gen_ai_request_model')) {
        problems.push(`${file} $${v.name}: lists ${q.label} of every operation, tool calls and agent runs included`);
      }
      if (!ops || q?.label === 'gen_ai_agent_name') continue;
      for (const p of allPanels(dashboard)) {
        for (const t of p.targets ?? []) {
          for (const s of selectors(t.expr).filter((x) => x.matchers.includes(`"$${v.name}"`))) {
            const used = operationsOf(s.matchers);
            const ok = used ? [...used].every((o) => ops.has(o)) : modelCallOnly.has(s.metric) && v.name !== 'tool';
            if (!ok) problems.push(`${file} "${p.title}": $${v.name} (${[...ops].join('|')}) filters ${s.metric}{${s.matchers}}`);
          }
        }
      }
    }
  }
  assert.deepEqual(problems, []);
});

function familyCandidatesOf(name: string): string[] {
  return [name, `${name}_bucket`, `${name}_sum`, `${name}_count`];
}

/** The operations an `gen_ai_operation_name` matcher allows, or undefined when there is none. */
function operationsOf(matchers: string): Set<string> | undefined {
  const m = /gen_ai_operation_name=~?"([^"]*)"/.exec(matchers);
  return m ? new Set((m[1] as string).split('|')) : undefined;
}

test('the voice dashboard: each stage is filtered by its own model variable only', () => {
  const STAGE: Record<string, string> = { speech_to_text: 'stt_model', text_to_speech: 'tts_model', chat: 'llm_model' };
  for (const { p, t } of targetsOf('grafana/dashboards/aimeter-voice.json')) {
    for (const s of selectors(t.expr)) {
      // Whole-turn families (traceTurn) carry no model: only the job applies to them.
      if (s.metric.startsWith('aimeter_turn')) {
        assert.deepEqual([...s.matchers.matchAll(/"\$(\w+)"/g)].map((m) => m[1]), ['job'], `"${p.title}": ${s.metric}{${s.matchers}}`);
        continue;
      }
      const ops = operationsOf(s.matchers);
      assert.ok(ops, `"${p.title}": ${s.metric} not restricted to a stage`);
      const own = STAGE[[...ops][0] as string];
      const vars = [...s.matchers.matchAll(/"\$(\w+)"/g)].map((m) => m[1]).filter((n) => n !== 'job');
      assert.deepEqual(vars, [own], `"${p.title}": ${s.metric}{${s.matchers}}`);
    }
  }
});

test('every metric a panel reads comes from the catalog, prom-client\'s process metrics or the rules, and grafana/src spells none', () => {
  const known = new Set([
    ...Object.values(METRICS).flatMap((d) => familyCandidatesOf(prometheusName(d))),
    ...Object.values(PROCESS_METRICS).flatMap(familyCandidatesOf),
    ...Object.values(RULES),
  ]);
  const unknown = everyTarget().flatMap(({ file, p, t }) => metricNames(t.expr).filter((n) => !known.has(n)).map((n) => `${file} "${p.title}": ${n}`));
  assert.deepEqual(unknown, []);
  // The TypeScript sources derive names; a literal metric name there would be a second definition.
  const names = [...Object.values(METRICS).map(prometheusName), ...Object.values(PROCESS_METRICS)];
  const literal: string[] = [];
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : f.endsWith('.ts') ? [join(dir, f)] : []));
  for (const path of walk(inRepo('grafana', 'src'))) {
    const source = readFileSync(path, 'utf8');
    for (const n of names) if (source.includes(n)) literal.push(`${path.slice(ROOT.length + 1)}: ${n}`);
  }
  assert.deepEqual(literal, []);
});

test('prom-client serves every process metric the dashboards read', async () => {
  const text = await createExposition(new GenAiMetrics())();
  const families = new Set([...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1] as string));
  for (const name of Object.values(PROCESS_METRICS)) assert.ok(families.has(name), `${name} not served`);
});

test('latency, time-to-first-chunk and cost bucket queries ask for exemplars, which link to Jaeger traces', () => {
  const withExemplars = ['operationDuration', 'timeToFirstChunk', 'timePerOutputChunk', 'operationCost'].map(
    (k) => `${prometheusName(METRICS[k as keyof typeof METRICS])}_bucket`,
  );
  const missing = everyTarget()
    .filter(({ p, t }) => p.type === 'timeseries' && withExemplars.some((b) => t.expr.includes(`${b}{`)))
    .filter(({ t }) => t.exemplar !== true)
    .map(({ file, p, t }) => `${file} "${p.title}" ${t.refId}`);
  assert.deepEqual(missing, []);
  assert.ok(everyTarget().filter(({ t }) => t.exemplar === true).length >= 10);

  const ds = readYaml<{ datasources: { uid: string; type: string; jsonData?: { exemplarTraceIdDestinations?: { name: string; datasourceUid?: string }[] } }[] }>(
    'grafana/provisioning/datasources/aimeter.yml',
  );
  const jaeger = ds.datasources.find((d) => d.type === 'jaeger');
  assert.ok(jaeger);
  const prom = ds.datasources.find((d) => d.type === 'prometheus');
  assert.deepEqual(prom?.jsonData?.exemplarTraceIdDestinations, [{ name: 'trace_id', datasourceUid: jaeger.uid }]);
});

test('docs/dashboards.md lists every panel of every dashboard', () => {
  // Titles may wrap across lines of the markdown.
  const doc = readRepo('docs', 'dashboards.md').replace(/\s+/g, ' ');
  const missing = dashboards().flatMap(({ file, dashboard }) =>
    allPanels(dashboard)
      .filter((p) => !doc.includes(p.title))
      .map((p) => `${file}: "${p.title}"`),
  );
  assert.deepEqual(missing, []);
});

test('every metric a panel reads is documented in docs/metrics.md (or is an aimeter recording rule)', (t) => {
  const documented = documentedMetrics();
  if (!documented) return t.skip('docs/metrics.md does not exist yet');
  const recorded = new Set([...recordingRules().map((r) => r.record), ...Object.values(RULES)]);
  const missing: string[] = [];
  for (const { file, dashboard } of dashboards()) {
    for (const p of allPanels(dashboard)) {
      for (const target of p.targets ?? []) {
        for (const name of metricNames(target.expr)) {
          if (recorded.has(name)) continue;
          if (!familyCandidates(name).some((n) => documented.has(n))) missing.push(`${file} "${p.title}": ${name}`);
        }
      }
    }
    for (const v of dashboard.templating.list) {
      const q = labelValuesQuery(v);
      for (const name of q ? metricNames(q.selector) : []) {
        if (!familyCandidates(name).some((n) => documented.has(n))) missing.push(`${file} variable ${v.name}: ${name}`);
      }
    }
  }
  assert.deepEqual(missing, []);
});

test('every metric the rules read is documented in docs/metrics.md', (t) => {
  const documented = documentedMetrics();
  if (!documented) return t.skip('docs/metrics.md does not exist yet');
  const recorded = new Set(recordingRules().map((r) => r.record));
  const missing: string[] = [];
  for (const r of [...recordingRules(), ...alertRules()]) {
    for (const name of metricNames(r.expr)) {
      if (recorded.has(name) || name === 'up') continue;
      if (!familyCandidates(name).some((n) => documented.has(n))) missing.push(`${'record' in r ? r.record : r.alert}: ${name}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('Grafana-managed alerts mirror the Prometheus alerts, outside the default provisioning path', () => {
  interface GrafanaRule {
    uid: string;
    title: string;
    condition: string;
    for: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    data: { refId: string; datasourceUid: string; model: { expr?: string; expression?: string; type?: string } }[];
  }
  // One alerting path by default: nothing Grafana would load sits in provisioning/alerting.
  assert.ok(!ALERTS_TARGET.startsWith('grafana/provisioning/'), ALERTS_TARGET);
  const provisioned = readdirSync(inRepo('grafana', 'provisioning', 'alerting')).filter((f) => /\.(ya?ml|json)$/.test(f));
  assert.deepEqual(provisioned, []);
  assert.match(readRepo('docs', 'dashboards.md'), new RegExp(ALERTS_TARGET.replace(/\./g, '\\.')));

  const file = readYaml<{ apiVersion: number; groups: { name: string; folder: string; interval: string; rules: GrafanaRule[] }[] }>(ALERTS_TARGET);
  assert.equal(file.apiVersion, 1);
  const grafana = new Map(file.groups.flatMap((g) => g.rules.map((r) => [r.title, r] as const)));
  const prometheus = alertRules();
  assert.equal(grafana.size, prometheus.length);
  const uids = new Set<string>();
  for (const a of prometheus) {
    const g = grafana.get(a.alert);
    assert.ok(g, `no Grafana rule for ${a.alert}`);
    assert.match(g.uid, /^[a-zA-Z0-9_-]{1,40}$/);
    assert.ok(!uids.has(g.uid));
    uids.add(g.uid);
    assert.equal(g.for, a.for);
    assert.deepEqual(g.labels, a.labels);
    const query = g.data.find((d) => d.refId === 'A');
    assert.equal(query?.datasourceUid, PROMETHEUS_UID);
    assert.equal(query?.model.expr, a.expr.trim());
    const condition = g.data.find((d) => d.refId === g.condition);
    assert.equal(condition?.datasourceUid, '__expr__');
    for (const key of ['summary', 'description', 'runbook_url']) assert.ok(g.annotations[key], `${a.alert}: ${key}`);
    assert.doesNotMatch(JSON.stringify(g.annotations), /\$value\b/, 'Grafana has no $value; use $values.B.Value');
  }
  // The data source uid the rules use is the one provisioned.
  const ds = parse(readRepo('grafana/provisioning/datasources/aimeter.yml')) as { datasources: { uid: string; type: string }[] };
  assert.ok(ds.datasources.some((d) => d.uid === PROMETHEUS_UID && d.type === 'prometheus'));
});
