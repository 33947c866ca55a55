/**
 * alertmanager/alertmanager.yml: amtool check-config, amtool config routes test for each alert's
 * labels, and the inhibitions on a real Alertmanager (Debian's prometheus-alertmanager): alerts
 * posted to its API, then read back inhibited or not, and the notifications that the stack's
 * webhook sink (examples/alert-sink, on loopback) logs.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse, stringify } from 'yaml';
import { alertRules, findBinary, freePort, IN_CI, inRepo, readRepo, ROOT, run } from './support';

const CONFIG = 'alertmanager/alertmanager.yml';

function amtool(): string | undefined {
  const path = findBinary('amtool');
  if (!path && IN_CI) throw new Error('amtool not found (Debian package prometheus-alertmanager); CI is set, so this is a failure');
  return path;
}

/** The receiver amtool routes an alert with these labels to. */
function routeOf(tool: string, labels: Record<string, string>): string {
  const out = run(tool, ['config', 'routes', 'test', `--config.file=${CONFIG}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)]);
  return out.trim().split('\n').pop()?.trim() ?? '';
}

test('amtool check-config: alertmanager.yml is valid', (t) => {
  const tool = amtool();
  if (!tool) return t.skip('amtool not installed (Debian package prometheus-alertmanager)');
  assert.match(run(tool, ['check-config', CONFIG]), /SUCCESS/);
});

test('amtool config routes test: critical pages, warning is a ticket, the Watchdog goes apart', (t) => {
  const tool = amtool();
  if (!tool) return t.skip('amtool not installed (Debian package prometheus-alertmanager)');
  const expected: Record<string, string> = { critical: 'page', warning: 'ticket', none: 'watchdog' };
  for (const a of alertRules()) {
    const severity = a.labels?.severity ?? '';
    const got = routeOf(tool, { alertname: a.alert, severity, job: 'app' });
    assert.equal(got, expected[severity], `${a.alert} (severity ${severity}) routes to ${got}`);
  }
  // Only the Watchdog reaches the watchdog receiver, whatever its severity.
  assert.equal(routeOf(tool, { alertname: 'AimeterWatchdog', severity: 'critical' }), 'watchdog');
  assert.equal(routeOf(tool, { alertname: 'SomethingElse', severity: 'none' }), 'ticket');
});

// ---------------------------------------------------------------------------------------------
// A real Alertmanager

interface AmAlert {
  labels: Record<string, string>;
  status: { state: string; inhibitedBy: string[] };
}

let am: ChildProcess | undefined;
let sink: ChildProcess | undefined;
let sinkLog = '';
let amUrl = '';
let workDir = '';
let skipReason: string | undefined;

before(async () => {
  const binary = findBinary('prometheus-alertmanager') ?? findBinary('alertmanager');
  if (!binary) {
    if (IN_CI) throw new Error('alertmanager not found (Debian package prometheus-alertmanager); CI is set');
    skipReason = 'alertmanager not installed (Debian package prometheus-alertmanager)';
    return;
  }
  const [sinkPort, amPort, clusterPort] = [await freePort(), await freePort(), await freePort()];
  sink = spawn(process.execPath, [inRepo('dist/examples/alert-sink/main.js')], {
    cwd: ROOT,
    env: { ...process.env, ALERT_SINK_HOST: '127.0.0.1', ALERT_SINK_PORT: String(sinkPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  sink.stdout?.on('data', (d: Buffer) => (sinkLog += d.toString()));
  for (let i = 0; !sinkLog.includes('listening'); i++) {
    if (i > 100 || sink.exitCode !== null) throw new Error(`alert-sink did not start: ${sinkLog}`);
    await new Promise((r) => setTimeout(r, 100));
  }

  // The shipped config, receivers moved to the loopback sink and the waits shortened.
  const config = parse(readRepo(CONFIG)) as {
    route: { group_wait: string; group_interval: string };
    receivers: { webhook_configs: { url: string }[] }[];
  };
  config.route.group_wait = '1s';
  config.route.group_interval = '1s';
  for (const r of config.receivers) for (const w of r.webhook_configs) w.url = w.url.replace(/^http:\/\/[^/]+/, `http://127.0.0.1:${sinkPort}`);
  workDir = mkdtempSync(join(tmpdir(), 'aimeter-am-'));
  writeFileSync(join(workDir, 'alertmanager.yml'), stringify(config));
  amUrl = `http://127.0.0.1:${amPort}`;
  am = spawn(
    binary,
    [
      `--config.file=${join(workDir, 'alertmanager.yml')}`,
      `--storage.path=${join(workDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${amPort}`,
      `--cluster.listen-address=127.0.0.1:${clusterPort}`,
      '--cluster.advertise-address=127.0.0.1:0',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  am.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`${amUrl}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (am.exitCode !== null || Date.now() > deadline) throw new Error(`alertmanager did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
});

after(async () => {
  if (am && am.exitCode === null) {
    const exited = new Promise((r) => am?.once('exit', r));
    am.kill('SIGTERM');
    await exited;
  }
  if (sink && sink.exitCode === null) sink.kill('SIGTERM');
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

async function post(alerts: Record<string, string>[]): Promise<void> {
  const startsAt = new Date().toISOString();
  const endsAt = new Date(Date.now() + 10 * 60_000).toISOString();
  const res = await fetch(`${amUrl}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts.map((labels) => ({ labels, startsAt, endsAt }))),
  });
  assert.equal(res.status, 200, await res.text());
}

async function alertsNow(): Promise<AmAlert[]> {
  return (await (await fetch(`${amUrl}/api/v2/alerts`)).json()) as AmAlert[];
}

const key = (labels: Record<string, string>): string =>
  [labels.alertname, labels.instance, labels.gen_ai_request_model, labels.aimeter_sli].filter(Boolean).join('/');

test('inhibitions are scoped by alert family and by the labels that identify the same thing', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const model = { job: 'app', gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai' };
  await post([
    // An outage of gpt-4o: the page, its own ticket, and the rate limiting that explains it.
    { alertname: 'AimeterErrorBudgetBurnFast', severity: 'critical', ...model, gen_ai_request_model: 'gpt-4o', aimeter_sli: 'availability' },
    { alertname: 'AimeterErrorBudgetBurnSlow', severity: 'warning', ...model, gen_ai_request_model: 'gpt-4o', aimeter_sli: 'availability' },
    { alertname: 'AimeterRateLimitSurge', severity: 'warning', ...model, gen_ai_request_model: 'gpt-4o' },
    // Another model's ticket, and another SLI's ticket of the same model: not the same thing.
    { alertname: 'AimeterErrorBudgetBurnSlow', severity: 'warning', ...model, gen_ai_request_model: 'gpt-4o-mini', aimeter_sli: 'availability' },
    { alertname: 'AimeterErrorBudgetBurnSlow', severity: 'warning', ...model, gen_ai_request_model: 'gpt-4o', aimeter_sli: 'duration' },
    // One pod down: its own self alerts are muted, the other pod's are not.
    { alertname: 'AimeterTargetDown', severity: 'critical', job: 'app', instance: 'pod-a:9464' },
    { alertname: 'AimeterInternalErrors', severity: 'warning', job: 'app', instance: 'pod-a:9464', aimeter_component: 'processor' },
    { alertname: 'AimeterInternalErrors', severity: 'warning', job: 'app', instance: 'pod-b:9464', aimeter_component: 'processor' },
    { alertname: 'AimeterMetricsAbsent', severity: 'warning' },
    { alertname: 'AimeterWatchdog', severity: 'none' },
  ]);
  let alerts: AmAlert[] = [];
  for (let i = 0; i < 50; i++) {
    alerts = await alertsNow();
    if (alerts.length >= 10 && alerts.every((a) => a.status.state !== 'unprocessed')) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const inhibited = alerts.filter((a) => a.status.inhibitedBy.length > 0).map((a) => key(a.labels)).sort();
  const active = alerts.filter((a) => a.status.inhibitedBy.length === 0).map((a) => key(a.labels)).sort();
  assert.deepEqual(inhibited, ['AimeterErrorBudgetBurnSlow/gpt-4o/availability', 'AimeterInternalErrors/pod-a:9464', 'AimeterMetricsAbsent'].sort());
  assert.deepEqual(
    active,
    [
      'AimeterErrorBudgetBurnFast/gpt-4o/availability',
      'AimeterErrorBudgetBurnSlow/gpt-4o-mini/availability',
      'AimeterErrorBudgetBurnSlow/gpt-4o/duration',
      'AimeterInternalErrors/pod-b:9464',
      'AimeterRateLimitSurge/gpt-4o',
      'AimeterTargetDown/pod-a:9464',
      'AimeterWatchdog',
    ].sort(),
  );

  // The sink logs what the receivers got: the outage pages once (one AimeterErrorBudgetBurnFast
  // line), the Watchdog reaches its own receiver, nothing inhibited is sent.
  const lines = (): string[] => sinkLog.split('\n').filter((l) => l.startsWith('['));
  for (let i = 0; i < 75 && !(lines().some((l) => l.startsWith('[watchdog]')) && lines().filter((l) => l.startsWith('[page]')).length >= 2); i++) {
    await new Promise((r) => setTimeout(r, 200));
  }
  const pages = lines().filter((l) => l.startsWith('[page]'));
  assert.equal(pages.filter((l) => l.includes(' AimeterErrorBudgetBurnFast ')).length, 1, sinkLog);
  assert.equal(pages.filter((l) => l.includes(' AimeterTargetDown ')).length, 1, sinkLog);
  assert.equal(pages.length, 2, sinkLog);
  assert.ok(lines().some((l) => l.startsWith('[watchdog] FIRING AimeterWatchdog (none)')), sinkLog);
  assert.ok(lines().some((l) => l.startsWith('[ticket] FIRING AimeterRateLimitSurge (warning)') && l.includes('gen_ai_request_model=gpt-4o')), sinkLog);
  assert.ok(!lines().some((l) => l.includes(' AimeterMetricsAbsent ')), sinkLog);
  assert.ok(!lines().some((l) => l.includes('instance=pod-a:9464') && l.includes(' AimeterInternalErrors ')), sinkLog);
  assert.ok(!lines().some((l) => l.includes(' AimeterErrorBudgetBurnSlow ') && l.includes('aimeter_sli=availability') && l.includes('gen_ai_request_model=gpt-4o ')), sinkLog);
});
