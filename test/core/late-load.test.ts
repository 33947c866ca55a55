import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setWarningSink } from '../../src/internal/log';
import { sdksLoadedEarly } from '../../src/sdk/late-load';
import { start } from '../../src/sdk/start';

test('SDK packages already in the module cache are recognised', () => {
  assert.deepEqual(sdksLoadedEarly(['/app/node_modules/openai/index.js', '/app/node_modules/express/index.js']), ['openai']);
  assert.deepEqual(sdksLoadedEarly(['C:\\app\\node_modules\\@anthropic-ai\\sdk\\index.js']), ['@anthropic-ai/sdk']);
  assert.deepEqual(sdksLoadedEarly(['/app/node_modules/openai-compat/index.js']), []);
  assert.deepEqual(sdksLoadedEarly(['/app/node_modules/@openai/agents-core/dist/index.js', '/app/node_modules/@langchain/core/dist/tools/index.cjs']), [
    '@openai/agents-core',
    '@langchain/core',
  ]);
});

test('start() after the app loaded openai warns that those calls are not instrumented', async () => {
  const warnings: string[] = [];
  setWarningSink((m) => warnings.push(m));
  require('openai');
  const aimeter = start({ env: {}, serveMetrics: false });
  try {
    assert.ok(warnings.some((w) => /openai was loaded before aimeter started/.test(w) && /--require aimeter\/register/.test(w)), warnings.join('\n'));
  } finally {
    await aimeter?.shutdown();
  }
});
