/**
 * docs/metrics.md must list exactly the families /metrics serves: this test starts aimeter in
 * code, records spans that fill every family, scrapes /metrics over HTTP and compares.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { trace, SpanStatusCode, type Attributes, type Tracer } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { start, type Aimeter } from '../../src/sdk/start';
import { isEmitted, METRICS, type MetricDefinition } from '../../src/metrics/catalog';
import { GenAiMetrics } from '../../src/metrics/genai-metrics';
import { GenAiMetricsProcessor } from '../../src/processor/genai-metrics-processor';
import { endConversation, traceTurn, withConversation } from '../../src/outcomes/index';
import { recordCacheLookup, recordConversion, recordEvaluation, recordPromptCompression } from '../../src/quality/index';
import { createKpiEventsHandler } from '../../src/quality/kpi-events';
import { prometheusName } from '../../src/metrics/prometheus-names';
import { parseExposition, type Exposition } from '../helpers/exposition';
import { freePort, REPO_ROOT, scrape } from '../helpers/child-app';

let aimeter: Aimeter;
let scraped: Exposition;
/** The same spans recorded by a store in the newest conventions (gen_ai_latest_experimental). */
let scrapedLatest: Exposition;

/** Spans that fill every family, through `tracer`. */
function recordEverything(tracer: Tracer): void {
  const span = (name: string, attributes: Attributes, fn?: () => void, error = false) => {
    tracer.startActiveSpan(name, { attributes }, (s) => {
      fn?.();
      if (error) s.setStatus({ code: SpanStatusCode.ERROR });
      s.end();
    });
  };
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
  span('speech_to_text nova-3', { 'gen_ai.operation.name': 'speech_to_text', 'gen_ai.provider.name': 'deepgram', 'gen_ai.request.model': 'nova-3', 'gen_ai.request.stream': true, 'aimeter.speech.audio.duration': 12, 'gen_ai.response.time_to_first_chunk': 0.3, 'aimeter.response.chunks': 1 });
  span('text_to_speech tts-1', { 'gen_ai.operation.name': 'text_to_speech', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'tts-1', 'aimeter.speech.characters': 100, 'aimeter.speech.audio.size': 4096, 'gen_ai.response.time_to_first_chunk': 0.2 });
  span('embeddings text-embedding-3-small', llm({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.request.model': 'text-embedding-3-small', 'gen_ai.usage.input_tokens': 8 }));
  for (let i = 0; i < 60; i++) span('chat', llm({ 'gen_ai.request.model': `flood-${i}` }));
  // The outcome families: a conversation with a voice turn, ended; more variants than the cap.
  withConversation('doc-conversation', () =>
    traceTurn({ conversationId: 'doc-conversation' }, (turn) => {
      turn.userStoppedSpeaking(Date.now() - 300);
      span('speech_to_text whisper-1', { 'gen_ai.operation.name': 'speech_to_text', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'whisper-1', 'aimeter.speech.audio.duration': 3 });
      span('chat gpt-4o', llm({ 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 10 }));
      turn.agentStartedSpeaking();
    }),
  );
  endConversation('doc-conversation', { outcome: 'resolved', firstContact: true });
  for (let i = 0; i < 25; i++) span('chat', llm({ 'aimeter.variant': `variant-${i}` }));
}

before(async () => {
  const port = await freePort();
  aimeter = start({ env: {}, metricsHost: '127.0.0.1', metricsPort: port, maxSeriesPerMetric: 50 })!;
  assert.ok(aimeter, 'start() returned an instance');
  recordEverything(trace.getTracer('doc-test'));
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
  const latest = new GenAiMetrics({ maxSeriesPerMetric: 50, conventions: 'latest' });
  const provider = new NodeTracerProvider({ spanProcessors: [new GenAiMetricsProcessor({ metrics: latest })] });
  recordEverything(provider.getTracer('doc-test'));
  await provider.shutdown();
  scrapedLatest = parseExposition(latest.render());
});

after(async () => {
  await aimeter?.shutdown();
});

const LATEST_SECTION = /<!-- latest-conventions -->([\s\S]*)<!-- \/latest-conventions -->/;

/** The families of the doc's rows: the default mode's, or those of its newest-conventions table. */
function documentedFamilies(which: 'default' | 'latest' = 'default'): Set<string> {
  const whole = readFileSync(path.join(REPO_ROOT, 'docs', 'metrics.md'), 'utf8');
  const latest = LATEST_SECTION.exec(whole);
  assert.ok(latest, 'docs/metrics.md has its newest-conventions table');
  const doc = which === 'latest' ? latest[1]! : whole.replace(latest[0], '');
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
  for (const def of Object.values(METRICS) as MetricDefinition[]) {
    const name = prometheusName(def);
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
    assert.ok(row, `${name} has a row`);
    assert.equal(row.split('|')[2]!.trim(), def.kind, `${name} type`);
    const served = isEmitted(def, 'v1.41') ? scraped : scrapedLatest;
    assert.equal(served.types.get(name), def.kind, `${name} served as ${def.kind}`);
  }
});

test('gen_ai_latest_experimental: the newest-conventions table is what is served in that mode, v1.41-only families are not', () => {
  const latestTable = documentedFamilies('latest');
  const servedGenAi = [...scrapedLatest.types.keys()].filter((f) => f.startsWith('gen_ai_'));
  // gen_ai.client.operation.duration stays, for the operations with no duration of their own.
  assert.deepEqual(servedGenAi.filter((f) => !latestTable.has(f)).sort(), ['gen_ai_client_operation_duration_seconds']);
  assert.deepEqual([...latestTable].filter((f) => !scrapedLatest.types.has(f)).sort(), [], 'in the table but not served');
  for (const def of Object.values(METRICS) as MetricDefinition[]) {
    const name = prometheusName(def);
    if (def.conventions === 'v1.41') assert.equal(scrapedLatest.types.has(name), false, `${name} is v1.41 only`);
    if (def.conventions === 'latest') assert.equal(scraped.types.has(name), false, `${name} is not served by default`);
  }
});
