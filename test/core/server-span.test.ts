/**
 * aimeter's SERVER span inside instrumentation-http's patch (src/http/server-span.ts; issue 15,
 * cost per request), in process, against a real node:http server and client: the span
 * instrumentation-http made (name, kind, attributes, status, remote parent), the request's context
 * in every listener the handler adds (a body read after the handler returned), one span per
 * request on a kept-alive connection, listeners that can still be removed, redacted query values,
 * none for aimeter's own servers, and `http.server.request.duration` where a meter provider is set.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as Http from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, metrics, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { suppressTracing, W3CTraceContextPropagator } from '@opentelemetry/core';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { markOwnServer } from '../../src/http/own-servers';
import { useLeanServerSpans } from '../../src/http/server-span';
import { createHttpInstrumentation } from '../../src/sdk/http-instrumentation';
import { setupTelemetry, type TestTelemetry } from '../helpers/telemetry';

let telemetry: TestTelemetry;
let http: typeof Http;
let server: Http.Server;
let port: number;
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const meterProvider = new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 })] });
/** What each handler saw: the active span's id when it ran, and when the body's 'end' came. */
const seen: { path: string; inHandler?: string; atBodyEnd?: string; removed?: boolean }[] = [];

before(async () => {
  const instrumentation = createHttpInstrumentation();
  telemetry = setupTelemetry({ instrumentations: [instrumentation] });
  // After registration, which hands the instrumentation the global (no-op) meter provider.
  instrumentation.setMeterProvider(meterProvider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  // Required after the instrumentation is registered, so that the module is patched.
  http = require('http') as typeof Http;
  server = http.createServer((req, res) => {
    const entry: (typeof seen)[number] = { path: req.url ?? '', inHandler: trace.getActiveSpan()?.spanContext().spanId };
    seen.push(entry);
    const noop = () => undefined;
    req.on('aborted', noop);
    req.removeListener('aborted', noop);
    entry.removed = req.listenerCount('aborted') === 0;
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      entry.atBodyEnd = trace.getActiveSpan()?.spanContext().spanId;
      setTimeout(() => {
        res.statusCode = req.url?.startsWith('/fail') ? 503 : 200;
        res.end(JSON.stringify({ body }));
      }, 5);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await telemetry.shutdown();
  await meterProvider.shutdown();
  propagation.disable();
});

function request(path: string, options: { method?: string; body?: string; headers?: Record<string, string>; agent?: Http.Agent; to?: number } = {}): Promise<number> {
  // The client's own CLIENT span and traceparent stay out of it: the server's parent is what the test sends.
  return context.with(suppressTracing(context.active()), () => new Promise<number>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: options.to ?? port, path, method: options.method ?? 'GET', headers: options.headers, agent: options.agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(options.body);
  }));
}

function serverSpans(): ReadableSpan[] {
  return telemetry.exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER);
}

