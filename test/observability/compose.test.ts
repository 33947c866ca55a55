/**
 * docker-compose.yml: every mounted file exists, and the service names and ports agree with
 * prometheus/prometheus.yml, the Grafana data sources and the app's OTLP endpoint.
 * (No Docker engine is needed: this checks the files.)
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { inRepo, readRepo, readYaml } from './support';

interface Service {
  image?: string;
  build?: string | { context: string; dockerfile?: string };
  command?: string[] | string;
  environment?: Record<string, string> | string[];
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] | string };
  depends_on?: string[] | Record<string, unknown>;
}
const compose = readYaml<{ services: Record<string, Service>; volumes?: Record<string, unknown> }>('docker-compose.yml');
const services = compose.services;

function env(s: Service): Record<string, string> {
  if (Array.isArray(s.environment)) {
    return Object.fromEntries(s.environment.map((e) => [e.split('=')[0] as string, e.split('=').slice(1).join('=')]));
  }
  return Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]));
}

/** Container ports a service publishes ("[ip:]host:container") or exposes to the stack. */
function containerPorts(s: Service): number[] {
  return [...(s.ports ?? []), ...(s.expose ?? [])].map((p) => Number(String(p).split(':').pop()?.split('/')[0]));
}

/** Bind mounts: host path (relative to the repo) -> container path. */
function binds(s: Service): { host: string; container: string }[] {
  return (s.volumes ?? [])
    .map((v) => v.split(':'))
    .filter(([host]) => host !== undefined && (host.startsWith('./') || host.startsWith('/')))
    .map(([host, container]) => ({ host: host as string, container: container as string }));
}

/** host:port of a URL or a bare target. */
function hostPort(target: string): { host: string; port: number } {
  const url = new URL(target.includes('://') ? target : `http://${target}`);
  return { host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) };
}

function assertReaches(what: string, target: string, self?: string): void {
  const { host, port } = hostPort(target);
  if (self && (host === 'localhost' || host === '127.0.0.1')) {
    assert.ok(containerPorts(services[self] as Service).includes(port), `${what}: ${self} does not listen on ${port}`);
    return;
  }
  const service = services[host];
  assert.ok(service, `${what}: ${target} names no compose service`);
  assert.ok(containerPorts(service).includes(port), `${what}: service ${host} publishes no port ${port} (${service.ports?.join(', ')})`);
}

test('the stack has the app, Prometheus, Alertmanager, a notification sink, Grafana and a trace backend', () => {
  for (const name of ['demo', 'prometheus', 'alertmanager', 'alert-sink', 'grafana', 'jaeger']) assert.ok(services[name], `no service ${name}`);
  // The app is built from the repo's Dockerfile, which runs the demo with aimeter preloaded.
  const build = services.demo?.build;
  const dockerfile = typeof build === 'object' ? build.dockerfile ?? 'Dockerfile' : 'Dockerfile';
  assert.ok(existsSync(inRepo(dockerfile)), `${dockerfile} missing`);
  const text = readRepo(dockerfile);
  assert.match(text, /dist\/src\/register\.js/);
  assert.match(text, /dist\/examples\/assistant\/main\.js/);
  for (const copied of text.matchAll(/^COPY\s+(?!--)(.+)\s+\S+$/gm)) {
    for (const src of (copied[1] as string).split(/\s+/)) assert.ok(existsSync(inRepo(src)), `Dockerfile copies ${src}, which does not exist`);
  }
});

test('every bind-mounted file or directory exists', () => {
  for (const [name, s] of Object.entries(services)) {
    for (const { host } of binds(s)) assert.ok(existsSync(inRepo(host)), `${name} mounts ${host}, which does not exist`);
  }
});

