/**
 * The Vercel AI SDK's span shapes, hand-made (as its spans look with a caller's own tracer, or
 * from providers the real-SDK tests do not run): provider ids to semconv names, cache and
 * reasoning tokens, completion models, embeddings without usage, spans aimeter does not count.
 */
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { context, trace, type Attributes } from '@opentelemetry/api';
import { PriceBook } from '../../src/prices/price-book';
import { vercelAiProvider } from '../../src/processor/vercel-ai';
import { sum } from '../helpers/exposition';
import { setupTelemetry, type TestTelemetry } from '../helpers/telemetry';

const PRICES = PriceBook.fromEntries([
  { provider: 'anthropic', model: 'claude-test', input_per_mtok: 3, output_per_mtok: 15, cache_read_per_mtok: 0.3, cache_write_per_mtok: 3.75, source: 'test', date: '2026-11-21' },
  { provider: 'openai', model: 'davinci-test', input_per_mtok: 2, output_per_mtok: 2, source: 'test', date: '2026-11-21' },
]);

let t: TestTelemetry;
beforeEach(() => {
  t = setupTelemetry({ prices: PRICES });
});
afterEach(async () => {
  await t.shutdown();
});

/** A span of the caller's own tracer (experimental_telemetry.tracer): the scope is not `ai`. */
function span(name: string, attributes: Attributes, inside?: () => void): void {
  const s = trace.getTracer('my-app').startSpan(name, { attributes: { 'ai.operationId': name, ...attributes } });
  if (inside) context.with(trace.setSpan(context.active(), s), inside);
  s.end();
}

test('provider ids: the part before the first dot, in semconv spelling', () => {
  const ids: Record<string, string> = {
    'openai.responses': 'openai',
    'openai.chat': 'openai',
    'azure.chat': 'azure.ai.openai',
    'anthropic.messages': 'anthropic',
    'google.generative-ai': 'gcp.gemini',
    'google.vertex.chat': 'gcp.vertex_ai',
    'vertex.anthropic.messages': 'gcp.vertex_ai',
    'amazon-bedrock': 'aws.bedrock',
    'mistral.chat': 'mistral_ai',
    'xai.chat': 'x_ai',
    'groq.chat': 'groq',
    'lmstudio.chat': 'lmstudio',
  };
  for (const [id, expected] of Object.entries(ids)) assert.equal(vercelAiProvider(id), expected, id);
});

test('cache reads and writes and reasoning tokens, priced at their rates; the run around them not counted again', () => {
  const usage = {
    'gen_ai.usage.input_tokens': 1000,
    'gen_ai.usage.output_tokens': 300,
    'ai.usage.inputTokenDetails.cacheReadTokens': 600,
    'ai.usage.inputTokenDetails.cacheWriteTokens': 100,
    'ai.usage.outputTokenDetails.reasoningTokens': 50,
  };
  span('ai.generateText', { 'ai.model.provider': 'anthropic.messages', 'ai.model.id': 'claude-test', 'ai.usage.inputTokens': 1000, 'ai.usage.outputTokens': 300 }, () =>
    span('ai.generateText.doGenerate', { 'gen_ai.system': 'anthropic.messages', 'gen_ai.request.model': 'claude-test', ...usage, 'gen_ai.response.finish_reasons': ['length'] }),
  );
  const m = t.scrape();
  const model = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'anthropic', gen_ai_request_model: 'claude-test' };
  for (const [type, value] of [['input', 1000], ['output', 300], ['cache_read', 600], ['cache_creation', 100], ['reasoning', 50]] as const) {
    assert.equal(sum(m, 'aimeter_tokens_total', { ...model, gen_ai_token_type: type }), value, type);
  }
  assert.equal(sum(m, 'aimeter_tokens_total'), 1000 + 300 + 600 + 100 + 50, 'the workflow adds none');
  // 300 uncached input at $3/M, 600 cached at $0.30/M, 100 written at $3.75/M, 300 output at $15/M.
  const dollars = (300 * 3 + 600 * 0.3 + 100 * 3.75 + 300 * 15) / 1e6;
  assert.ok(Math.abs(sum(m, 'aimeter_cost_usd_total') - dollars) < 1e-15, `${sum(m, 'aimeter_cost_usd_total')} = ${dollars}`);
  assert.equal(sum(m, 'aimeter_finish_reasons_total', { gen_ai_response_finish_reason: 'length' }), 1);
  assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { gen_ai_operation_name: 'invoke_workflow', gen_ai_provider_name: 'anthropic' }), 1);
});

test('a completion model is text_completion; AI SDK 5 spellings are read too', () => {
  span('ai.generateText.doGenerate', {
    'gen_ai.system': 'openai.completion',
    'gen_ai.request.model': 'davinci-test',
    'ai.usage.inputTokens': 10,
    'ai.usage.outputTokens': 4,
    'ai.usage.cachedInputTokens': 2,
    'ai.usage.reasoningTokens': 1,
  });
  const m = t.scrape();
  const model = { gen_ai_operation_name: 'text_completion', gen_ai_provider_name: 'openai', gen_ai_request_model: 'davinci-test' };
  assert.equal(sum(m, 'aimeter_tokens_total', { ...model, gen_ai_token_type: 'input' }), 10);
  assert.equal(sum(m, 'aimeter_tokens_total', { ...model, gen_ai_token_type: 'cache_read' }), 2);
  assert.equal(sum(m, 'aimeter_tokens_total', { ...model, gen_ai_token_type: 'reasoning' }), 1);
});

test('an embedding call without usage (the SDK writes NaN) is counted, with no tokens and no rejection', () => {
  span('ai.embed.doEmbed', { 'ai.model.provider': 'openai.embedding', 'ai.model.id': 'text-embedding-3-small', 'ai.usage.tokens': NaN });
  const m = t.scrape();
  assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { gen_ai_operation_name: 'embeddings', gen_ai_provider_name: 'openai' }), 1);
  assert.equal(sum(m, 'aimeter_tokens_total'), 0);
  assert.equal(sum(m, 'aimeter_provider_data_rejected_total'), 0);
});

test('AI SDK spans aimeter does not count (rerank, ...) make no series', () => {
  span('ai.rerank', { 'ai.model.provider': 'cohere.reranking', 'ai.model.id': 'rerank-test' }, () =>
    span('ai.rerank.doRerank', { 'ai.model.provider': 'cohere.reranking', 'ai.model.id': 'rerank-test' }),
  );
  assert.equal(sum(t.scrape(), 'gen_ai_client_operation_duration_seconds_count'), 0);
});
