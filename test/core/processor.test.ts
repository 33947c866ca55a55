import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { context, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { PriceBook } from '../../src/prices/price-book';
import { setWarningSink } from '../../src/internal/log';
import { setupTelemetry, type TestTelemetry } from '../helpers/telemetry';
import { find, sum } from '../helpers/exposition';

// Round numbers so expected dollars are easy to compute by hand.
const PRICES = PriceBook.fromEntries([
  { provider: 'openai', model: 'gpt-test', input_per_mtok: 2, output_per_mtok: 8, cache_read_per_mtok: 0.5, source: 'test', date: '2026-11-21' },
  { provider: 'anthropic', model: 'claude-test', input_per_mtok: 3, output_per_mtok: 15, cache_read_per_mtok: 0.3, cache_write_per_mtok: 3.75, source: 'test', date: '2026-11-21' },
  { provider: 'openai', model: 'whisper-test', audio_per_minute: 0.006, source: 'test', date: '2026-11-21' },
  { provider: 'openai', model: 'tts-test', per_million_characters: 15, source: 'test', date: '2026-11-21' },
]);

const near = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `expected ${expected}, got ${actual}`);

let t: TestTelemetry;
let warnings: string[];

function tracer() {
  return trace.getTracer('test');
}

/** Starts a span, runs fn inside it, ends it. */
function within<T>(name: string, attributes: Attributes, fn: (span: Span) => T = () => undefined as T): T {
  const span = tracer().startSpan(name, { attributes });
  try {
    return context.with(trace.setSpan(context.active(), span), () => fn(span));
  } finally {
    span.end();
  }
}

const chat = (model: string, usage: Attributes = {}, extra: Attributes = {}): Attributes => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': model,
  ...usage,
  ...extra,
});

beforeEach(() => {
  warnings = [];
  setWarningSink((m) => warnings.push(m));
  t = setupTelemetry({ prices: PRICES });
});
afterEach(async () => {
  await t.shutdown();
});

