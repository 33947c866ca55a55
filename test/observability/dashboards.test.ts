/**
 * grafana/: the committed dashboards and alerting file equal what grafana/src generates; the
 * dashboards' structure (ids, grid, units, data source, variables); every metric a panel reads
 * is documented in docs/metrics.md; and the Grafana-managed alerts match the Prometheus ones.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { PROMETHEUS_UID } from '../../grafana/src/alerting';
import { DASHBOARDS, fileName } from '../../grafana/src/dashboards';
import { generatedFiles, staleFiles } from '../../grafana/src/generate';
import {
  alertRules,
  allPanels,
  DASHBOARD_FILES,
  dashboards,
  documentedMetrics,
  familyCandidates,
  labelValuesQuery,
  metricNames,
  readRepo,
  readYaml,
  recordingRules,
  ROOT,
} from './support';

const GENAI_VARIABLES = ['datasource', 'job', 'provider', 'model', 'agent'];

test('committed Grafana files equal the generated ones (regenerate: node dist/grafana/src/generate.js)', () => {
  assert.deepEqual(staleFiles(ROOT), []);
  // and nothing else sits in grafana/dashboards
  const generated = [...generatedFiles(ROOT).keys()].filter((p) => p.startsWith('grafana/dashboards/'));
  assert.deepEqual(DASHBOARD_FILES, generated.sort());
});

test('the five dashboards exist with unique uids and titles', () => {
  const uids = DASHBOARDS.map((d) => d.uid);
  assert.deepEqual(uids, ['aimeter-overview', 'aimeter-cost', 'aimeter-voice', 'aimeter-agents', 'aimeter-runtime']);
  assert.equal(new Set(DASHBOARDS.map((d) => d.title)).size, DASHBOARDS.length);
  for (const d of DASHBOARDS) assert.equal(fileName(d), `${d.uid}.json`);
});

for (const { file, dashboard } of dashboards()) {
  test(`${file}: structure, units, data source and variables`, () => {
    const variables = dashboard.templating.list.map((v) => v.name);
    const expected = dashboard.uid === 'aimeter-runtime' ? ['datasource', 'job', 'instance'] : GENAI_VARIABLES;
    assert.deepEqual(variables, expected);
    assert.equal(dashboard.templating.list[0]?.type, 'datasource');
    for (const v of dashboard.templating.list.slice(1)) {
      assert.equal(v.type, 'query');
      assert.ok(labelValuesQuery(v), `${v.name}: not a label_values() query`);
    }

    const panels = allPanels(dashboard);
    assert.ok(panels.length >= 6, `${panels.length} panels`);
    const ids = new Set<number>();
    const cells = new Set<string>();
    for (const p of panels) {
      const where = `${file} panel "${p.title}"`;
      assert.ok(!ids.has(p.id), `${where}: duplicate id ${p.id}`);
      ids.add(p.id);
      assert.ok(p.title.trim().length > 0);
      const { x, y, w, h } = p.gridPos;
      assert.ok(Number.isInteger(x) && Number.isInteger(y) && w > 0 && h > 0 && x >= 0 && x + w <= 24, `${where}: gridPos ${JSON.stringify(p.gridPos)}`);
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          assert.ok(!cells.has(`${i},${j}`), `${where} overlaps another panel`);
          cells.add(`${i},${j}`);
        }
      }
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
        // Selectors honour the job variable.
        for (const sel of t.expr.match(/[a-z_]+\{[^}]*\}/g) ?? []) {
          if (sel.startsWith('label_replace')) continue;
          assert.ok(sel.includes('job=~"$job"'), `${where}: selector without job filter: ${sel}`);
        }
      }
    }
  });
}

test('every metric a panel reads is documented in docs/metrics.md (or is an aimeter recording rule)', (t) => {
  const documented = documentedMetrics();
  if (!documented) return t.skip('docs/metrics.md does not exist yet');
  const recorded = new Set(recordingRules().map((r) => r.record));
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

test('Grafana-managed alerts mirror the Prometheus alerts', () => {
  interface GrafanaRule {
    uid: string;
    title: string;
    condition: string;
    for: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    data: { refId: string; datasourceUid: string; model: { expr?: string; expression?: string; type?: string } }[];
  }
  const file = readYaml<{ apiVersion: number; groups: { name: string; folder: string; interval: string; rules: GrafanaRule[] }[] }>(
    'grafana/provisioning/alerting/aimeter-alerts.yml',
  );
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
