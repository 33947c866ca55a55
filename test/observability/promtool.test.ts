/**
 * prometheus/: promtool check rules, promtool check config, promtool test rules, and the
 * conventions the rule files promise (names, severities, for: windows, runbook_url and
 * dashboard_url from one base URL each, runbooks, a unit test that shows every alert firing and
 * one that shows it quiet, objectives on bucket boundaries, the generated SLO rules). The
 * mutation check is in mutation.test.ts, Alertmanager in alertmanager.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { test } from 'node:test';
import { sloRulesStale } from '../../prometheus/src/generate';
import {
  AVAILABILITY_BUDGET_REMAINING,
  DURATION_FAMILIES,
  FIRST_CHUNK_FAMILIES,
  LATENCY_BUDGET_REMAINING,
  SLO_WINDOWS,
  burnRate,
  recordingLayer,
} from '../../prometheus/src/slo';
import { DURATION_BUCKETS, METRICS } from '../../src/metrics/catalog';
import { unaccountedEditionFamilies } from '../../src/metrics/editions';
import { prometheusName } from '../../src/metrics/prometheus-names';
import { loadRules, pool, promtoolPasses, writeTrimmedFile } from './mutation';
import {
  alertRules,
  metricNames as metricNamesOf,
  inRepo,
  listFiles,
  markdownAnchors,
  readRepo,
  readYaml,
  recordingRules,
  requireTool,
  ROOT,
  RULE_FILES,
  run,
} from './support';

const TEST_FILES = listFiles('prometheus/tests', '.yml');

test('promtool check rules: every rule file is valid', (t) => {
  const tool = requireTool('promtool');
  if ('skip' in tool) return t.skip(tool.skip);
  assert.ok(RULE_FILES.length >= 3, `rule files: ${RULE_FILES.join(', ')}`);
  const out = run(tool.path, ['check', 'rules', ...RULE_FILES]);
  assert.match(out, /SUCCESS/);
  assert.doesNotMatch(out, /FAILED/);
});

test('promtool check config: prometheus.yml is valid and its rule files resolve', (t) => {
  const tool = requireTool('promtool');
  if ('skip' in tool) return t.skip(tool.skip);
  const out = run(tool.path, ['check', 'config', 'prometheus/prometheus.yml']);
  assert.match(out, /SUCCESS/);
  // Each rule file is found (promtool lists the rule files it checked).
  for (const file of RULE_FILES) assert.ok(out.includes(file.replace('prometheus/', '')), `${file} not loaded:\n${out}`);
});

test('promtool test rules: the alert unit tests pass', async (t) => {
  const tool = requireTool('promtool');
  if ('skip' in tool) return t.skip(tool.skip);
  assert.ok(TEST_FILES.length > 0);
  // Each file whole, with the rules its cases read, transitively (mutation.ts, writeTrimmedFile:
  // a rule no case reads changes nothing they see, and promtool would evaluate it at every step;
  // the files cost some 320 CPU-seconds with every rule, about a tenth with their own).
  // One promtool per file, as many at a time as there are cores (promtool runs its files one
  // after the other, on one core).
  const rules = loadRules(readYaml<{ rule_files: string[] }>('prometheus/prometheus.yml').rule_files.map((f) => `prometheus/${f}`));
  const dir = mkdtempSync(join(tmpdir(), 'aimeter-promtool-'));
  try {
    const files = TEST_FILES.map((file) => writeTrimmedFile(dir, rules, file));
    const results = await pool(files, Math.max(1, availableParallelism()), (file) => promtoolPasses(tool.path, [file], ROOT));
    for (const [i, r] of results.entries()) {
      assert.ok(r.passed, `${TEST_FILES[i]}:\n${r.output}`);
      assert.match(r.output, /SUCCESS/);
      assert.doesNotMatch(r.output, /FAILED/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every alert has a unit test that shows it firing and one that shows it quiet', () => {
  interface AlertTest {
    alertname: string;
    exp_alerts?: unknown[];
  }
  interface TestFile {
    rule_files: string[];
    tests: { name: string; alert_rule_test?: AlertTest[] }[];
  }
  const firing = new Set<string>();
  const quiet = new Set<string>();
  for (const file of TEST_FILES) {
    const doc = readYaml<TestFile>(file);
    // Test files load the real rule files, not copies.
    for (const rf of doc.rule_files) assert.ok(existsSync(inRepo('prometheus/tests', rf)), `${file}: ${rf} missing`);
    for (const tc of doc.tests) {
      for (const at of tc.alert_rule_test ?? []) {
        ((at.exp_alerts ?? []).length > 0 ? firing : quiet).add(at.alertname);
      }
    }
  }
  const alerts = alertRules().map((a) => a.alert);
  assert.deepEqual(alerts.filter((a) => !firing.has(a)), [], 'alerts with no test that shows them firing');
  // The Watchdog is never quiet: that is its point.
  assert.deepEqual(alerts.filter((a) => !quiet.has(a) && a !== 'AimeterWatchdog'), [], 'alerts with no test that shows them quiet');
  const unknown = [...firing, ...quiet].filter((a) => !alerts.includes(a));
  assert.deepEqual(unknown, [], 'tests of alerts that do not exist');
});

const RUNBOOK_BASE = '{{ or $externalLabels.aimeter_runbook_url "https://github.com/aimeter/aimeter/blob/main/docs/runbooks.md" }}#';
const GRAFANA_BASE = '{{ or $externalLabels.aimeter_grafana_url "http://localhost:3000" }}/d/';

test('alerts: severity, for: window, summary, description, runbook_url and dashboard_url; runbook sections exist', () => {
  const runbooks = markdownAnchors(readRepo('docs/runbooks.md'));
  const dashboardUids = new Set(listFiles('grafana/dashboards', '.json').map((f) => (JSON.parse(readRepo(f)) as { uid: string }).uid));
  const alerts = alertRules();
  assert.ok(alerts.length >= 12, `only ${alerts.length} alerts`);
  const names = new Set<string>();
  for (const a of alerts) {
    assert.ok(!names.has(a.alert), `duplicate alert ${a.alert}`);
    names.add(a.alert);
    assert.match(a.alert, /^Aimeter[A-Z][A-Za-z0-9]+$/, a.alert);
    // none: the Watchdog only, which is routed apart and pages nobody.
    const severities = a.alert === 'AimeterWatchdog' ? ['none'] : ['warning', 'critical'];
    assert.ok(severities.includes(a.labels?.severity ?? ''), `${a.alert}: severity ${a.labels?.severity}`);
    assert.match(a.for ?? '', /^\d+[smh]$/, `${a.alert}: for: ${a.for}`);
    for (const key of ['summary', 'description', 'runbook_url', 'dashboard_url']) {
      assert.ok((a.annotations?.[key] ?? '').trim().length > 0, `${a.alert}: no ${key} annotation`);
    }
    // One base URL each, set once (a Prometheus external label), the same in every alert.
    const runbook = a.annotations?.runbook_url ?? '';
    assert.ok(runbook.startsWith(RUNBOOK_BASE), `${a.alert}: runbook_url ${runbook} does not start with ${RUNBOOK_BASE}`);
    const anchor = runbook.slice(RUNBOOK_BASE.length);
    assert.equal(anchor, a.alert.toLowerCase());
    assert.ok(runbooks.has(anchor), `${a.alert}: docs/runbooks.md has no section #${anchor}`);
    const dashboard = a.annotations?.dashboard_url ?? '';
    assert.ok(dashboard.startsWith(GRAFANA_BASE), `${a.alert}: dashboard_url ${dashboard}`);
    const uid = /^([\w-]+)/.exec(dashboard.slice(GRAFANA_BASE.length))?.[1] ?? '';
    assert.ok(dashboardUids.has(uid), `${a.alert}: dashboard_url names no dashboard (${uid})`);
    assert.equal(a.annotations?.runbook, undefined, `${a.alert}: a repo-relative runbook annotation`);
  }
  // The list of conditions, each covered by at least one alert.
  for (const required of [
    'AimeterErrorBudgetBurnFast',
    'AimeterErrorBudgetBurnSlow',
    'AimeterRateLimitSurge',
    'AimeterSpendBurningFast',
    'AimeterSpendOverBudget',
    'AimeterSpendSpike',
    'AimeterTokenSpike',
    'AimeterToolErrorRatioHigh',
    'AimeterSpeechToTextSlowerThanRealTime',
    'AimeterUnpricedModel',
    'AimeterSeriesCapReached',
    'AimeterTargetDown',
    'AimeterMetricsAbsent',
    'AimeterWatchdog',
  ]) {
    assert.ok(names.has(required), `missing alert ${required}`);
  }
  // One outage, one page: the only critical alerts are the SLO page, the spend page and the
  // target down.
  assert.deepEqual(
    alerts.filter((a) => a.labels?.severity === 'critical').map((a) => a.alert).sort(),
    ['AimeterErrorBudgetBurnFast', 'AimeterSpendBurningFast', 'AimeterTargetDown'],
  );
});

test('the runbook and Grafana base URLs default correctly and follow the external labels', (t) => {
  const tool = requireTool('promtool');
  if ('skip' in tool) return t.skip(tool.skip);
  const dir = mkdtempSync(join(tmpdir(), 'aimeter-links-'));
  const watchdog = (externalLabels: Record<string, string>) => ({
    interval: '1m',
    input_series: [],
    external_labels: externalLabels,
    alert_rule_test: [
      {
        eval_time: '0m',
        alertname: 'AimeterWatchdog',
        exp_alerts: [
          {
            // External labels are added when alerts are sent, not to the rule's own labels.
            exp_labels: { severity: 'none' },
            exp_annotations: {
              summary: 'The aimeter alerting pipeline is alive',
              description:
                'This alert always fires. Its receiver should alarm when it stops arriving: then Prometheus, the aimeter rules or Alertmanager are down, and no other aimeter alert could reach you.',
              runbook_url: `${externalLabels.aimeter_runbook_url ?? 'https://github.com/aimeter/aimeter/blob/main/docs/runbooks.md'}#aimeterwatchdog`,
              dashboard_url: `${externalLabels.aimeter_grafana_url ?? 'http://localhost:3000'}/d/aimeter-runtime`,
            },
          },
        ],
      },
    ],
  });
  const file = join(dir, 'links.test.yml');
  writeFileSync(
    file,
    stringify({
      rule_files: [inRepo('prometheus/rules/aimeter-alerts.yml')],
      tests: [watchdog({}), watchdog({ aimeter_runbook_url: 'https://wiki.example/aimeter', aimeter_grafana_url: 'https://grafana.example' })],
    }),
  );
  try {
    assert.match(run(tool.path, ['test', 'rules', file], ROOT), /SUCCESS/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('recording rules are named level:metric:operations and every name they use is defined first', () => {
  const rules = recordingRules();
  assert.ok(rules.length >= 20);
  const defined = new Set<string>();
  for (const r of rules) {
    assert.match(r.record, /^[a-z_]*:[a-z][a-z0-9_]*:[a-z][a-z0-9_]*$/, `${r.record} is not level:metric:operations`);
    for (const used of r.expr.match(/[a-z_]*:[a-z][a-z0-9_]*:[a-z][a-z0-9_]*/g) ?? []) {
      assert.ok(defined.has(used), `${r.record} uses ${used} before it is recorded`);
    }
    defined.add(r.record);
  }
  for (const a of alertRules()) {
    for (const used of a.expr.match(/[a-z_]*:[a-z][a-z0-9_]*:[a-z][a-z0-9_]*/g) ?? []) {
      assert.ok(defined.has(used), `${a.alert} uses undefined recording rule ${used}`);
    }
  }
});

