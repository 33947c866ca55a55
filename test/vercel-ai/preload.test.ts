/**
 * End to end: an unmodified app on the Vercel AI SDK (no `experimental_telemetry` anywhere) under
 * the preload, CommonJS (`--require`) and ESM (`--import`): /metrics, scraped over HTTP, holds
 * each model call, tool call and embedding once, exactly; and the app got what it gets without
 * aimeter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseExposition, sum } from '../helpers/exposition';
import { freePort, REPO_ROOT, scrape, startChildApp } from '../helpers/child-app';

const app = (file: string) => path.join(REPO_ROOT, 'dist', 'test', 'apps', file);
const CHAT = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o-mini', gen_ai_response_model: 'gpt-4o-mini-2024-07-18' };
const EMBED = { gen_ai_operation_name: 'embeddings', gen_ai_provider_name: 'openai', gen_ai_request_model: 'text-embedding-3-small' };
const DURATION = 'gen_ai_client_operation_duration_seconds_count';

/** The app's JSON line (what the caller got). */
const gotLine = (stdout: string) => stdout.split('\n').find((line) => line.startsWith('{'));

/** The exact figures of one app run on /metrics. */
function assertCountedOnce(body: string, kind: string): void {
  const m = parseExposition(body);
  const eq = (actual: number, expected: number, what: string) => assert.equal(actual, expected, `${kind}: ${what}`);
  // generateText (5 in, 5 out), streamText (6, 6), the tool round's two steps (12 + 20, 10 + 4).
  eq(sum(m, DURATION, CHAT), 4, 'model calls');
  eq(sum(m, 'aimeter_tokens_total', { ...CHAT, gen_ai_token_type: 'input' }), 5 + 6 + 12 + 20, 'input tokens');
  eq(sum(m, 'aimeter_tokens_total', { ...CHAT, gen_ai_token_type: 'output' }), 5 + 6 + 10 + 4, 'output tokens');
  eq(sum(m, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', CHAT), 1, 'the streamed call');
  eq(sum(m, DURATION, { gen_ai_operation_name: 'execute_tool', gen_ai_tool_name: 'weather' }), 1, 'tool calls');
  eq(sum(m, DURATION, EMBED), 1, 'embedding calls');
  eq(sum(m, 'aimeter_tokens_total', { ...EMBED, gen_ai_token_type: 'input' }), 3, 'embedding tokens');
  eq(sum(m, DURATION, { gen_ai_operation_name: 'invoke_workflow' }), 4, 'one run per generateText, streamText and embed');
  eq(sum(m, 'aimeter_tokens_total'), 43 + 25 + 3, 'nothing counted twice');
  const dollars = (43 * 0.15 + 25 * 0.6 + 3 * 0.02) / 1e6;
  assert.ok(Math.abs(sum(m, 'aimeter_cost_usd_total') - dollars) < 1e-15, `${kind}: cost ${sum(m, 'aimeter_cost_usd_total')} = ${dollars}`);
}

test('CommonJS (--require) and ESM (--import): each AI SDK call of an unmodified app is on /metrics once, exactly; the app gets what it gets without aimeter', async () => {
  const [cjsPort, esmPort] = [await freePort(), await freePort()];
  const env = (port: number) => ({ OTEL_EXPORTER_PROMETHEUS_PORT: String(port), OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1' });
  // The three apps at once: most of their time is loading the SDK. Every app that started is
  // stopped, whatever failed (a child left running would keep the test process alive).
  const started = await Promise.allSettled([
    startChildApp([app('vercel-ai-app.js')], {}, { timeoutMs: 60_000 }),
    startChildApp(['--require', 'aimeter/register', app('vercel-ai-app.js')], env(cjsPort), { timeoutMs: 60_000 }),
    startChildApp(['--import', 'aimeter/register', app('vercel-ai-app.mjs')], env(esmPort), { timeoutMs: 60_000 }),
  ]);
  const apps = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  try {
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    const [bare, cjs, esm] = apps.map((a) => gotLine(a.stdout()));
    assert.ok(bare?.includes('Fake reply to: Say hello'), apps[0]!.stdout());
    assert.equal(cjs, bare, 'CommonJS: the same results as without aimeter');
    assert.equal(esm, bare, 'ESM: the same results as without aimeter');
    assertCountedOnce((await scrape(cjsPort)).body, 'CommonJS');
    assertCountedOnce((await scrape(esmPort)).body, 'ESM');
  } finally {
    for (const a of apps) assert.equal(await a.stop(), 0);
  }
});
