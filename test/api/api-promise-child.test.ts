/**
 * The manual API's APIPromise cases under the real preload, CommonJS and ESM: an unmodified app
 * (test/apps/api-promise-app.*) reads traced calls with `.asResponse()` / `.withResponse()`, plain
 * and streamed, OpenAI and Anthropic, and checks each answer; /metrics then counts each call once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseExposition, sum } from '../helpers/exposition';
import { freePort, REPO_ROOT, scrape, startChildApp } from '../helpers/child-app';

for (const [kind, flag, file] of [
  ['CommonJS', '--require', 'api-promise-app.js'],
  ['ESM', '--import', 'api-promise-app.mjs'],
] as const) {
  test(`${kind} under the preload: .asResponse() and .withResponse() of traced calls work, each call counted once`, async () => {
    const port = await freePort();
    const app = await startChildApp([flag, 'aimeter/register', path.join(REPO_ROOT, 'dist', 'test', 'apps', file)], {
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
    }, { timeoutMs: 60_000 });
    try {
      const m = parseExposition((await scrape(port)).body);
      assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { gen_ai_provider_name: 'openai' }), 4);
      assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { gen_ai_provider_name: 'anthropic' }), 4);
      assert.doesNotMatch(app.stderr(), /internal error/);
    } finally {
      assert.equal(await app.stop(), 0);
    }
  });
}
