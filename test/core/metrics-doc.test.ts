/**
 * docs/metrics.md must list exactly the families /metrics serves: this test starts aimeter in
 * code, records spans that fill every family, scrapes /metrics over HTTP and compares.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { trace, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { start, type Aimeter } from '../../src/sdk/start';
import { recordCacheLookup, recordConversion, recordEvaluation, recordPromptCompression } from '../../src/quality/index';
import { createKpiEventsHandler } from '../../src/quality/kpi-events';
import { METRICS } from '../../src/metrics/catalog';
import { prometheusName } from '../../src/metrics/prometheus-names';
import { parseExposition, type Exposition } from '../helpers/exposition';
import { freePort, REPO_ROOT, scrape } from '../helpers/child-app';

let aimeter: Aimeter;
let scraped: Exposition;

function span(name: string, attributes: Attributes, fn?: () => void, error = false) {
  trace.getTracer('doc-test').startActiveSpan(name, { attributes }, (s) => {
    fn?.();
    if (error) s.setStatus({ code: SpanStatusCode.ERROR });
    s.end();
  });
}

before(async () => {
  const port = await freePort();
  aimeter = start({ env: {}, metricsHost: '127.0.0.1', metricsPort: port, maxSeriesPerMetric: 50 })!;
  assert.ok(aimeter, 'start() returned an instance');
  const llm = (extra: Attributes = {}) => ({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o', ...extra });
  span('invoke_agent support', { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'support' }, () => {
    span('chat gpt-4o', llm({ 'gen_ai.usage.input_tokens': 2000, 'gen_ai.usage.cache_read.input_tokens': 1024, 'gen_ai.usage.cache_creation.input_tokens': 10,
      'gen_ai.usage.output_tokens': 300, 'gen_ai.usage.reasoning.output_tokens': 100, 'gen_ai.response.time_to_first_chunk': 1e-7, 'aimeter.response.chunks': 5, 'gen_ai.response.finish_reasons': ['stop'] }));
    span('execute_tool lookup', { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup' });
  });
  // A cache write above the input price (Anthropic) fills aimeter_cache_write_premium_usd_total.
  span('chat claude-sonnet-4-5', { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'anthropic', 'gen_ai.request.model': 'claude-sonnet-4-5',
    'gen_ai.usage.input_tokens': 1500, 'gen_ai.usage.cache_creation.input_tokens': 1000, 'gen_ai.usage.output_tokens': 10 });
  span('chat my-own-model', llm({ 'gen_ai.request.model': 'my-own-model', 'gen_ai.usage.input_tokens': 5 }));
  span('chat gpt-4o', llm({ 'error.type': 'rate_limit' }), undefined, true);
  span('speech_to_text whisper-1', { 'gen_ai.operation.name': 'speech_to_text', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'whisper-1', 'aimeter.speech.audio.duration': 30 });
  span('text_to_speech tts-1', { 'gen_ai.operation.name': 'text_to_speech', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'tts-1', 'aimeter.speech.characters': 100, 'aimeter.speech.audio.size': 4096 });
  for (let i = 0; i < 60; i++) span('chat', llm({ 'gen_ai.request.model': `flood-${i}` }));
  // The quality families (docs/quality.md).
  recordEvaluation({ name: 'csat', score: 4, label: 'good' });
  recordCacheLookup({ cache: 'semantic', hit: true, savedTokens: 100, savedUsd: 0.01 });
  recordPromptCompression({ technique: 'summarise', tokensBefore: 100, tokensAfter: 40 });
  recordConversion({ name: 'purchase', value: 10, currency: 'EUR' });
  const handler = createKpiEventsHandler({ token: 'doc-test-token-0123456789', metrics: aimeter.metrics });
  const { PassThrough } = await import('node:stream');
  const { ServerResponse } = await import('node:http');
  const req = Object.assign(new PassThrough(), { method: 'POST', headers: {}, socket: { remoteAddress: '127.0.0.1' } });
  handler(req as never, new ServerResponse(req as never) as never);
  scraped = parseExposition((await scrape(port)).body);
});

after(async () => {
  await aimeter?.shutdown();
});

function documentedFamilies(): Set<string> {
  const doc = readFileSync(path.join(REPO_ROOT, 'docs', 'metrics.md'), 'utf8');
  // Metric rows: | `name` | counter/gauge/histogram | ... (the label table has no type column).
  return new Set([...doc.matchAll(/^\| `([a-z_:][a-z0-9_:]*)` \| (?:counter|gauge|histogram) \|/gm)].map((m) => m[1]!));
}

test('every family /metrics serves is documented, and every documented family is served', () => {
  const served = new Set(scraped.types.keys());
  const documented = documentedFamilies();
  assert.deepEqual([...served].filter((f) => !documented.has(f)).sort(), [], 'served but not in docs/metrics.md');
  assert.deepEqual([...documented].filter((f) => !served.has(f)).sort(), [], 'in docs/metrics.md but not served');
});

test('the doc states each catalog metric\'s type', () => {
  const doc = readFileSync(path.join(REPO_ROOT, 'docs', 'metrics.md'), 'utf8');
  for (const def of Object.values(METRICS)) {
    const name = prometheusName(def);
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
    assert.ok(row, `${name} has a row`);
    assert.equal(row.split('|')[2]!.trim(), def.kind, `${name} type`);
    assert.equal(scraped.types.get(name), def.kind, `${name} served as ${def.kind}`);
  }
});
