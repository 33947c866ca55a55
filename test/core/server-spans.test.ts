/**
 * Issue 16: under the preload, every incoming request is the root of its trace. Real framework
 * apps (test/fixtures/<framework>/app.{cjs,mjs}), none of which require `http` themselves, call
 * the real `openai` SDK against the loopback fake while handling a request; the spans they export
 * to a loopback OTLP receiver must be one SERVER span per request, with the framework's route,
 * and the GenAI span beneath it. Requests to aimeter's own /metrics make no span. The resource
 * carries no argv (issue 10).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { startFakeOpenAI, type FakeOpenAI } from '../../examples/fake-provider/openai';
import { freePort, REPO_ROOT, scrape, startChildApp } from '../helpers/child-app';
import { exportedSpans, otlpReceiver, waitFor, type ExportedSpan, type OtlpReceiver } from '../helpers/otlp-receiver';

const SERVER = 2; // OTLP SpanKind.SPAN_KIND_SERVER
const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');
const SECRET_ARG = '--api-key=sk-planted-argv-secret';

const FRAMEWORKS = [
  { name: 'express 4', dir: 'express4', route: '/api/chat/:topic' },
  { name: 'express 5 (the copy aimeter used to load itself)', dir: 'express5', route: '/api/chat/:topic' },
  { name: 'fastify', dir: 'fastify', route: '/api/chat/:topic' },
  { name: 'koa + @koa/router', dir: 'koa', route: '/api/chat/:topic' },
  { name: 'plain node:http', dir: 'plain-http', route: undefined },
] as const;

const FLAVOURS = [
  { kind: 'CommonJS', flag: '--require', file: 'app.cjs' },
  { kind: 'ESM', flag: '--import', file: 'app.mjs' },
] as const;

/** The span's ancestors, nearest first, among the spans exported. */
function ancestors(span: ExportedSpan, spans: readonly ExportedSpan[]): ExportedSpan[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const chain: ExportedSpan[] = [];
  for (let parent = span.parentSpanId; parent !== undefined; ) {
    const next = byId.get(parent);
    assert.ok(next, `span ${span.name}: parent ${parent} was not exported`);
    chain.push(next);
    parent = next.parentSpanId;
  }
  return chain;
}

describe('every incoming request is the root of its trace', () => {
  let fake: FakeOpenAI;
  before(async () => {
    fake = await startFakeOpenAI();
  });
  after(async () => {
    await fake.close();
  });

  for (const framework of FRAMEWORKS) {
    for (const flavour of FLAVOURS) {
      test(`${framework.name}, ${flavour.kind} (${flavour.flag} aimeter/register)`, async () => {
        const receiver: OtlpReceiver = await otlpReceiver();
        const metricsPort = await freePort();
        const app = await startChildApp([flavour.flag, 'aimeter/register', path.join(FIXTURES, framework.dir, flavour.file), SECRET_ARG], {
          FAKE_OPENAI_URL: fake.url,
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_BSP_SCHEDULE_DELAY: '50',
          OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
          OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
          OTEL_SERVICE_NAME: 'server-span-test',
        });
        try {
          const port = Number(/^port (\d+)$/m.exec(app.stdout())![1]);
          for (const topic of ['greeting', 'weather']) {
            const res = await fetch(`http://127.0.0.1:${port}/api/chat/${topic}`);
            const body = await res.text();
            assert.equal(res.status, 200, body);
            assert.match((JSON.parse(body) as { reply: string }).reply, new RegExp(`Fake reply to: tell me about ${topic}`));
          }
          assert.equal((await scrape(metricsPort)).status, 200);
          const spans = () => exportedSpans(receiver.received);
          await waitFor(() => spans().filter((s) => s.kind === SERVER).length >= 2 && spans().filter((s) => s.name.startsWith('chat ')).length >= 2, 'two server spans and two chat spans');
          await new Promise((r) => setTimeout(r, 200)); // anything late (e.g. a /metrics span) arrives too
          const all = spans();

          const servers = all.filter((s) => s.kind === SERVER);
          assert.equal(servers.length, 2, `one SERVER span per request, none for /metrics: ${servers.map((s) => s.name).join(', ')}`);
          for (const server of servers) {
            assert.equal(server.parentSpanId, undefined, 'the request is the root of its trace');
            assert.equal(server.attributes['http.route'], framework.route);
            assert.equal(server.name, framework.route ? `GET ${framework.route}` : 'GET');
            // What instrumentation-http reads of the request (in aimeter's bundle, the URL and
            // the Host header take a shorter way: scripts/bundle.js, incoming-url-fast-path).
            assert.equal(server.attributes['url.scheme'], 'http');
            assert.equal(server.attributes['server.address'], '127.0.0.1');
            assert.equal(server.attributes['server.port'], port);
          }
          assert.deepEqual(servers.map((s) => s.attributes['url.path']).sort(), ['/api/chat/greeting', '/api/chat/weather']);
          assert.ok(servers.every((s) => s.attributes['url.query'] === undefined));
          const chats = all.filter((s) => s.name === 'chat gpt-4o-mini');
          assert.equal(chats.length, 2);
          for (const chat of chats) {
            const chain = ancestors(chat, all);
            assert.equal(chain.at(-1)?.kind, SERVER, `chat span's root is the server span: ${chain.map((s) => s.name).join(' <- ')}`);
          }
          assert.notEqual(chats[0]!.traceId, chats[1]!.traceId, 'each request is its own trace');

          const resource = servers[0]!.resource;
          assert.equal(resource['service.name'], 'server-span-test');
          assert.equal(resource['process.command_args'], undefined);
          assert.equal(resource['process.command'], undefined);
          assert.ok(!JSON.stringify(all.map((s) => s.resource)).includes('sk-planted-argv-secret'), 'no argv in resource attributes');
        } finally {
          assert.equal(await app.stop(), 0);
          await receiver.close();
        }
      });
    }
  }
});