test('the default spend budget is one constant, in aimeter-objectives.yml', () => {
  const objectives = readRepo('prometheus/rules/aimeter-objectives.yml');
  const budget = /record: :aimeter_cost_budget_usd_per_month:constant\s+expr: vector\((\d+(?:\.\d+)?)\)/.exec(objectives);
  assert.ok(budget, 'no budget constant');
  assert.equal(RULE_FILES.filter((f) => readRepo(f).includes('record: :aimeter_cost_budget_usd_per_month:constant')).length, 1);
});

test('aimeter-slo.yml is what prometheus/src/slo.ts generates (npm run rules)', () => {
  assert.equal(sloRulesStale(ROOT), false);
});

test('the SLO rules: burn rates over every window, the two published budget-remaining rules', () => {
  const recorded = new Set(recordingRules().map((r) => r.record));
  for (const w of SLO_WINDOWS) assert.ok(recorded.has(burnRate(w)), `no burn rate over ${w}`);
  assert.deepEqual([...SLO_WINDOWS], ['5m', '30m', '1h', '2h', '6h', '1d', '3d']);
  // The dashboards chart these two names: they must not change.
  assert.ok(recorded.has('operation:aimeter_availability_error_budget_remaining:ratio'));
  assert.ok(recorded.has('operation:aimeter_latency_error_budget_remaining:ratio'));
  assert.equal(AVAILABILITY_BUDGET_REMAINING, 'operation:aimeter_availability_error_budget_remaining:ratio');
  assert.equal(LATENCY_BUDGET_REMAINING, 'operation:aimeter_latency_error_budget_remaining:ratio');
});