describe('GenAiMetricsProcessor', () => {
  test('tokens, duration and cost of one chat call, exactly', () => {
    within('chat gpt-test', chat('gpt-test', {
      'gen_ai.response.model': 'gpt-test',
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.cache_read.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 300,
    }));
    const m = t.scrape();
    const labels = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-test', gen_ai_response_model: 'gpt-test' };
    assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', labels), 1);
    assert.equal(sum(m, 'gen_ai_client_token_usage_sum', { ...labels, gen_ai_token_type: 'input' }), 1200);
    assert.equal(sum(m, 'gen_ai_client_token_usage_sum', { ...labels, gen_ai_token_type: 'output' }), 300);
    // 1200 input tokens fall in the (1024, 4096] bucket: le=1024 holds 0, le=4096 holds 1.
    assert.equal(find(m, 'gen_ai_client_token_usage_bucket', { ...labels, gen_ai_token_type: 'input', le: '1024' })[0]!.value, 0);
    assert.equal(find(m, 'gen_ai_client_token_usage_bucket', { ...labels, gen_ai_token_type: 'input', le: '4096' })[0]!.value, 1);
    assert.equal(sum(m, 'aimeter_tokens_total', { ...labels, gen_ai_token_type: 'cache_read' }), 1000);
    // 200 uncached * $2/M + 1000 cached * $0.5/M + 300 out * $8/M
    const expected = (200 * 2 + 1000 * 0.5 + 300 * 8) / 1e6;
    near(sum(m, 'aimeter_cost_usd_total', labels), expected);
    near(sum(m, 'aimeter_operation_cost_usd_sum', labels), expected);
    near(sum(m, 'aimeter_cache_savings_usd_total', labels), (1000 * (2 - 0.5)) / 1e6);
  });

  test('Anthropic cache reads and writes are charged at their own rates, once', () => {
    within('chat claude-test', {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-test-20250101',
      // semconv: input = uncached 100 + cache read 2000 + cache write 500
      'gen_ai.usage.input_tokens': 2600,
      'gen_ai.usage.cache_read.input_tokens': 2000,
      'gen_ai.usage.cache_creation.input_tokens': 500,
      'gen_ai.usage.output_tokens': 50,
    });
    const expected = (100 * 3 + 2000 * 0.3 + 500 * 3.75 + 50 * 15) / 1e6;
    near(sum(t.scrape(), 'aimeter_cost_usd_total', { gen_ai_provider_name: 'anthropic' }), expected);
    // Writing the cache cost 500 * (3.75 - 3) above the input price; reading it saved 2000 * (3 - 0.3).
    near(sum(t.scrape(), 'aimeter_cache_write_premium_usd_total', { gen_ai_provider_name: 'anthropic' }), (500 * 0.75) / 1e6);
    near(sum(t.scrape(), 'aimeter_cache_savings_usd_total', { gen_ai_provider_name: 'anthropic' }), (2000 * 2.7) / 1e6);
  });

  test('agent and tool labels come from the nearest enclosing spans; agent usage is not counted twice', () => {
    within('invoke_agent planner', { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner',
      // A framework that reports the run's total usage on the agent span too:
      'gen_ai.usage.input_tokens': 150, 'gen_ai.usage.output_tokens': 30 }, () => {
      within('chat gpt-test', chat('gpt-test', { 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 20 }));
      within('execute_tool lookup', { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup' }, () => {
        within('http GET', {}, () => {
          within('chat gpt-test', chat('gpt-test', { 'gen_ai.usage.input_tokens': 50, 'gen_ai.usage.output_tokens': 10 }));
        });
      });
    });
    const m = t.scrape();
    assert.equal(sum(m, 'aimeter_tokens_total', { gen_ai_token_type: 'input' }), 150, 'input tokens = the two chat calls only');
    assert.equal(sum(m, 'aimeter_tokens_total', { gen_ai_token_type: 'input', gen_ai_agent_name: 'planner', gen_ai_tool_name: 'lookup' }), 50);
    assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { gen_ai_operation_name: 'execute_tool', gen_ai_tool_name: 'lookup', gen_ai_agent_name: 'planner' }), 1);
    assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { gen_ai_operation_name: 'invoke_agent', gen_ai_agent_name: 'planner' }), 1);
    near(sum(m, 'aimeter_cost_usd_total'), (150 * 2 + 30 * 8) / 1e6);
    assert.equal(sum(m, 'aimeter_agent_model_calls_sum', { gen_ai_agent_name: 'planner' }), 2);
    assert.equal(sum(m, 'aimeter_agent_tool_calls_sum', { gen_ai_agent_name: 'planner' }), 1);
  });

  test('the same call traced by two nested instrumentations is counted once, with the union of what they saw', () => {
    within('chat gpt-test', chat('gpt-test', { 'gen_ai.usage.input_tokens': 10 }, { 'gen_ai.response.time_to_first_chunk': 0.05 }), () => {
      within('chat gpt-test', chat('gpt-test', { 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 5 }));
    });
    const m = t.scrape();
    assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count'), 1);
    assert.equal(sum(m, 'aimeter_tokens_total', { gen_ai_token_type: 'input' }), 10);
    assert.equal(sum(m, 'aimeter_tokens_total', { gen_ai_token_type: 'output' }), 5);
    assert.equal(sum(m, 'gen_ai_client_operation_time_to_first_chunk_seconds_count'), 1);
  });

  test('failures carry error_type; status-only errors become _OTHER', () => {
    within('chat gpt-test', chat('gpt-test', {}, { 'error.type': 'rate_limit' }));
    within('chat gpt-test', chat('gpt-test'), (span) => span.setStatus({ code: SpanStatusCode.ERROR }));
    within('chat gpt-test', chat('gpt-test'));
    const m = t.scrape();
    assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { error_type: 'rate_limit' }), 1);
    assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { error_type: '_OTHER' }), 1);
    assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { error_type: '' }), 1);
  });

  test('other libraries\' spellings: gen_ai.system, OpenLLMetry prompt/completion tokens, Vercel ms to first chunk', () => {
    within('openai.chat', { 'gen_ai.system': 'openai', 'llm.request.type': 'chat', 'gen_ai.request.model': 'gpt-test',
      'gen_ai.usage.prompt_tokens': 40, 'gen_ai.usage.completion_tokens': 7 });
    within('ai.streamText.doStream', { 'gen_ai.system': 'openai', 'ai.operationId': 'ai.streamText.doStream', 'gen_ai.request.model': 'gpt-test',
      'gen_ai.usage.input_tokens': 1, 'ai.response.msToFirstChunk': 250 });
    const m = t.scrape();
    assert.equal(sum(m, 'aimeter_tokens_total', { gen_ai_provider_name: 'openai', gen_ai_operation_name: 'chat', gen_ai_token_type: 'input' }), 41);
    assert.equal(sum(m, 'aimeter_tokens_total', { gen_ai_token_type: 'output' }), 7);
    assert.equal(sum(m, 'gen_ai_client_operation_time_to_first_chunk_seconds_sum'), 0.25);
  });

  test('time per output chunk is the mean gap after the first chunk', () => {
    const span = tracer().startSpan('chat gpt-test', { attributes: chat('gpt-test', { 'gen_ai.response.time_to_first_chunk': 0.1, 'aimeter.response.chunks': 11 }), startTime: [1000, 0] });
    span.end([1001, 100_000_000]); // 1.1 s in all: 1.0 s for 10 gaps
    const m = t.scrape();
    near(sum(m, 'gen_ai_client_operation_time_per_output_chunk_seconds_sum'), 0.1);
    near(sum(m, 'gen_ai_client_operation_duration_seconds_sum'), 1.1);
  });

  test('speech: audio seconds, real-time factor, characters, bytes and their cost', () => {
    const stt = tracer().startSpan('speech_to_text whisper-test', { startTime: [2000, 0], attributes: {
      'gen_ai.operation.name': 'speech_to_text', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'whisper-test', 'aimeter.speech.audio.duration': 120 } });
    stt.end([2006, 0]);
    within('text_to_speech tts-test', { 'gen_ai.operation.name': 'text_to_speech', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'tts-test',
      'aimeter.speech.characters': 2000, 'aimeter.speech.audio.size': 48000 });
    const m = t.scrape();
    assert.equal(sum(m, 'aimeter_speech_to_text_audio_duration_seconds_total'), 120);
    near(sum(m, 'aimeter_speech_to_text_real_time_factor_sum'), 6 / 120);
    assert.equal(sum(m, 'aimeter_text_to_speech_characters_total'), 2000);
    assert.equal(sum(m, 'aimeter_text_to_speech_audio_size_bytes_total'), 48000);
    near(sum(m, 'aimeter_cost_usd_total', { gen_ai_request_model: 'whisper-test' }), 2 * 0.006);
    near(sum(m, 'aimeter_cost_usd_total', { gen_ai_request_model: 'tts-test' }), (2000 * 15) / 1e6);
  });

  test('a failed speech call is not billed for the characters or audio it sent', () => {
    within('text_to_speech tts-test', { 'gen_ai.operation.name': 'text_to_speech', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'tts-test',
      'aimeter.speech.characters': 2000, 'error.type': 'rate_limit' });
    within('speech_to_text whisper-test', { 'gen_ai.operation.name': 'speech_to_text', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'whisper-test',
      'aimeter.speech.audio.duration': 60, 'error.type': '500' });
    const m = t.scrape();
    assert.equal(find(m, 'aimeter_cost_usd_total').length, 0);
    assert.equal(find(m, 'aimeter_unpriced_operations_total').length, 0);
    assert.equal(find(m, 'aimeter_text_to_speech_characters_total').length, 0);
    assert.equal(find(m, 'aimeter_speech_to_text_audio_duration_seconds_total').length, 0);
    assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { error_type: 'rate_limit' }), 1);
  });

  test('a model without a price is counted as unpriced and warned about once, never costed at $0', () => {
    for (let i = 0; i < 3; i++) within('chat my-finetune', chat('my-finetune', { 'gen_ai.usage.input_tokens': 10 }));
    const m = t.scrape();
    assert.equal(sum(m, 'aimeter_unpriced_operations_total', { gen_ai_request_model: 'my-finetune' }), 3);
    assert.equal(find(m, 'aimeter_cost_usd_total').length, 0);
    const about = warnings.filter((w) => w.includes('my-finetune'));
    assert.equal(about.length, 1);
    assert.match(about[0]!, /no price for openai\/my-finetune/);
  });

  test('label values over the series cap fold into one overflow series, counted by the self-metric', async () => {
    await t.shutdown();
    t = setupTelemetry({ prices: PRICES, maxSeriesPerMetric: 5 });
    for (let i = 0; i < 20; i++) within('chat', chat(`model-${i}`, { 'gen_ai.usage.input_tokens': 1 }));
    const m = t.scrape();
    const durationSeries = find(m, 'gen_ai_client_operation_duration_seconds_count');
    assert.equal(durationSeries.length, 6, '5 series + 1 overflow series');
    assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { otel_metric_overflow: 'true' }), 15);
    assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count'), 20, 'nothing is lost');
    assert.equal(sum(m, 'aimeter_series_overflow_total', { aimeter_metric: 'gen_ai_client_operation_duration_seconds' }), 15);
    assert.equal(sum(m, 'aimeter_series_active', { aimeter_metric: 'gen_ai_client_operation_duration_seconds' }), 6);
    assert.equal(sum(m, 'aimeter_series_limit'), 5);
  });

  test('non-GenAI spans are ignored and long label values are clipped', () => {
    within('GET /', { 'http.request.method': 'GET' });
    within('chat', chat('x'.repeat(500)));
    const m = t.scrape();
    const series = find(m, 'gen_ai_client_operation_duration_seconds_count');
    assert.equal(series.length, 1);
    assert.equal(series[0]!.labels.gen_ai_request_model!.length, 128);
  });

  test('an exception inside the processor is swallowed and counted', () => {
    const broken = { spanContext: () => { throw new Error('boom'); } } as never;
    assert.doesNotThrow(() => t.processor.onEnd(broken));
    assert.ok(sum(t.scrape(), 'aimeter_internal_errors_total', { aimeter_component: 'span-processor' }) >= 1);
  });
});