async function spanFor(path: string): Promise<ReadableSpan> {
  for (let i = 0; i < 100; i++) {
    const span = serverSpans().find((s) => s.attributes['url.path'] === path.split('?')[0]);
    if (span) return span;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no SERVER span for ${path}`);
}

test("instrumentation-http is the release server-span.ts was written against: its patch is aimeter's", () => {
  assert.equal(useLeanServerSpans(new HttpInstrumentation()), true);
});

test("the span is instrumentation-http's: name, kind, attributes, status code, no error status below 500", async () => {
  assert.equal(await request('/plain', { headers: { 'user-agent': 'aimeter-test' } }), 200);
  const span = await spanFor('/plain');
  assert.equal(span.name, 'GET');
  assert.equal(span.kind, SpanKind.SERVER);
  assert.equal(span.instrumentationScope.name, '@opentelemetry/instrumentation-http');
  assert.deepEqual(
    {
      method: span.attributes['http.request.method'],
      scheme: span.attributes['url.scheme'],
      server: span.attributes['server.address'],
      serverPort: span.attributes['server.port'],
      peer: span.attributes['network.peer.address'],
      protocol: span.attributes['network.protocol.version'],
      agent: span.attributes['user_agent.original'],
      status: span.attributes['http.response.status_code'],
    },
    { method: 'GET', scheme: 'http', server: '127.0.0.1', serverPort: port, peer: '127.0.0.1', protocol: '1.1', agent: 'aimeter-test', status: 200 },
  );
  assert.equal(span.status.code, SpanStatusCode.UNSET);
  assert.equal(span.parentSpanContext, undefined, 'a root span');
});

test('a 5xx response is an error; a remote parent from traceparent is the parent', async () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const parentId = '00f067aa0ba902b7';
  assert.equal(await request('/fail', { headers: { traceparent: `00-${traceId}-${parentId}-01` } }), 503);
  const span = await spanFor('/fail');
  assert.equal(span.status.code, SpanStatusCode.ERROR);
  assert.equal(span.attributes['http.response.status_code'], 503);
  assert.equal(span.spanContext().traceId, traceId);
  assert.equal(span.parentSpanContext?.spanId, parentId);
  assert.equal(span.parentSpanContext?.isRemote, true);
});

test("the request's context reaches a listener the handler added (the body's 'end', after the handler returned), and listeners can be removed", async () => {
  assert.equal(await request('/body', { method: 'POST', body: 'x'.repeat(100_000) }), 200);
  const span = await spanFor('/body');
  const entry = seen.find((e) => e.path === '/body')!;
  assert.equal(entry.inHandler, span.spanContext().spanId);
  assert.equal(entry.atBodyEnd, span.spanContext().spanId, "the body's end ran in the request's span");
  assert.equal(entry.removed, true);
});

test('two requests on one kept-alive connection: a span each, each handler in its own', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await request('/first', { agent, method: 'POST', body: 'one' });
    await request('/second', { agent, method: 'POST', body: 'two' });
  } finally {
    agent.destroy();
  }
  const first = await spanFor('/first');
  const second = await spanFor('/second');
  assert.notEqual(first.spanContext().traceId, second.spanContext().traceId);
  for (const [path, span] of [['/first', first], ['/second', second]] as const) {
    const entry = seen.find((e) => e.path === path)!;
    assert.equal(entry.atBodyEnd, span.spanContext().spanId, path);
  }
});

test('query values are redacted, keys kept', async () => {
  await request('/search?q=tell%20me%20a%20secret&api_key=sk-planted');
  const span = await spanFor('/search');
  assert.equal(span.attributes['url.query'], 'q=REDACTED&api_key=REDACTED');
  assert.doesNotMatch(JSON.stringify(span.attributes), /secret|sk-planted/);
});

test("aimeter's own servers make no span", async () => {
  const own = http.createServer((_req, res) => res.end('ok'));
  markOwnServer(own);
  await new Promise<void>((resolve) => own.listen(0, '127.0.0.1', resolve));
  try {
    const before = serverSpans().length;
    assert.equal(await request('/metrics', { to: (own.address() as AddressInfo).port }), 200);
    await request('/after-own');
    await spanFor('/after-own');
    assert.equal(serverSpans().length, before + 1, 'only /after-own');
  } finally {
    await new Promise<void>((resolve) => own.close(() => resolve()));
  }
});

test('http.server.request.duration is recorded through the meter provider the instrumentation was given', async () => {
  await request('/timed');
  await spanFor('/timed');
  await meterProvider.forceFlush();
  const metric = metricExporter
    .getMetrics()
    .flatMap((r) => r.scopeMetrics)
    .flatMap((s) => s.metrics)
    .find((m) => m.descriptor.name === 'http.server.request.duration');
  assert.ok(metric, 'http.server.request.duration exported');
  const points = metric.dataPoints as { attributes: Record<string, unknown>; value: { count: number } }[];
  const ok = points.find((p) => p.attributes['http.response.status_code'] === 200 && p.attributes['http.request.method'] === 'GET');
  assert.ok(ok && ok.value.count >= 1);
  const failed = points.find((p) => p.attributes['http.response.status_code'] === 503);
  assert.equal(failed?.attributes['error.type'], '503');
  assert.equal(metrics.getMeterProvider() === meterProvider, false, 'the global meter provider was not touched');
});