test('every latency objective is a bucket boundary (issue 11: objectives mid-bucket were interpolated)', () => {
  const objectives = recordingRules().filter((r) => r.record === 'operation_sli:aimeter_slo_objective:ratio');
  assert.ok(objectives.length >= 10);
  for (const o of objectives) {
    const target = Number(/^vector\(([\d.]+)\)$/.exec(o.expr.trim())?.[1]);
    assert.ok(target > 0 && target < 1, `${JSON.stringify(o.labels)}: objective ${o.expr} is not a ratio in (0, 1)`);
    const le = o.labels?.le;
    if (o.labels?.aimeter_sli === 'availability') assert.equal(le, undefined);
    else assert.ok(DURATION_BUCKETS.map(String).includes(le ?? ''), `${JSON.stringify(o.labels)}: le ${le} is not a bucket boundary`);
  }
  // The objectives: 2 s to first token, 1 s to first audio byte.
  const le = (op: string, sli: string) => objectives.find((o) => o.labels?.gen_ai_operation_name === op && o.labels?.aimeter_sli === sli)?.labels?.le;
  assert.equal(le('chat', 'time_to_first_chunk'), '2');
  assert.equal(le('text_to_speech', 'time_to_first_chunk'), '1');
});

test('every promtool test file evaluates the rule groups in dependency order', () => {
  const order = readYaml<{ rule_files: string[] }>('prometheus/prometheus.yml').rule_files.flatMap((f) =>
    readYaml<{ groups: { name: string }[] }>('prometheus', f).groups.map((g) => g.name),
  );
  assert.equal(new Set(order).size, order.length, 'two rule groups share a name');
  for (const file of TEST_FILES) {
    const doc = readYaml<{ group_eval_order?: string[]; rule_files: string[] }>(file);
    assert.deepEqual(doc.group_eval_order, order, `${file}: group_eval_order`);
    assert.deepEqual(doc.rule_files, readYaml<{ rule_files: string[] }>('prometheus/prometheus.yml').rule_files.map((f) => `../${f}`), `${file}: rule_files`);
  }
});

