/**
 * End to end through aimeter's preload: the OpenAI instrumentation patches `openai` loaded with
 * `import` (ESM, via import-in-the-middle) and with `require` (CommonJS).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { parseExposition, sum } from '../helpers/exposition';
import { REPO_ROOT } from './harness';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

for (const [flag, preload, app] of [
  ['--import', 'dist/src/register.mjs', 'preload-app.mjs'],
  ['--require', 'dist/src/register.js', 'preload-app.js'],
] as const) {
  test(`node ${flag} aimeter/register: openai calls become metrics (${app})`, async () => {
    const port = await freePort();
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [flag, path.join(REPO_ROOT, preload), path.join(REPO_ROOT, 'dist', 'test', 'openai', 'apps', app)],
        {
          cwd: REPO_ROOT,
          timeout: 15_000,
          env: { ...process.env, OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1', OTEL_EXPORTER_PROMETHEUS_PORT: String(port), OTEL_TRACES_EXPORTER: 'none' },
        },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
      );
    });
    const m = parseExposition(stdout);
    const where = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o-mini' };
    assert.equal(sum(m, 'aimeter_tokens_total', { ...where, gen_ai_token_type: 'input' }), 8, stdout.slice(0, 2000));
    assert.equal(sum(m, 'aimeter_tokens_total', { ...where, gen_ai_token_type: 'output' }), 8);
    // The streamed call (no include_usage, no opt-in): a duration and a time to first chunk, no tokens.
    assert.equal(sum(m, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', where), 1);
  });
}
