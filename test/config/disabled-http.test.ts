/**
 * OTEL_NODE_DISABLED_INSTRUMENTATIONS=http, OpenTelemetry's short name for
 * @opentelemetry/instrumentation-http, through the real preload: no warning, no HTTP spans and no
 * trace context on outgoing requests, while the provider instrumentations still count every call.
 * The same app without the variable shows what the variable takes away.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { installInstrumentations } from '../../src/sdk/instrumentations';
import { freePort, REPO_ROOT, scrape, startChildApp } from '../helpers/child-app';
import { parseExposition, sum } from '../helpers/exposition';

const APP = path.join(REPO_ROOT, 'dist', 'test', 'apps', 'http-app.js');
const HTTP_SCOPE = '@opentelemetry/instrumentation-http';

interface Run {
  readonly stdout: string;
  readonly stderr: string;
  readonly headers: Record<string, string>;
  readonly chatCalls: number;
}

async function run(env: Record<string, string>): Promise<Run> {
  const port = await freePort();
  const app = await startChildApp(['--require', 'aimeter/register', APP], {
    ...env,
    OTEL_TRACES_EXPORTER: 'console',
    OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
    OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
  });
  let chatCalls: number;
  try {
    const m = parseExposition((await scrape(port)).body);
    chatCalls = sum(m, 'gen_ai_client_operation_duration_seconds_count', { gen_ai_operation_name: 'chat' });
  } finally {
    assert.equal(await app.stop(), 0);
  }
  const line = app.stdout().split('\n').find((l) => l.startsWith('headers '));
  assert.ok(line, `no headers line; stdout: ${app.stdout()}`);
  return { stdout: app.stdout(), stderr: app.stderr(), headers: JSON.parse(line.slice('headers '.length)), chatCalls };
}

test('OTEL_NODE_DISABLED_INSTRUMENTATIONS=http: no HTTP spans, no traceparent, GenAI calls still counted, no warning', async () => {
  const off = await run({ OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'http' });
  assert.equal(off.stderr, '');
  assert.equal(off.chatCalls, 1);
  assert.equal(off.headers.traceparent, undefined);
  assert.ok(!off.stdout.includes(HTTP_SCOPE), 'an HTTP span was exported');
  assert.match(off.stdout, /gen_ai\.operation\.name/, 'the chat span was exported');

  const on = await run({});
  assert.equal(on.chatCalls, 1);
  assert.match(on.headers.traceparent ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
  assert.ok(on.stdout.includes(HTTP_SCOPE), 'the http instrumentation exported no span');
});

test('installInstrumentations leaves out the HTTP instrumentation (and its route watchers) for "http" only', () => {
  const created: Instrumentation[] = [];
  const names = (disabled: string[]) => {
    const list = installInstrumentations(new Set(disabled));
    created.push(...list);
    return list.map((i) => i.instrumentationName);
  };
  try {
    const all = names([]);
    assert.ok(all.includes(HTTP_SCOPE));
    assert.deepEqual(names(['http']), all.filter((n) => n !== HTTP_SCOPE && n !== 'aimeter/instrumentation-koa-route'));
    assert.deepEqual(names(['openai']), all.filter((n) => n !== 'aimeter/instrumentation-openai'));
  } finally {
    for (const i of created) i.disable();
  }
});
