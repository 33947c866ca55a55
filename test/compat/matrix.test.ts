/**
 * The compatibility matrix (cells.ts; README "Compatibility"): each cell runs the unmodified
 * OpenAI smoke app under `node --require` or `--import` aimeter's register, on its Node and OTel
 * JS line, against one loopback fake OpenAI server and one OTLP/HTTP receiver shared by the
 * file, two cells at a time. Per cell: the exact token, cost and count series on /metrics, and
 * the span chain (the HTTP server span is the parent of every GenAI span, in one trace; any
 * other span hangs below a GenAI span). A cell whose Node cannot be fetched, or whose fixture is
 * not installed, is skipped with the reason.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { startFakeOpenAI, type FakeOpenAI } from '../../examples/fake-provider/openai';
import { parseExposition, sum } from '../helpers/exposition';
import { freePort, scrape } from '../helpers/child-app';
import { exportedSpans, otlpReceiver, waitFor, type OtlpReceiver } from '../helpers/otlp-receiver';
import { CELLS, OTEL3_MIN_NODE, type Cell } from './cells';
import { atLeast, resolveRuntime, type Runtime } from './runtimes';
import { makeSandbox, missingFixture } from './sandbox';

let fake: FakeOpenAI;
let receiver: OtlpReceiver;
const runtimes = new Map<number, Promise<Runtime>>();

before(async () => {
  for (const major of new Set(CELLS.map((c) => c.node))) runtimes.set(major, resolveRuntime(major));
  [fake, receiver] = await Promise.all([startFakeOpenAI({ chunkDelayMs: 1 }), otlpReceiver()]);
});
after(async () => {
  await Promise.all([fake?.close(), receiver?.close()]);
});

/** Why the cell is skipped here, or its Node binary. */
async function runtimeFor(cell: Cell): Promise<{ skip: string } | { execPath: string; version: string }> {
  const missing = missingFixture(cell);
  if (missing) return { skip: missing };
  const runtime = await runtimes.get(cell.node)!;
  if ('skip' in runtime) return runtime;
  if (cell.otel === 3 && !atLeast(runtime.version, OTEL3_MIN_NODE)) return { skip: `OTel JS 3.x needs Node >= ${OTEL3_MIN_NODE.join('.')}; npx gave ${runtime.version}` };
  return runtime;
}

interface Run {
  readonly answer: { node: string; chatTokens: number; chunks: number; embeddingTokens: number };
  readonly metrics: string;
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly phases: string;
}

/** The newest OTLP metrics push of the cell's service, by metric name. */
function pushed(cell: Cell): Map<string, any> {
  const out = new Map<string, any>();
  for (const payload of receiver.received.metrics)
    for (const rm of payload.resourceMetrics ?? []) {
      if (!(rm.resource?.attributes ?? []).some((a: any) => a.key === 'service.name' && a.value.stringValue === cell.id)) continue;
      for (const sm of rm.scopeMetrics ?? []) for (const metric of sm.metrics ?? []) out.set(metric.name, metric);
    }
  return out;
}

/** The pushed chat cost once both chat calls are in it. */
function pushedCost(cell: Cell): number | undefined {
  const points: any[] = pushed(cell).get('aimeter.cost.usd')?.sum?.dataPoints ?? [];
  const chat = points.find((p) => p.attributes.some((a: any) => a.key === 'gen_ai.operation.name' && a.value.stringValue === 'chat'));
  const value = chat === undefined ? undefined : Number(chat.asDouble);
  return value !== undefined && Math.abs(value - CHAT_COST) < 1e-12 ? value : undefined;
}

// The fake's tokens: "Say hello to the world" 8 in / 8 out, "Hi" 4 / 4 (gpt-4o-mini: $0.15 / $0.60 per million).
const CHAT_COST = 12 * 0.15e-6 + 12 * 0.6e-6;

async function runCell(cell: Cell, execPath: string): Promise<Run> {
  const sandbox = makeSandbox(cell);
  const metricsPort = await freePort();
  const args = cell.entry === 'require' ? ['--require', sandbox.register, sandbox.app] : ['--import', pathToFileURL(sandbox.register).href, sandbox.app];
  const child = spawn(execPath, args, {
    cwd: sandbox.dir,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      OPENAI_BASE_URL: fake.url,
      OPENAI_API_KEY: 'sk-test',
      OTEL_SERVICE_NAME: cell.id,
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
      // Both OTLP signals too: the trace and metrics SDKs, exporters and the prom-client bridge of the cell's OTel line.
      OTEL_METRICS_EXPORTER: 'prometheus,otlp',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      // One push, the one a natural exit makes (periodic ones would queue up on a loaded machine).
      OTEL_METRIC_EXPORT_INTERVAL: '600000',
      // Read by aimeter (config/env.ts) since the trace SDK is @opentelemetry/sdk-trace: a 5 s default would show here.
      OTEL_BSP_SCHEDULE_DELAY: '20',
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const spawned = performance.now();
  try {
    const appPort = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${cell.id}: no "listening" line in 60 s; stderr: ${stderr}`)), 60_000);
      child.stdout.on('data', () => {
        const m = /^listening (\d+)$/m.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${cell.id}: exited (${code}) before listening; stderr: ${stderr}`));
      });
    });
    const res = await fetch(`http://127.0.0.1:${appPort}/ask`);
    const text = await res.text();
    assert.equal(res.status, 200, `${cell.id}: /ask answered ${res.status}: ${text}; stderr: ${stderr}`);
    const answered = performance.now();
    await waitFor(() => exportedSpans(receiver.received).filter((s) => s.resource['service.name'] === cell.id).length >= 4, `${cell.id}'s spans`);
    const exported = performance.now();
    const metrics = (await scrape(metricsPort)).body;
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const exitCode = await exited;
    clearTimeout(timer);
    await waitFor(() => pushedCost(cell) !== undefined, `${cell.id}'s metrics pushed at exit`, 2000);
    const phases = `start to answer ${Math.round(answered - spawned)} ms, spans exported ${Math.round(exported - answered)} ms, exit and metrics push ${Math.round(performance.now() - exported)} ms`;
    return { answer: JSON.parse(text), metrics, exitCode, stderr, phases };
  } finally {
    child.kill('SIGKILL');
    sandbox.close();
  }
}

