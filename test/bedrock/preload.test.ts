/**
 * End to end: an unmodified app (CommonJS and ESM) calls the real Bedrock Runtime SDK over HTTP/2
 * (the loopback fake) under `aimeter/register`; /metrics, scraped over HTTP, holds the exact
 * numbers. Apps: bedrock-app.ts / bedrock-app.mts (Converse, ConverseStream, InvokeModel).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseExposition, sum } from '../helpers/exposition';
import { freePort, REPO_ROOT, scrape, startChildApp } from '../helpers/child-app';

const CHAT = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'aws.bedrock', gen_ai_request_model: 'anthropic.claude-sonnet-4-5-20250929-v1:0' };

for (const [kind, flag, file] of [
  ['CommonJS', '--require', 'bedrock-app.js'],
  ['ESM', '--import', 'bedrock-app.mjs'],
] as const) {
  test(`${kind}: Bedrock calls of an unmodified app are on /metrics, exactly`, async () => {
    const port = await freePort();
    const app = await startChildApp([flag, 'aimeter/register', path.join(REPO_ROOT, 'dist', 'test', 'bedrock', file)], {
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
    });
    try {
      const m = parseExposition((await scrape(port)).body);
      assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', CHAT), 3);
      assert.equal(sum(m, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', CHAT), 1);
      assert.equal(sum(m, 'aimeter_tokens_total', { ...CHAT, gen_ai_token_type: 'input' }), 300);
      assert.equal(sum(m, 'aimeter_tokens_total', { ...CHAT, gen_ai_token_type: 'output' }), 60);
      // claude-sonnet-4-5 at Anthropic's rates: $3/M input, $15/M output.
      assert.ok(Math.abs(sum(m, 'aimeter_cost_usd_total', CHAT) - (300 * 3 + 60 * 15) / 1e6) < 1e-12);
    } finally {
      assert.equal(await app.stop(), 0);
    }
  });
}
