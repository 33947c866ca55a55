/**
 * recordEvaluation and friends with the real processor: an evaluation linked to a call (by
 * response id, span, conversation or agent run) carries that call's labels; the
 * gen_ai.evaluation.result event is a log record parented to the evaluated span; bad input
 * records nothing; the table of recent calls is bounded by its cap and TTL.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { logs } from '@opentelemetry/api-logs';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { traceAgent, traceLlm } from '../../src/api/trace';
import { setWarningSink } from '../../src/internal/log';
import { setRuntimeSettings } from '../../src/config/runtime';
import { CallLinks } from '../../src/quality/call-links';
import { recordCacheLookup, recordPromptCompression } from '../../src/quality/caches';
import { recordConversion } from '../../src/quality/conversions';
import { recordEvaluation } from '../../src/quality/evaluations';
import { recordRetrievalRelevance } from '../../src/quality/retrieval-metrics';
import { traceRetrieval } from '../../src/quality/retrieval-span';
import { callLinks, setCallLinks } from '../../src/quality/state';
import { find, sum } from '../helpers/exposition';
import { setupTelemetry, type TestTelemetry } from '../helpers/telemetry';

let t: TestTelemetry;
const logExporter = new InMemoryLogRecordExporter();
const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: logExporter })] });
const warnings: string[] = [];

before(() => {
  setWarningSink((m) => warnings.push(m));
  logs.setGlobalLoggerProvider(loggerProvider);
  t = setupTelemetry();
});
after(async () => {
  await t.shutdown();
  await loggerProvider.shutdown();
});

const chat = (model: string, responseId: string, attributes = {}) =>
  traceLlm({ provider: 'openai', model, attributes }, (call) => {
    call.setResponse({ id: responseId, model });
    call.setUsage({ inputTokens: 10, outputTokens: 5 });
    return call.span!.spanContext();
  });

test('an evaluation by response id carries the call\'s provider, model, agent and variant, and its event is parented to the call', () => {
  const spanContext = traceAgent({ name: 'support' }, () => chat('gpt-4o-mini', 'resp-1', { 'aimeter.variant': 'B' }));
  assert.equal(recordEvaluation({ name: 'csat', score: 4, responseId: 'resp-1' }), true);
  const m = t.scrape();
  const linked = { gen_ai_evaluation_name: 'csat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o-mini', gen_ai_agent_name: 'support', aimeter_variant: 'B' };
  assert.equal(sum(m, 'aimeter_evaluation_score_count', linked), 1);
  assert.equal(sum(m, 'aimeter_evaluation_score_sum', linked), 4);
  // A 1-5 rating sits exactly on a boundary: le="4" holds it, le="3.5" does not.
  assert.equal(sum(m, 'aimeter_evaluation_score_bucket', { ...linked, le: '4' }), 1);
  assert.equal(sum(m, 'aimeter_evaluation_score_bucket', { ...linked, le: '3.5' }), 0);
  assert.equal(sum(m, 'aimeter_evaluations_total', { ...linked, gen_ai_evaluation_score_label: '' }), 1);

  const record = logExporter.getFinishedLogRecords().at(-1)!;
  assert.equal(record.eventName, 'gen_ai.evaluation.result');
  assert.deepEqual(record.attributes, { 'gen_ai.evaluation.name': 'csat', 'gen_ai.evaluation.score.value': 4, 'gen_ai.response.id': 'resp-1' });
  assert.equal(record.spanContext?.spanId, spanContext.spanId, 'parented to the evaluated span');
  assert.equal(record.spanContext?.traceId, spanContext.traceId);
});

test('by conversation id (its latest call), by span, and by label alone; unknown ids stay unlinked', () => {
  chat('gpt-4o', 'resp-2', { 'gen_ai.conversation.id': 'conv-9' });
  const later = chat('gpt-4.1', 'resp-3', { 'gen_ai.conversation.id': 'conv-9' });
  recordEvaluation({ name: 'thumbs', label: 'up', conversationId: 'conv-9' });
  recordEvaluation({ name: 'thumbs', label: 'down', span: later });
  recordEvaluation({ name: 'thumbs', label: 'down', responseId: 'never-seen' });
  const m = t.scrape();
  assert.equal(sum(m, 'aimeter_evaluations_total', { gen_ai_evaluation_name: 'thumbs', gen_ai_request_model: 'gpt-4.1', gen_ai_evaluation_score_label: 'up' }), 1);
  assert.equal(sum(m, 'aimeter_evaluations_total', { gen_ai_evaluation_name: 'thumbs', gen_ai_request_model: 'gpt-4.1', gen_ai_evaluation_score_label: 'down' }), 1);
  assert.equal(sum(m, 'aimeter_evaluations_total', { gen_ai_evaluation_name: 'thumbs', gen_ai_request_model: '', gen_ai_evaluation_score_label: 'down' }), 1);
  assert.equal(find(m, 'aimeter_evaluation_score_count', { gen_ai_evaluation_name: 'thumbs' }).length, 0, 'a label alone has no score');
});

test('an evaluation of a live span is also a span event on it; the explanation only with content capture on', async () => {
  traceLlm({ provider: 'openai', model: 'gpt-4o' }, (call) => {
    recordEvaluation({ name: 'groundedness', score: 0.8, explanation: 'cites the manual', span: call.span });
  });
  setRuntimeSettings({ captureMessageContent: true });
  try {
    recordEvaluation({ name: 'groundedness', score: 0.7, explanation: 'cites the manual' });
  } finally {
    setRuntimeSettings({ captureMessageContent: false });
  }
  const span = t.exporter.getFinishedSpans().at(-1)!;
  const event = span.events.find((e) => e.name === 'gen_ai.evaluation.result')!;
  assert.deepEqual(event.attributes, { 'gen_ai.evaluation.name': 'groundedness', 'gen_ai.evaluation.score.value': 0.8 });
  const records = logExporter.getFinishedLogRecords().filter((r) => r.attributes['gen_ai.evaluation.name'] === 'groundedness');
  assert.equal(records[0]!.attributes['gen_ai.evaluation.explanation'], undefined);
  assert.equal(records[1]!.attributes['gen_ai.evaluation.explanation'], 'cites the manual');
  assert.equal(find(t.scrape(), 'aimeter_evaluations_total').some((s) => Object.values(s.labels).includes('cites the manual')), false);
});

test('bad input records nothing and names the culprit', () => {
  const before = t.processor.metrics.render();
  assert.equal(recordEvaluation({ name: 'Great answer, thanks!', score: 5 }), false);
  assert.equal(recordEvaluation({ name: 'csat', score: Number.NaN }), false);
  assert.equal(recordEvaluation({ name: 'csat' }), false);
  assert.equal(recordEvaluation({ name: 'thumbs', label: 'loved it' }), false);
  assert.equal(recordEvaluation(null as never), false);
  assert.equal(recordCacheLookup({ cache: 'faq', hit: false, savedTokens: 10 }), false);
  assert.equal(recordConversion({ name: 'purchase', value: 10 }), false);
  assert.equal(recordPromptCompression({ technique: 'llmlingua', tokensBefore: -1, tokensAfter: 5 }), false);
  assert.equal(t.processor.metrics.render(), before);
  for (const culprit of ['name "Great answer, thanks!" must match', 'score must be a finite number, got NaN', 'needs a score, a label or both', 'label "loved it"', 'a miss saves nothing', 'a value needs currency', 'tokensBefore must be']) {
    assert.ok(warnings.some((w) => w.includes(culprit)), `warned: ${culprit}\n${warnings.join('\n')}`);
  }
});

test('retrieval relevance as evaluations, cache lookups, compression and conversions', () => {
  chat('gpt-4o-mini', 'resp-rag');
  const values = recordRetrievalRelevance({ retrieved: ['a', 'b', 'c', 'd', 'e'], relevant: ['b', 'x'], k: [1, 5], responseId: 'resp-rag' });
  assert.deepEqual(values, { precision_at_1: 0, recall_at_1: 0, precision_at_5: 0.2, recall_at_5: 0.5, reciprocal_rank: 0.5 });
  recordCacheLookup({ cache: 'semantic', hit: true, savedTokens: 1200, savedUsd: 0.004 });
  recordCacheLookup({ cache: 'semantic', hit: false });
  recordPromptCompression({ technique: 'llmlingua', tokensBefore: 1000, tokensAfter: 400 });
  recordConversion({ name: 'purchase', value: 49.5, currency: 'EUR', responseId: 'resp-rag' });
  const m = t.scrape();
  assert.equal(sum(m, 'aimeter_evaluation_score_sum', { gen_ai_evaluation_name: 'recall_at_5', gen_ai_request_model: 'gpt-4o-mini' }), 0.5);
  assert.equal(sum(m, 'aimeter_evaluation_score_sum', { gen_ai_evaluation_name: 'reciprocal_rank' }), 0.5);
  assert.equal(sum(m, 'aimeter_cache_lookups_total', { aimeter_cache_name: 'semantic', aimeter_cache_result: 'hit' }), 1);
  assert.equal(sum(m, 'aimeter_cache_lookups_total', { aimeter_cache_name: 'semantic', aimeter_cache_result: 'miss' }), 1);
  assert.equal(sum(m, 'aimeter_cache_lookup_saved_tokens_total', { aimeter_cache_name: 'semantic' }), 1200);
  assert.equal(sum(m, 'aimeter_cache_lookup_saved_usd_total', { aimeter_cache_name: 'semantic' }), 0.004);
  assert.equal(sum(m, 'aimeter_prompt_compression_tokens_total', { aimeter_compression_technique: 'llmlingua', aimeter_compression_stage: 'before' }), 1000);
  assert.equal(sum(m, 'aimeter_prompt_compression_tokens_total', { aimeter_compression_stage: 'after' }), 400);
  assert.equal(sum(m, 'aimeter_conversions_total', { aimeter_conversion_name: 'purchase', gen_ai_request_model: 'gpt-4o-mini' }), 1);
  assert.equal(sum(m, 'aimeter_conversion_value_total', { aimeter_conversion_name: 'purchase', aimeter_currency: 'EUR' }), 49.5);
});

test('traceRetrieval: the semconv retrieval span, then the model call in one trace; documents only with content capture on', async () => {
  const docs = await traceRetrieval({ dataSource: 'kb-index', topK: 3, query: 'secret question' }, async () => [{ id: 'doc-1', score: 0.9 }, { id: 'doc-2', score: 0.5 }]);
  assert.equal(docs.length, 2);
  const span = t.exporter.getFinishedSpans().find((s) => s.name === 'retrieval kb-index')!;
  assert.equal(span.attributes['gen_ai.operation.name'], 'retrieval');
  assert.equal(span.attributes['gen_ai.data_source.id'], 'kb-index');
  assert.equal(span.attributes['gen_ai.retrieval.top_k'], 3);
  assert.equal(span.attributes['aimeter.retrieval.documents.returned'], 2);
  assert.equal(span.attributes['gen_ai.retrieval.query.text'], undefined);
  assert.equal(span.attributes['gen_ai.retrieval.documents'], undefined);
  setRuntimeSettings({ captureMessageContent: true });
  try {
    traceAgent({ name: 'rag' }, () => {
      traceRetrieval({ dataSource: 'kb-index', topK: 2, query: 'q' }, (call) => call.setDocuments(['doc-3']));
      chat('gpt-4o', 'resp-rag-2');
    });
  } finally {
    setRuntimeSettings({ captureMessageContent: false });
  }
  const spans = t.exporter.getFinishedSpans();
  const retrieval = spans.filter((s) => s.name === 'retrieval kb-index').at(-1)!;
  const model = spans.filter((s) => s.name === 'chat gpt-4o').at(-1)!;
  assert.equal(retrieval.attributes['gen_ai.retrieval.documents'], '[{"id":"doc-3"}]');
  assert.equal(retrieval.attributes['gen_ai.retrieval.query.text'], 'q');
  assert.equal(retrieval.spanContext().traceId, model.spanContext().traceId);
  assert.equal(retrieval.parentSpanContext?.spanId, model.parentSpanContext?.spanId, 'siblings under the agent run');
  // Exact nanoseconds, with 1 ms of slack: the OTel SDK anchors each span's clock on Date.now()
  // (millisecond resolution) when the span starts, so times of two different spans agree only to
  // the millisecond (a run saw the retrieval end 155 µs "after" the next call began).
  const ns = (t: readonly [number, number]): bigint => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
  assert.ok(ns(retrieval.endTime) <= ns(model.startTime) + 1_000_000n, `retrieval ended ${ns(retrieval.endTime) - ns(model.startTime)} ns after the model call began`);
  assert.equal(sum(t.scrape(), 'gen_ai_client_operation_duration_seconds_count', { gen_ai_operation_name: 'retrieval' }), 2);
});

test('a key set again is the newest (the cap drops others first), and a key set over and over keeps the table small', () => {
  let now = 1_000;
  const links = new CallLinks({ cap: 2, ttlMs: 1_000_000, now: () => now });
  const sc = (n: number) => ({ traceId: '1'.repeat(32), spanId: String(n).padStart(16, '0'), traceFlags: 1 });
  links.remember(sc(1), ['openai', 'm1', '', ''], undefined, 'c1');
  links.remember(sc(2), ['openai', 'm2', '', ''], undefined, 'c2');
  links.remember(sc(3), ['openai', 'm3', '', ''], undefined, 'c1'); // c1 again: now the newest
  links.remember(sc(4), ['openai', 'm4', '', ''], undefined, 'c3'); // over the cap: c2 goes, not c1
  assert.equal(links.byConversationId('c2'), undefined);
  assert.equal(links.byConversationId('c1')?.labels[1], 'm3');
  assert.equal(links.byConversationId('c3')?.labels[1], 'm4');
  // One long-lived conversation in front, another set 100,000 times behind it: a key set again
  // takes no new room, so the table stays at its two entries and c3 survives.
  for (let i = 0; i < 100_000; i++) {
    now += 1;
    links.remember(sc(10 + i), ['openai', `x${i}`, '', ''], undefined, 'c4');
  }
  assert.equal(links.sizes().conversations, 2);
  assert.equal(links.byConversationId('c4')?.labels[1], 'x99999');
  assert.equal(links.byConversationId('c1'), undefined, 'c1 was the oldest when c4 came');
  assert.equal(links.byConversationId('c3')?.labels[1], 'm4');
});

test('the table of recent calls keeps at most its cap and forgets after its TTL', () => {
  let now = 1_000;
  const saved = callLinks();
  const links = new CallLinks({ cap: 2, ttlMs: 100, now: () => now });
  setCallLinks(links);
  try {
    const sc = (n: number) => ({ traceId: '1'.repeat(32), spanId: String(n).padStart(16, '0'), traceFlags: 1 });
    links.remember(sc(1), ['openai', 'm1', '', ''], 'r1');
    links.remember(sc(2), ['openai', 'm2', '', ''], 'r2');
    links.remember(sc(3), ['openai', 'm3', '', ''], 'r3');
    assert.equal(links.byResponseId('r1'), undefined, 'the oldest went past the cap');
    assert.equal(links.byResponseId('r3')?.labels[1], 'm3');
    assert.deepEqual(links.sizes(), { spans: 2, responses: 2, conversations: 0 });
    now += 100;
    assert.equal(links.byResponseId('r3'), undefined, 'expired');
    recordEvaluation({ name: 'csat', score: 2, responseId: 'r2' });
    assert.equal(sum(t.scrape(), 'aimeter_evaluation_score_count', { gen_ai_evaluation_name: 'csat', gen_ai_request_model: 'm2' }), 0);
  } finally {
    setCallLinks(saved);
  }
});

test('at the cap the newest half of the calls is always linkable and never more than the cap is held', () => {
  const links = new CallLinks({ cap: 10, ttlMs: 1_000_000, now: () => 1_000 });
  const sc = (n: number) => ({ traceId: '2'.repeat(32), spanId: String(n).padStart(16, '0'), traceFlags: 1 });
  for (let i = 1; i <= 1_000; i++) {
    links.remember(sc(i), ['openai', `m${i}`, '', ''], `r${i}`, `c${i % 7}`);
    const sizes = links.sizes();
    assert.ok(sizes.spans <= 10 && sizes.responses <= 10 && sizes.conversations <= 7, `after ${i} calls: ${JSON.stringify(sizes)}`);
    for (let back = 0; back < Math.min(i, 5); back++) {
      assert.equal(links.bySpanId(sc(i - back).spanId)?.labels[1], `m${i - back}`, `span of call ${i - back} after ${i}`);
      assert.equal(links.byResponseId(`r${i - back}`)?.labels[1], `m${i - back}`, `response of call ${i - back} after ${i}`);
    }
    // The five conversations set last (calls i-4..i: five different ones) map to those calls.
    for (let back = 0; back < Math.min(i, 5); back++) {
      assert.equal(links.byConversationId(`c${(i - back) % 7}`)?.labels[1], `m${i - back}`, `conversation of call ${i - back} after ${i}`);
    }
  }
  assert.equal(links.bySpanId(sc(1).spanId), undefined, 'the oldest calls went');
});
