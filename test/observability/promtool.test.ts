/**
 * prometheus/: promtool check rules, promtool check config, promtool test rules, and the
 * conventions the rule files promise (names, severities, for: windows, annotations, runbooks,
 * and a unit test that shows every alert firing and one that shows it quiet).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import {
  alertRules,
  findBinary,
  inRepo,
  listFiles,
  markdownAnchors,
  readRepo,
  readYaml,
  recordingRules,
  requireTool,
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

test('promtool test rules: the alert unit tests pass', (t) => {
  const tool = requireTool('promtool');
  if ('skip' in tool) return t.skip(tool.skip);
  assert.ok(TEST_FILES.length > 0);
  const out = run(tool.path, ['test', 'rules', ...TEST_FILES]);
  assert.doesNotMatch(out, /FAILED/);
  assert.equal((out.match(/SUCCESS/g) ?? []).length, TEST_FILES.length, out);
});

test('amtool check-config: alertmanager.yml is valid (when amtool is installed)', (t) => {
  const amtool = findBinary('amtool');
  if (!amtool) return t.skip('amtool not installed (Debian package prometheus-alertmanager)');
  const out = run(amtool, ['check-config', 'alertmanager/alertmanager.yml']);
  assert.match(out, /SUCCESS/);
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
  assert.deepEqual(alerts.filter((a) => !quiet.has(a)), [], 'alerts with no test that shows them quiet');
  const unknown = [...firing, ...quiet].filter((a) => !alerts.includes(a));
  assert.deepEqual(unknown, [], 'tests of alerts that do not exist');
});

test('alerts: severity, for: window, summary/description/runbook annotations, runbook sections exist', () => {
  const runbooks = markdownAnchors(readRepo('docs/runbooks.md'));
  const alerts = alertRules();
  assert.ok(alerts.length >= 12, `only ${alerts.length} alerts`);
  const names = new Set<string>();
  for (const a of alerts) {
    assert.ok(!names.has(a.alert), `duplicate alert ${a.alert}`);
    names.add(a.alert);
    assert.match(a.alert, /^Aimeter[A-Z][A-Za-z0-9]+$/, a.alert);
    assert.ok(['warning', 'critical'].includes(a.labels?.severity ?? ''), `${a.alert}: severity ${a.labels?.severity}`);
    assert.match(a.for ?? '', /^\d+[smh]$/, `${a.alert}: for: ${a.for}`);
    for (const key of ['summary', 'description', 'runbook']) {
      assert.ok((a.annotations?.[key] ?? '').trim().length > 0, `${a.alert}: no ${key} annotation`);
    }
    const runbook = a.annotations?.runbook ?? '';
    const m = /^docs\/runbooks\.md#([\w-]+)$/.exec(runbook);
    assert.ok(m, `${a.alert}: runbook ${runbook} is not docs/runbooks.md#section`);
    assert.ok(runbooks.has(m[1] as string), `${a.alert}: docs/runbooks.md has no section #${m[1]}`);
  }
  // The list of conditions, each covered by at least one alert.
  for (const required of [
    'AimeterErrorRatioHigh',
    'AimeterLatencyP95High',
    'AimeterTimeToFirstChunkP95High',
    'AimeterRateLimitSurge',
    'AimeterSpendBurningFast',
    'AimeterSpendSpike',
    'AimeterTokenSpike',
    'AimeterToolErrorRatioHigh',
    'AimeterSpeechToTextSlowerThanRealTime',
    'AimeterUnpricedModel',
    'AimeterSeriesCapReached',
    'AimeterTargetDown',
    'AimeterMetricsAbsent',
  ]) {
    assert.ok(names.has(required), `missing alert ${required}`);
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

test('the spend budget is one constant, in aimeter-objectives.yml', () => {
  const objectives = readRepo('prometheus/rules/aimeter-objectives.yml');
  const budget = /record: :aimeter_cost_budget_usd_per_month:constant\s+expr: vector\((\d+(?:\.\d+)?)\)/.exec(objectives);
  assert.ok(budget, 'no budget constant');
  assert.equal(RULE_FILES.filter((f) => readRepo(f).includes('record: :aimeter_cost_budget_usd_per_month:constant')).length, 1);
});