describe('compatibility matrix', { concurrency: 2 }, () => {
  for (const cell of CELLS) {
    test(`${cell.id}: Node ${cell.node}, OTel JS ${cell.otel}.x, openai ${cell.openai}, --${cell.entry}`, async (t) => {
      const runtime = await runtimeFor(cell);
      if ('skip' in runtime) {
        t.diagnostic(runtime.skip);
        t.skip(runtime.skip);
        return;
      }
      const started = performance.now();
      const run = await runCell(cell, runtime.execPath);
      t.diagnostic(`${cell.id} ran on ${runtime.version} in ${Math.round(performance.now() - started)} ms (${run.phases})`);

      assert.equal(run.answer.node, runtime.version);
      // "one two three": 3 embedding tokens.
      assert.deepEqual({ chatTokens: run.answer.chatTokens, embeddingTokens: run.answer.embeddingTokens }, { chatTokens: 16, embeddingTokens: 3 });
      assert.equal(run.exitCode, 0, `${cell.id} exit code; stderr: ${run.stderr}`);
      assert.doesNotMatch(run.stderr, /aimeter/i, `${cell.id}: aimeter printed a warning`);

      const m = parseExposition(run.metrics);
      const chat = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o-mini' };
      const embeddings = { gen_ai_operation_name: 'embeddings', gen_ai_provider_name: 'openai', gen_ai_request_model: 'text-embedding-3-small' };
      assert.equal(sum(m, 'aimeter_tokens_total', { ...chat, gen_ai_token_type: 'input' }), 12);
      assert.equal(sum(m, 'aimeter_tokens_total', { ...chat, gen_ai_token_type: 'output' }), 12);
      assert.equal(sum(m, 'aimeter_tokens_total', { ...embeddings, gen_ai_token_type: 'input' }), 3);
      assert.ok(Math.abs(sum(m, 'aimeter_cost_usd_total', chat) - CHAT_COST) < 1e-12, 'chat cost');
      assert.ok(Math.abs(sum(m, 'aimeter_cost_usd_total', embeddings) - 3 * 0.02e-6) < 1e-12, 'embeddings cost');
      assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', chat), 2);
      assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', embeddings), 1);
      assert.equal(sum(m, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', chat), 1);
      assert.equal(sum(m, 'aimeter_internal_errors_total'), 0);

      // Pushed: the same cost (waited for above), the token histogram, and prom-client's families through the bridge.
      const push = pushed(cell);
      const input = push
        .get('gen_ai.client.token.usage')
        ?.histogram.dataPoints.find((p: any) =>
          p.attributes.some((a: any) => a.key === 'gen_ai.token.type' && a.value.stringValue === 'input') &&
          p.attributes.some((a: any) => a.key === 'gen_ai.operation.name' && a.value.stringValue === 'chat'),
        );
      assert.deepEqual([Number(input?.count), Number(input?.sum)], [2, 12], 'pushed chat input tokens');
      assert.ok(push.has('process_cpu_user_seconds'), `prom-client's families pushed too: ${[...push.keys()].join(', ')}`);

      const spans = exportedSpans(receiver.received).filter((s) => s.resource['service.name'] === cell.id);
      const servers = spans.filter((s) => s.kind === 2);
      assert.equal(servers.length, 1, `${cell.id}: one SERVER span, got ${spans.map((s) => s.name).join(', ')}`);
      const server = servers[0]!;
      assert.equal(server.parentSpanId, undefined);
      const genAi = spans.filter((s) => s.attributes['gen_ai.operation.name'] !== undefined);
      assert.deepEqual(genAi.map((s) => s.name).sort(), ['chat gpt-4o-mini', 'chat gpt-4o-mini', 'embeddings text-embedding-3-small']);
      for (const s of genAi) {
        assert.equal(s.traceId, server.traceId, `${s.name} in the server span's trace`);
        assert.equal(s.parentSpanId, server.spanId, `${s.name}'s parent is the server span`);
      }
      const genAiIds = new Set(genAi.map((s) => s.spanId));
      for (const s of spans.filter((x) => x !== server && !genAiIds.has(x.spanId))) {
        assert.ok(genAiIds.has(s.parentSpanId ?? ''), `${cell.id}: ${s.name} hangs below a GenAI span`);
      }
    });
  }
});