test('prometheus.yml scrapes the demo on the port the app serves /metrics on, and loads the mounted rules', () => {
  const prom = readYaml<{
    rule_files: string[];
    alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
    scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
  }>('prometheus/prometheus.yml');
  const demoEnv = env(services.demo as Service);
  const appPort = Number(demoEnv.OTEL_EXPORTER_PROMETHEUS_PORT ?? 9464);
  assert.equal(demoEnv.OTEL_EXPORTER_PROMETHEUS_HOST, '0.0.0.0', 'the app must listen beyond loopback inside its container');
  const targets = prom.scrape_configs.flatMap((j) => j.static_configs.flatMap((c) => c.targets.map((t) => ({ job: j.job_name, t }))));
  const demoTarget = targets.find(({ t }) => hostPort(t).host === 'demo');
  assert.ok(demoTarget, 'prometheus.yml does not scrape the demo service');
  assert.equal(hostPort(demoTarget.t).port, appPort);
  for (const { job, t } of targets) assertReaches(`scrape job ${job}`, t, 'prometheus');
  for (const am of prom.alerting.alertmanagers.flatMap((a) => a.static_configs.flatMap((c) => c.targets))) {
    assertReaches('alerting', am);
  }

  // The config and the rule files it names are mounted where the command says.
  const p = services.prometheus as Service;
  const command = Array.isArray(p.command) ? p.command : String(p.command ?? '').split(/\s+/);
  const configPath = command.find((c) => c.startsWith('--config.file='))?.split('=')[1];
  const mounts = binds(p);
  assert.ok(mounts.some((m) => m.host === './prometheus/prometheus.yml' && m.container === configPath), 'prometheus.yml is not mounted at --config.file');
  const configDir = (configPath ?? '').replace(/\/[^/]+$/, '');
  for (const rf of prom.rule_files) {
    const inContainer = `${configDir}/${rf}`;
    const mount = mounts.find((m) => inContainer.startsWith(`${m.container}/`));
    assert.ok(mount, `rule file ${rf} (${inContainer}) is not mounted`);
    assert.ok(existsSync(inRepo(mount.host, inContainer.slice(mount.container.length + 1))), `${rf} missing`);
  }
  assert.ok(mounts.some((m) => m.host === './prometheus/rules'), 'rules are not mounted');
});

test('Grafana data sources point at the compose services, and Grafana mounts its provisioning and dashboards', () => {
  const ds = readYaml<{ datasources: { name: string; uid: string; type: string; url: string }[] }>(
    'grafana/provisioning/datasources/aimeter.yml',
  );
  const types = ds.datasources.map((d) => d.type);
  assert.ok(types.includes('prometheus'));
  assert.ok(types.includes('jaeger') || types.includes('tempo'), 'no trace data source');
  for (const d of ds.datasources) assertReaches(`data source ${d.name}`, d.url);
  assert.equal(ds.datasources.filter((d) => d.type === 'prometheus').length, 1);

  const g = services.grafana as Service;
  const mounts = binds(g);
  for (const dir of ['datasources', 'dashboards']) {
    assert.ok(
      mounts.some((m) => m.host === `./grafana/provisioning/${dir}` && m.container === `/etc/grafana/provisioning/${dir}`),
      `grafana/provisioning/${dir} is not mounted`,
    );
  }
  // One alerting path (issue 11: "provisions both Prometheus alerts and Grafana-managed copies,
  // each alert twice"): Prometheus + Alertmanager; the Grafana-managed copies are not provisioned.
  assert.ok(
    !mounts.some((m) => m.host.startsWith('./grafana/provisioning/alerting') || m.container.includes('/provisioning/alerting')),
    'grafana/provisioning/alerting is mounted: every alert would fire twice',
  );
  const providers = readYaml<{ providers: { options: { path: string } }[] }>('grafana/provisioning/dashboards/aimeter.yml');
  for (const p of providers.providers) {
    assert.ok(mounts.some((m) => m.host === './grafana/dashboards' && m.container === p.options.path), `dashboards not mounted at ${p.options.path}`);
  }
  const home = env(g).GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
  if (home) {
    const mount = mounts.find((m) => home.startsWith(`${m.container}/`));
    assert.ok(mount && existsSync(inRepo(mount.host, home.slice(mount.container.length + 1))), `home dashboard ${home} not mounted`);
  }
  // No silent admin/admin: the password comes from the environment, and compose refuses to start
  // without it (${VAR:?message}).
  assert.match(env(g).GF_SECURITY_ADMIN_PASSWORD ?? '', /^\$\{GF_SECURITY_ADMIN_PASSWORD:\?.+\}$/);
});

