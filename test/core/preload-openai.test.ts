/**
 * End to end: an unmodified app calls the real `openai` SDK over HTTP (loopback fake), the
 * preload instruments it (CommonJS via require hooks, ESM via the import-in-the-middle hook),
 * and /metrics, scraped over HTTP, holds the exact numbers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseExposition, sum } from '../helpers/exposition';
import { freePort, REPO_ROOT, scrape, startChildApp } from '../helpers/child-app';

// Fake provider rules: prompt = 3 + words("hello there world") = 6 tokens; the reply
// "Fake reply to: hello there world" = 6 tokens. gpt-4o-mini answers as gpt-4o-mini-2024-07-18,
// priced as gpt-4o-mini: $0.15 / M input, $0.60 / M output.
const CALLS = 3;
const LABELS = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o-mini', gen_ai_response_model: 'gpt-4o-mini-2024-07-18' };

for (const [kind, flag, file] of [
  ['CommonJS', '--require', 'openai-app.js'],
  ['ESM', '--import', 'openai-app.mjs'],
] as const) {
  test(`${kind}: openai calls of an unmodified app are on /metrics, exactly`, async () => {
    const port = await freePort();
    const app = await startChildApp([flag, 'aimeter/register', path.join(REPO_ROOT, 'dist', 'test', 'apps', file)], {
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
    });
    try {
      const m = parseExposition((await scrape(port)).body);
      assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', LABELS), CALLS);
      assert.equal(sum(m, 'gen_ai_client_token_usage_sum', { ...LABELS, gen_ai_token_type: 'input' }), 6 * CALLS);
      assert.equal(sum(m, 'gen_ai_client_token_usage_sum', { ...LABELS, gen_ai_token_type: 'output' }), 6 * CALLS);
      assert.equal(sum(m, 'gen_ai_client_token_usage_bucket', { ...LABELS, gen_ai_token_type: 'input', le: '4' }), 0);
      assert.equal(sum(m, 'gen_ai_client_token_usage_bucket', { ...LABELS, gen_ai_token_type: 'input', le: '16' }), CALLS);
      assert.ok(Math.abs(sum(m, 'aimeter_cost_usd_total', LABELS) - (6 * CALLS * 0.15 + 6 * CALLS * 0.6) / 1e6) < 1e-12);
      assert.equal(sum(m, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', LABELS), 1, 'the streamed call');
    } finally {
      assert.equal(await app.stop(), 0);
    }
  });
}
