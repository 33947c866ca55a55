import { test } from 'node:test';
import assert from 'node:assert/strict';
import { METRICS, type MetricDefinition } from '../../src/metrics/catalog';
import { prometheusName } from '../../src/metrics/prometheus-names';

test('OTel names map to the names the Collector Prometheus exporter gives', () => {
  assert.equal(prometheusName(METRICS.operationDuration), 'gen_ai_client_operation_duration_seconds');
  assert.equal(prometheusName(METRICS.tokenUsage), 'gen_ai_client_token_usage');
  assert.equal(prometheusName(METRICS.timeToFirstChunk), 'gen_ai_client_operation_time_to_first_chunk_seconds');
  assert.equal(prometheusName(METRICS.timePerOutputChunk), 'gen_ai_client_operation_time_per_output_chunk_seconds');
  assert.equal(prometheusName(METRICS.cost), 'aimeter_cost_usd_total');
  assert.equal(prometheusName(METRICS.textToSpeechAudioSize), 'aimeter_text_to_speech_audio_size_bytes_total');
  assert.equal(prometheusName(METRICS.speechToTextAudio), 'aimeter_speech_to_text_audio_duration_seconds_total');
  assert.equal(prometheusName(METRICS.speechToTextRealTimeFactor), 'aimeter_speech_to_text_real_time_factor');
  assert.equal(prometheusName({ name: 'x.ratio', unit: '1', kind: 'gauge' }), 'x_ratio');
  assert.equal(prometheusName({ name: 'x.size', unit: 'By', kind: 'histogram' }), 'x_size_bytes');
});

test('every metric name is aimeter.* or a GenAI semconv metric (v1.41, or the newest conventions for those only emitted with them)', () => {
  const V141 = /^gen_ai\.client\.(operation\.duration|token\.usage|operation\.time_to_first_chunk|operation\.time_per_output_chunk)$/;
  const LATEST =
    /^gen_ai\.(client\.inference\.(duration|time_to_first_chunk|time_per_output_chunk|operation\.(input|output)_tokens|usage\.(input_tokens|output_tokens|cache_read\.input_tokens|cache_write\.input_tokens|reasoning\.output_tokens))|client\.embeddings\.duration|invoke_agent\.duration|execute_tool\.duration)$/;
  for (const def of Object.values(METRICS) as MetricDefinition[]) {
    if (def.name.startsWith('aimeter.')) continue;
    assert.match(def.name, def.conventions === 'latest' ? LATEST : V141, def.name);
  }
});