test('every port is bound to 127.0.0.1, every image pinned, every service but Jaeger health-checked', () => {
  for (const [name, s] of Object.entries(services)) {
    for (const p of s.ports ?? []) assert.match(String(p), /^127\.0\.0\.1:\d+:\d+$/, `${name}: port ${p} not bound to 127.0.0.1`);
    if (s.image) assert.match(s.image, /^[\w./-]+:v?\d+\.\d+\.\d+$/, `${name}: image ${s.image} is not pinned to a version`);
    if (name !== 'jaeger') assert.ok(s.healthcheck?.test, `${name}: no healthcheck`);
  }
  // Services wait for the health of what they need.
  const prometheusNeeds = services.prometheus?.depends_on as Record<string, { condition: string }>;
  assert.equal(prometheusNeeds.alertmanager?.condition, 'service_healthy');
});

test('Prometheus runs with exemplar storage and keeps the 28-day SLO period', () => {
  const p = services.prometheus as Service;
  const command = Array.isArray(p.command) ? p.command : String(p.command ?? '').split(/\s+/);
  assert.ok(command.includes('--enable-feature=exemplar-storage'), command.join(' '));
  const retention = command.find((c) => c.startsWith('--storage.tsdb.retention.time='))?.split('=')[1] ?? '15d';
  assert.ok(Number(/^(\d+)d$/.exec(retention)?.[1] ?? 0) >= 28, `retention ${retention} is shorter than the 28-day SLO period`);
});

test('the app sends its spans over OTLP/HTTP to the trace backend', () => {
  const e = env(services.demo as Service);
  assert.equal(e.OTEL_TRACES_EXPORTER, 'otlp');
  const endpoint = e.OTEL_EXPORTER_OTLP_ENDPOINT ?? '';
  assert.equal(hostPort(endpoint).port, 4318);
  assertReaches('OTEL_EXPORTER_OTLP_ENDPOINT', endpoint);
  assert.equal(env(services.jaeger as Service).COLLECTOR_OTLP_ENABLED, 'true');
});

test('Alertmanager routes by severity and notifies the alert sink of the stack', () => {
  const am = readYaml<{
    route: { routes: { matchers: string[]; receiver: string }[] };
    receivers: { name: string; webhook_configs?: { url: string }[] }[];
  }>('alertmanager/alertmanager.yml');
  for (const r of am.receivers) {
    assert.ok((r.webhook_configs ?? []).length > 0, `receiver ${r.name} notifies nobody`);
    for (const w of r.webhook_configs ?? []) {
      assert.notEqual(hostPort(w.url).host, 'alertmanager', `receiver ${r.name} posts to Alertmanager itself`);
      assertReaches(`receiver ${r.name}`, w.url);
    }
  }
  const sink = services['alert-sink'] as Service;
  const sinkCommand = Array.isArray(sink.command) ? sink.command.join(' ') : String(sink.command);
  assert.match(sinkCommand, /dist\/examples\/alert-sink\/main\.js/);
  assert.ok(existsSync(inRepo('examples/alert-sink/main.ts')));
  const receivers = new Set(am.receivers.map((r) => r.name));
  for (const severity of ['critical', 'warning']) {
    const route = am.route.routes.find((r) => r.matchers.some((m) => m.replace(/\s/g, '') === `severity="${severity}"`));
    assert.ok(route, `no route for severity ${severity}`);
    assert.ok(receivers.has(route.receiver));
  }
  assert.ok(binds(services.alertmanager as Service).some((m) => m.host === './alertmanager/alertmanager.yml'));
});
