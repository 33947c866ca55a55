/**
 * openai 7.x needs Node >= 22: this spawns `npx -y node@24` (skipped with a message when that is
 * not available within a few seconds) running an app under aimeter's CommonJS preload.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parseExposition, sum } from '../helpers/exposition';
import { REPO_ROOT } from './harness';

function node24(): string | undefined {
  if (!existsSync(path.join(REPO_ROOT, 'test', 'fixtures', 'openai-v7', 'node_modules', 'openai'))) return undefined;
  try {
    const version = execFileSync('npx', ['-y', 'node@24', '--version'], { timeout: 30_000, encoding: 'utf8' }).trim();
    return version.startsWith('v24.') ? version : undefined;
  } catch {
    return undefined;
  }
}

const version = node24();

test('Node 24 + openai 7.x: instrumented through the preload', { skip: version ? false : 'npx -y node@24 unavailable or fixture openai-v7 not installed' }, async () => {
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      'npx',
      ['-y', 'node@24', '--require', path.join(REPO_ROOT, 'dist/bundle/register.cjs'), path.join(REPO_ROOT, 'dist/test/openai/apps/v7-app.js')],
      {
        cwd: REPO_ROOT,
        timeout: 60_000,
        env: { ...process.env, OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1', OTEL_EXPORTER_PROMETHEUS_PORT: String(port), OTEL_TRACES_EXPORTER: 'none' },
      },
      (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
    );
  });
  const [header, ...rest] = stdout.split('\n');
  const info = JSON.parse(header!);
  assert.match(info.version, /^7\./);
  assert.match(info.node, /^v24\./);
  assert.equal(info.chunks, 1 + 4 + 1 + 1);
  const m = parseExposition(rest.join('\n'));
  const chat = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o-mini' };
  // chat plain 8/8 + chat stream 4/4 + responses 5/5
  assert.equal(sum(m, 'aimeter_tokens_total', { ...chat, gen_ai_token_type: 'input' }), 17);
  assert.equal(sum(m, 'aimeter_tokens_total', { ...chat, gen_ai_token_type: 'output' }), 17);
  assert.equal(sum(m, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', chat), 1);
  assert.equal(sum(m, 'aimeter_tokens_total', { gen_ai_operation_name: 'embeddings', gen_ai_token_type: 'input' }), 3);
});
