/**
 * The leaks of leaks.test.ts through the real preload and a real exporter: an unmodified app
 * (test/apps/leak-app.ts) under `node --require aimeter/register` with OTEL_TRACES_EXPORTER=console,
 * so every exported span is printed on stdout. Neither planted marker may appear in stdout, stderr
 * or /metrics; the redacted query and the error spans must.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { freePort, REPO_ROOT, scrape, startChildApp } from '../helpers/child-app';

const PROMPT = 'PROMPT-MARKER-c4Vn8';
const KEY = 'KEY-MARKER-r2Tq6';

test('under the preload, exported spans, /metrics and the logs hold no prompt and no key', async () => {
  const port = await freePort();
  const app = await startChildApp(['--require', 'aimeter/register', path.join(REPO_ROOT, 'dist', 'test', 'apps', 'leak-app.js')], {
    OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
    OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
    OTEL_TRACES_EXPORTER: 'console',
    PROMPT_MARKER: PROMPT,
    KEY_MARKER: KEY,
  }, { timeoutMs: 60_000 });
  let metrics: string;
  try {
    metrics = (await scrape(port)).body;
  } finally {
    assert.equal(await app.stop(), 0);
  }
  const stdout = app.stdout();
  assert.match(stdout, /'url\.query': 'q=REDACTED&api_key=REDACTED'/, 'the server span was exported, query redacted');
  assert.match(stdout, /'url\.full': 'http:\/\/127\.0\.0\.1:\d+\/search\?q=REDACTED&api_key=REDACTED'/, 'the client span too');
  assert.match(stdout, /'error\.type': '400'/, 'the failed openai call was exported');
  assert.match(stdout, /'error\.type': 'invalid_request_error'/, 'the failed call on the Anthropic SDK span too');
  for (const [where, text] of [['stdout', stdout], ['stderr', app.stderr()], ['/metrics', metrics]] as const) {
    assert.ok(!text.includes(PROMPT), `${where} holds the prompt marker`);
    assert.ok(!text.includes(KEY), `${where} holds the key marker`);
  }
});
