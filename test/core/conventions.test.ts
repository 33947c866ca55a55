/**
 * The GenAI conventions, old and new (src/semconv/conventions.ts): OTEL_SEMCONV_STABILITY_OPT_IN
 * parsed strictly, the same spans recorded under v1.41 (default), the newest conventions
 * (gen_ai_latest_experimental) and both (/dup), with exact values; the new span attribute names
 * written in the newest mode and read in every mode.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attributes } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { configFromEnv } from '../../src/config/env';
import { runtimeSettings, setRuntimeSettings } from '../../src/config/runtime';
import { GenAiMetrics } from '../../src/metrics/genai-metrics';
import { GenAiMetricsProcessor } from '../../src/processor/genai-metrics-processor';
import type { Conventions } from '../../src/semconv/conventions';
import { GenAiSpan } from '../../src/tracing/genai-span';
import { parseExposition, type Exposition } from '../helpers/exposition';

test('OTEL_SEMCONV_STABILITY_OPT_IN: v1.41 by default, the newest with gen_ai_latest_experimental, both with /dup', () => {
  const conventions = (value: string | undefined) => {
    const { config, problems } = configFromEnv(value === undefined ? {} : { OTEL_SEMCONV_STABILITY_OPT_IN: value });
    return [config.genAiConventions, problems];
  };
  assert.deepEqual(conventions(undefined), ['v1.41', []]);
  assert.deepEqual(conventions('gen_ai_latest_experimental'), ['latest', []]);
  assert.deepEqual(conventions(' http , GEN_AI_LATEST_EXPERIMENTAL '), ['latest', []]);
  assert.deepEqual(conventions('gen_ai_latest_experimental/dup'), ['both', []]);
  assert.deepEqual(conventions('gen_ai_latest_experimental,gen_ai_latest_experimental/dup'), ['both', []]);
  // Other conventions' words belong to other instrumentations: no problem, no change.
  assert.deepEqual(conventions('http/dup,database'), ['v1.41', []]);
  assert.deepEqual(conventions('gen_ai_latest'), [
    'v1.41',
    [
      'OTEL_SEMCONV_STABILITY_OPT_IN="gen_ai_latest" is not valid: "gen_ai_latest" unknown; for the GenAI conventions use gen_ai_latest_experimental or gen_ai_latest_experimental/dup (using the v1.41 names).',
    ],
  ]);
});

/** Records one span per call shape under `conventions`, with exact durations. */
function record(conventions: Conventions): Exposition {
  const metrics = new GenAiMetrics({ conventions });
  const provider = new NodeTracerProvider({ spanProcessors: [new GenAiMetricsProcessor({ metrics, prices: false })] });
  const tracer = provider.getTracer('conventions-test');
  // Epoch milliseconds (a small number would be read as a performance.now() offset).
  const t0 = Date.now() - 60_000;
  const span = (attributes: Attributes, seconds: number, error?: string) => {
    const s = tracer.startSpan('call', { attributes: error ? { ...attributes, 'error.type': error } : attributes, startTime: t0 });
    s.end(t0 + seconds * 1000);
  };
  const chat = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o' };
  // A streamed chat call: 11 chunks, the first at 0.5 s, the call 2.5 s: ten gaps of 0.2 s.
  span({ ...chat, 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 200, 'gen_ai.usage.cache_read.input_tokens': 400, 'gen_ai.usage.reasoning.output_tokens': 50, 'gen_ai.response.time_to_first_chunk': 0.5, 'aimeter.response.chunks': 11 }, 2.5);
  // Cache writes under the newest name (cache_write), read in every mode.
  span({ ...chat, 'gen_ai.usage.input_tokens': 300, 'gen_ai.usage.cache_write.input_tokens': 120, 'gen_ai.usage.output_tokens': 7 }, 1);
  span(chat, 0.25, 'rate_limit');
  span({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'text-embedding-3-small', 'gen_ai.usage.input_tokens': 8 }, 0.1);
  span({ 'gen_ai.operation.name': 'text_to_speech', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'tts-1', 'gen_ai.response.time_to_first_chunk': 0.3, 'aimeter.response.chunks': 1 }, 2);
  span({ 'gen_ai.operation.name': 'speech_to_text', 'gen_ai.provider.name': 'deepgram', 'gen_ai.request.model': 'nova-3', 'aimeter.speech.audio.duration': 30 }, 3);
  span({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup' }, 0.05);
  span({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'support' }, 4);
  return parseExposition(metrics.render());
}

/** `name{label=value,...}` -> value, for the samples of `families` (bucket samples left out). */
function samples(e: Exposition, families: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of e.samples) {
    if (!families.some((f) => s.name === f || s.name === `${f}_sum` || s.name === `${f}_count`)) continue;
    const labels = Object.entries(s.labels)
      .filter(([k, v]) => v !== '' && k !== 'gen_ai_response_model' && k !== 'gen_ai_agent_name')
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    out[`${s.name}{${labels}}`] = Math.round(s.value * 1e6) / 1e6;
  }
  return out;
}

const V141 = [
  'gen_ai_client_operation_duration_seconds',
  'gen_ai_client_token_usage',
  'gen_ai_client_operation_time_to_first_chunk_seconds',
  'gen_ai_client_operation_time_per_output_chunk_seconds',
];
const LATEST = [
  'gen_ai_client_inference_duration_seconds',
  'gen_ai_client_embeddings_duration_seconds',
  'gen_ai_invoke_agent_duration_seconds',
  'gen_ai_execute_tool_duration_seconds',
  'gen_ai_client_inference_usage_input_tokens_total',
  'gen_ai_client_inference_usage_output_tokens_total',
  'gen_ai_client_inference_usage_cache_read_input_tokens_total',
  'gen_ai_client_inference_usage_cache_write_input_tokens_total',
  'gen_ai_client_inference_usage_reasoning_output_tokens_total',
  'gen_ai_client_inference_operation_input_tokens',
  'gen_ai_client_inference_operation_output_tokens',
  'gen_ai_client_inference_time_to_first_chunk_seconds',
  'gen_ai_client_inference_time_per_output_chunk_seconds',
];
const OWN = ['aimeter_tokens_total', 'aimeter_text_to_speech_time_to_first_audio_seconds'];

const CHAT = 'gen_ai_operation_name=chat,gen_ai_provider_name=openai,gen_ai_request_model=gpt-4o';
const EMB = 'gen_ai_operation_name=embeddings,gen_ai_provider_name=openai,gen_ai_request_model=text-embedding-3-small';
const TTS = 'gen_ai_operation_name=text_to_speech,gen_ai_provider_name=openai,gen_ai_request_model=tts-1';
const STT = 'gen_ai_operation_name=speech_to_text,gen_ai_provider_name=deepgram,gen_ai_request_model=nova-3';
const TOOL = 'gen_ai_operation_name=execute_tool,gen_ai_tool_name=lookup';
const AGENT = 'gen_ai_operation_name=invoke_agent';

const V141_VALUES = {
  [`gen_ai_client_operation_duration_seconds_sum{${CHAT}}`]: 3.5,
  [`gen_ai_client_operation_duration_seconds_count{${CHAT}}`]: 2,
  [`gen_ai_client_operation_duration_seconds_sum{${CHAT},error_type=rate_limit}`]: 0.25,
  [`gen_ai_client_operation_duration_seconds_count{${CHAT},error_type=rate_limit}`]: 1,
  [`gen_ai_client_operation_duration_seconds_sum{${EMB}}`]: 0.1,
  [`gen_ai_client_operation_duration_seconds_count{${EMB}}`]: 1,
  [`gen_ai_client_operation_duration_seconds_sum{${TTS}}`]: 2,
  [`gen_ai_client_operation_duration_seconds_count{${TTS}}`]: 1,
  [`gen_ai_client_operation_duration_seconds_sum{${STT}}`]: 3,
  [`gen_ai_client_operation_duration_seconds_count{${STT}}`]: 1,
  [`gen_ai_client_operation_duration_seconds_sum{${TOOL}}`]: 0.05,
  [`gen_ai_client_operation_duration_seconds_count{${TOOL}}`]: 1,
  [`gen_ai_client_operation_duration_seconds_sum{${AGENT}}`]: 4,
  [`gen_ai_client_operation_duration_seconds_count{${AGENT}}`]: 1,
  [`gen_ai_client_token_usage_sum{${CHAT},gen_ai_token_type=input}`]: 1300,
  [`gen_ai_client_token_usage_count{${CHAT},gen_ai_token_type=input}`]: 2,
  [`gen_ai_client_token_usage_sum{${CHAT},gen_ai_token_type=output}`]: 207,
  [`gen_ai_client_token_usage_count{${CHAT},gen_ai_token_type=output}`]: 2,
  [`gen_ai_client_token_usage_sum{${EMB},gen_ai_token_type=input}`]: 8,
  [`gen_ai_client_token_usage_count{${EMB},gen_ai_token_type=input}`]: 1,
  // v1.41: text-to-speech's first audio byte is still here (deprecated, one more release).
  [`gen_ai_client_operation_time_to_first_chunk_seconds_sum{${CHAT}}`]: 0.5,
  [`gen_ai_client_operation_time_to_first_chunk_seconds_count{${CHAT}}`]: 1,
  [`gen_ai_client_operation_time_to_first_chunk_seconds_sum{${TTS}}`]: 0.3,
  [`gen_ai_client_operation_time_to_first_chunk_seconds_count{${TTS}}`]: 1,
  // One mean per call: (2.5 - 0.5) / 10.
  [`gen_ai_client_operation_time_per_output_chunk_seconds_sum{${CHAT}}`]: 0.2,
  [`gen_ai_client_operation_time_per_output_chunk_seconds_count{${CHAT}}`]: 1,
};

const LATEST_VALUES = {
  [`gen_ai_client_inference_duration_seconds_sum{${CHAT}}`]: 3.5,
  [`gen_ai_client_inference_duration_seconds_count{${CHAT}}`]: 2,
  [`gen_ai_client_inference_duration_seconds_sum{${CHAT},error_type=rate_limit}`]: 0.25,
  [`gen_ai_client_inference_duration_seconds_count{${CHAT},error_type=rate_limit}`]: 1,
  [`gen_ai_client_embeddings_duration_seconds_sum{${EMB}}`]: 0.1,
  [`gen_ai_client_embeddings_duration_seconds_count{${EMB}}`]: 1,
  [`gen_ai_execute_tool_duration_seconds_sum{${TOOL}}`]: 0.05,
  [`gen_ai_execute_tool_duration_seconds_count{${TOOL}}`]: 1,
  [`gen_ai_invoke_agent_duration_seconds_sum{${AGENT}}`]: 4,
  [`gen_ai_invoke_agent_duration_seconds_count{${AGENT}}`]: 1,
  [`gen_ai_client_inference_usage_input_tokens_total{${CHAT},gen_ai_token_modality=unknown}`]: 1300,
  [`gen_ai_client_inference_usage_input_tokens_total{${EMB},gen_ai_token_modality=unknown}`]: 8,
  [`gen_ai_client_inference_usage_output_tokens_total{${CHAT},gen_ai_token_modality=unknown}`]: 207,
  [`gen_ai_client_inference_usage_cache_read_input_tokens_total{${CHAT},gen_ai_token_modality=unknown}`]: 400,
  [`gen_ai_client_inference_usage_cache_write_input_tokens_total{${CHAT},gen_ai_token_modality=unknown}`]: 120,
  [`gen_ai_client_inference_usage_reasoning_output_tokens_total{${CHAT},gen_ai_token_modality=unknown}`]: 50,
  [`gen_ai_client_inference_operation_input_tokens_sum{${CHAT}}`]: 1300,
  [`gen_ai_client_inference_operation_input_tokens_count{${CHAT}}`]: 2,
  [`gen_ai_client_inference_operation_input_tokens_sum{${EMB}}`]: 8,
  [`gen_ai_client_inference_operation_input_tokens_count{${EMB}}`]: 1,
  [`gen_ai_client_inference_operation_output_tokens_sum{${CHAT}}`]: 207,
  [`gen_ai_client_inference_operation_output_tokens_count{${CHAT}}`]: 2,
  // Streaming inference only: no text-to-speech here.
  [`gen_ai_client_inference_time_to_first_chunk_seconds_sum{${CHAT}}`]: 0.5,
  [`gen_ai_client_inference_time_to_first_chunk_seconds_count{${CHAT}}`]: 1,
  // One observation per chunk after the first: ten of 0.2 s.
  [`gen_ai_client_inference_time_per_output_chunk_seconds_sum{${CHAT}}`]: 2,
  [`gen_ai_client_inference_time_per_output_chunk_seconds_count{${CHAT}}`]: 10,
};

/** What the newest conventions keep on gen_ai.client.operation.duration: operations with no duration of their own. */
const LATEST_OPERATION_DURATION = {
  [`gen_ai_client_operation_duration_seconds_sum{${TTS}}`]: 2,
  [`gen_ai_client_operation_duration_seconds_count{${TTS}}`]: 1,
  [`gen_ai_client_operation_duration_seconds_sum{${STT}}`]: 3,
  [`gen_ai_client_operation_duration_seconds_count{${STT}}`]: 1,
};

const OWN_VALUES = {
  [`aimeter_tokens_total{${CHAT},gen_ai_token_type=input}`]: 1300,
  [`aimeter_tokens_total{${CHAT},gen_ai_token_type=output}`]: 207,
  [`aimeter_tokens_total{${CHAT},gen_ai_token_type=cache_read}`]: 400,
  [`aimeter_tokens_total{${CHAT},gen_ai_token_type=cache_creation}`]: 120,
  [`aimeter_tokens_total{${CHAT},gen_ai_token_type=reasoning}`]: 50,
  [`aimeter_tokens_total{${EMB},gen_ai_token_type=input}`]: 8,
  [`aimeter_text_to_speech_time_to_first_audio_seconds_sum{${TTS}}`]: 0.3,
  [`aimeter_text_to_speech_time_to_first_audio_seconds_count{${TTS}}`]: 1,
};

test('v1.41 (default): today\'s names and semantics, exactly; nothing of the newest conventions', () => {
  const e = record('v1.41');
  assert.deepEqual(samples(e, V141), V141_VALUES);
  assert.deepEqual(samples(e, LATEST), {});
  assert.deepEqual(samples(e, OWN), OWN_VALUES);
});

test('gen_ai_latest_experimental: the newest names and semantics, exactly; v1.41\'s renamed families are gone', () => {
  const e = record('latest');
  assert.deepEqual(samples(e, LATEST), LATEST_VALUES);
  assert.deepEqual(samples(e, V141), LATEST_OPERATION_DURATION);
  assert.deepEqual(samples(e, OWN), OWN_VALUES);
});

test('gen_ai_latest_experimental/dup: both editions, each exactly as alone', () => {
  const e = record('both');
  assert.deepEqual(samples(e, V141), V141_VALUES);
  assert.deepEqual(samples(e, LATEST), LATEST_VALUES);
  assert.deepEqual(samples(e, OWN), OWN_VALUES);
});

test('GenAiSpan writes cache writes as cache_creation (v1.41), cache_write (newest) or both (/dup)', async () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('conventions-test');
  const before = runtimeSettings().conventions;
  const written: Record<string, unknown[]> = {};
  try {
    for (const conventions of ['v1.41', 'latest', 'both'] as const) {
      setRuntimeSettings({ conventions });
      const span = GenAiSpan.start(tracer, { operation: 'chat', provider: 'anthropic', requestModel: 'claude-sonnet-4-5' });
      span.setUsage({ inputTokens: 1500, cacheCreationTokens: 1000, outputTokens: 10 });
      span.end();
      const a = exporter.getFinishedSpans().at(-1)!.attributes;
      written[conventions] = [a['gen_ai.usage.cache_creation.input_tokens'], a['gen_ai.usage.cache_write.input_tokens'], a['gen_ai.usage.input_tokens']];
    }
  } finally {
    setRuntimeSettings({ conventions: before });
  }
  assert.deepEqual(written, {
    'v1.41': [1000, undefined, 1500],
    latest: [undefined, 1000, 1500],
    both: [1000, 1000, 1500],
  });
});