test('the conventions layer in aimeter-recording.yml is what prometheus/src/slo.ts generates, and nothing else reads the renamed families', () => {
  const recording = readYaml<{ groups: { rules: { record?: string; expr: string }[] }[] }>('prometheus/rules/aimeter-recording.yml').groups.flatMap((g) => g.rules);
  const layer = recordingLayer();
  for (const rule of layer) {
    const found = recording.filter((r) => r.record === rule.record);
    assert.equal(found.length, 1, `${rule.record}: ${found.length} rules in aimeter-recording.yml`);
    assert.equal(found[0]?.expr.trim(), rule.expr.trim(), `${rule.record} differs from recordingLayer() in prometheus/src/slo.ts`);
  }
  // Every other rule and alert reads the layer, not the families whose names depend on the mode.
  const raw = [...DURATION_FAMILIES, ...FIRST_CHUNK_FAMILIES];
  const layerExprs = new Set(layer.map((r) => r.expr.trim()));
  const readers: string[] = [];
  for (const r of [...recordingRules(), ...alertRules()]) {
    if (layerExprs.has(r.expr.trim()) || /^job_operation_provider_model_(error|le):/.test('record' in r ? r.record : '')) continue;
    for (const name of metricNamesOf(r.expr)) if (raw.some((f) => name.startsWith(`${f}_`))) readers.push(`${'record' in r ? r.record : r.alert}: ${name}`);
  }
  assert.deepEqual(readers, []);
  // Every family only one edition emits is read across editions or said not to be (src/metrics/editions.ts).
  assert.deepEqual(unaccountedEditionFamilies(), []);
});

test('every latency objective is a bucket boundary of every family its SLI reads, in either naming', () => {
  const bucketsOf = (family: string) => Object.values(METRICS).find((d) => prometheusName(d) === family && 'buckets' in d) as { buckets: readonly number[] } | undefined;
  const objectives = recordingRules().filter((r) => r.record === 'operation_sli:aimeter_slo_objective:ratio' && r.labels?.le !== undefined);
  assert.ok(objectives.length >= 10);
  for (const o of objectives) {
    const families = o.labels?.aimeter_sli === 'duration' ? DURATION_FAMILIES : FIRST_CHUNK_FAMILIES;
    for (const family of families) {
      const buckets = bucketsOf(family)?.buckets;
      assert.ok(buckets, `${family}: no buckets in the catalog`);
      // aimeter's text-to-speech first-audio metric holds text_to_speech only.
      if (family === prometheusName(METRICS.textToSpeechTimeToFirstAudio) && o.labels?.gen_ai_operation_name !== 'text_to_speech') continue;
      assert.ok(buckets.map(String).includes(o.labels?.le ?? ''), `${JSON.stringify(o.labels)}: le is not a boundary of ${family}`);
    }
  }
  // The newest duration and time-to-first-chunk families keep v1.41's boundaries.
  for (const family of [...DURATION_FAMILIES, ...FIRST_CHUNK_FAMILIES.slice(1)]) assert.deepEqual(bucketsOf(family)?.buckets, DURATION_BUCKETS, family);
});
