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

let bare: string | undefined;

test('without aimeter: what the app gets', async () => {
  const child = await startChildApp([app('vercel-ai-app.js')], {});
  try {
    bare = gotLine(child.stdout());
    assert.ok(bare?.includes('Fake reply to: Say hello'), child.stdout());
  } finally {
    assert.equal(await child.stop(), 0);
  }
});

for (const [kind, flag, file] of [
  ['CommonJS', '--require', 'vercel-ai-app.js'],
  ['ESM', '--import', 'vercel-ai-app.mjs'],
] as const) {
  test(`${kind}: the AI SDK calls of an unmodified app are on /metrics once each, exactly; the app gets the same`, async () => {
    const port = await freePort();
    const child = await startChildApp([flag, 'aimeter/register', app(file)], {
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
    });
    try {
      assert.equal(gotLine(child.stdout()), bare, 'the same results as without aimeter');
      const m = parseExposition((await scrape(port)).body);
      // generateText (5 in, 5 out), streamText (6, 6), the tool round's two steps (12 + 20, 10 + 4).
      assert.equal(sum(m, DURATION, CHAT), 4);
      assert.equal(sum(m, 'aimeter_tokens_total', { ...CHAT, gen_ai_token_type: 'input' }), 5 + 6 + 12 + 20);
      assert.equal(sum(m, 'aimeter_tokens_total', { ...CHAT, gen_ai_token_type: 'output' }), 5 + 6 + 10 + 4);
      assert.equal(sum(m, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', CHAT), 1, 'the streamed call');
      assert.equal(sum(m, DURATION, { gen_ai_operation_name: 'execute_tool', gen_ai_tool_name: 'weather' }), 1);
      assert.equal(sum(m, DURATION, EMBED), 1);
      assert.equal(sum(m, 'aimeter_tokens_total', { ...EMBED, gen_ai_token_type: 'input' }), 3);
      assert.equal(sum(m, DURATION, { gen_ai_operation_name: 'invoke_workflow' }), 4, 'one run per generateText, streamText and embed');
      assert.equal(sum(m, 'aimeter_tokens_total'), 43 + 25 + 3, 'nothing counted twice');
      const dollars = ((43 * 0.15 + 25 * 0.6) + 3 * 0.02) / 1e6;
      assert.ok(Math.abs(sum(m, 'aimeter_cost_usd_total') - dollars) < 1e-15, `cost ${sum(m, 'aimeter_cost_usd_total')} = ${dollars}`);
    } finally {
      assert.equal(await child.stop(), 0);
    }
  });
}
