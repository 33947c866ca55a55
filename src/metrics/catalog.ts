/**
 * The metric catalog: every metric aimeter emits, defined once. The Prometheus names derived
 * from it are aimeter's public contract (dashboards, alerts and docs/metrics.md depend on them).
 */
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_MODALITY,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_TOOL_NAME,
} from '../semconv/attributes';
import { emitsLatest, emitsV141, type Conventions } from '../semconv/conventions';

export type InstrumentKind = 'histogram' | 'counter' | 'gauge';

/** Label keys, spelled as OTel attribute keys; Prometheus sees dots as underscores. */
export const LABEL_METRIC = 'aimeter.metric';
export const LABEL_COMPONENT = 'aimeter.component';
export const LABEL_VERSION = 'version';
export const LABEL_FIELD = 'aimeter.field';
export const LABEL_REASON = 'aimeter.reason';
/** One normalised value of gen_ai.response.finish_reasons (see processor/finish-reasons.ts). */
export const LABEL_FINISH_REASON = 'gen_ai.response.finish_reason';

export interface MetricDefinition {
  /** OTel instrument name (dotted). */
  readonly name: string;
  /** UCUM unit as OTel writes it: `s`, `By`, `1`, or an annotation such as `{token}`. */
  readonly unit: string;
  readonly kind: InstrumentKind;
  readonly description: string;
  readonly labels: readonly string[];
  /** Explicit histogram bucket boundaries (histograms only). */
  readonly buckets?: readonly number[];
  /**
   * Only in one edition of the GenAI conventions (src/semconv/conventions.ts): `v1.41` metrics are
   * not emitted with gen_ai_latest_experimental, `latest` ones only with it. Unset: always.
   */
  readonly conventions?: 'v1.41' | 'latest';
}

/** True when `definition` is emitted under `conventions`. */
export function isEmitted(definition: MetricDefinition, conventions: Conventions): boolean {
  if (definition.conventions === 'v1.41') return emitsV141(conventions);
  if (definition.conventions === 'latest') return emitsLatest(conventions);
  return true;
}

/** Semconv-recommended buckets for gen_ai.client.token.usage. */
export const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
] as const;
/**
 * Buckets of gen_ai.client.operation.duration and the chunk timings: the semconv-recommended
 * 0.01 ... 81.92 s, plus 1, 2, 5 and 10 s so that every latency objective in
 * prometheus/rules/aimeter-objectives.yml IS a boundary (the SLIs count calls under a boundary;
 * an objective between two would be interpolated, and misread), plus 163.84 ... 655.36 s so that
 * agent runs of minutes do not clamp (the conventions' invocation buckets reach 409.6 s).
 */
export const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1, 1.28, 2, 2.56, 5, 5.12, 10, 10.24, 20.48, 40.96, 81.92, 163.84,
  327.68, 655.36,
] as const;
/** Dollars per call: from a hundredth of a cent up to ten dollars. */
export const COST_BUCKETS = [
  0.00001, 0.00003, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10,
] as const;
/** Processing seconds per second of audio: below 1 is faster than real time. */
export const REAL_TIME_FACTOR_BUCKETS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 5, 10] as const;
/** Calls per agent run. */
export const CALLS_PER_RUN_BUCKETS = [0, 1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50, 100] as const;
/** Time to the first audio byte: speech starts within a second or it is felt. */
export const FIRST_AUDIO_BUCKETS = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10] as const;

/** Labels every GenAI call metric carries (values empty where they do not apply). */
export const CALL_LABELS = [
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_TOOL_NAME,
] as const;

const CALL_LABELS_WITH_ERROR = [...CALL_LABELS, ATTR_ERROR_TYPE] as const;
const CALL_LABELS_WITH_TOKEN_TYPE = [...CALL_LABELS, ATTR_GEN_AI_TOKEN_TYPE] as const;
const CALL_LABELS_WITH_MODALITY = [...CALL_LABELS, ATTR_GEN_AI_TOKEN_MODALITY] as const;

/** A usage counter of the newest conventions (one per token kind, by gen_ai.token.modality). */
function usageCounter(kind: string, what: string) {
  return {
    name: `gen_ai.client.inference.usage.${kind}`,
    unit: '{token}',
    kind: 'counter',
    description: `${what}, by gen_ai.token.modality (newest conventions).`,
    labels: CALL_LABELS_WITH_MODALITY,
    conventions: 'latest',
  } as const;
}

/** A duration histogram of the newest conventions, shaped as gen_ai.client.operation.duration. */
function durationHistogram(name: string, what: string) {
  return {
    name,
    unit: 's',
    kind: 'histogram',
    description: `${what}; error.type is set on failures (newest conventions).`,
    labels: CALL_LABELS_WITH_ERROR,
    buckets: DURATION_BUCKETS,
    conventions: 'latest',
  } as const;
}

export const METRICS = {
  operationDuration: {
    name: 'gen_ai.client.operation.duration',
    unit: 's',
    kind: 'histogram',
    description: 'Duration of GenAI operations (model calls, speech, agent runs, tool calls); error.type is set on failures.',
    labels: CALL_LABELS_WITH_ERROR,
    buckets: DURATION_BUCKETS,
  },
  inferenceDuration: durationHistogram('gen_ai.client.inference.duration', 'Duration of model inference calls (chat, text_completion, generate_content)'),
  embeddingsDuration: durationHistogram('gen_ai.client.embeddings.duration', 'Duration of embeddings calls'),
  invokeAgentDuration: durationHistogram('gen_ai.invoke_agent.duration', 'Duration of agent runs'),
  executeToolDuration: durationHistogram('gen_ai.execute_tool.duration', 'Duration of tool calls'),
  inferenceUsageInput: usageCounter('input_tokens', 'Input tokens of model calls (including cache reads and writes)'),
  inferenceUsageOutput: usageCounter('output_tokens', 'Output tokens of model calls (including reasoning)'),
  inferenceUsageCacheRead: usageCounter('cache_read.input_tokens', 'Input tokens read from the prompt cache'),
  inferenceUsageCacheWrite: usageCounter('cache_write.input_tokens', 'Input tokens written to the prompt cache'),
  inferenceUsageReasoning: usageCounter('reasoning.output_tokens', 'Output tokens spent on reasoning'),
  inferenceInputTokens: {
    name: 'gen_ai.client.inference.operation.input_tokens',
    unit: '{token}',
    kind: 'histogram',
    description: 'Input tokens per model call (newest conventions).',
    labels: CALL_LABELS,
    buckets: TOKEN_BUCKETS,
    conventions: 'latest',
  },
  inferenceOutputTokens: {
    name: 'gen_ai.client.inference.operation.output_tokens',
    unit: '{token}',
    kind: 'histogram',
    description: 'Output tokens per model call (newest conventions).',
    labels: CALL_LABELS,
    buckets: TOKEN_BUCKETS,
    conventions: 'latest',
  },
  inferenceTimeToFirstChunk: {
    name: 'gen_ai.client.inference.time_to_first_chunk',
    unit: 's',
    kind: 'histogram',
    description: 'Time from request to the first streamed chunk of a streaming inference call (newest conventions).',
    labels: CALL_LABELS,
    buckets: DURATION_BUCKETS,
    conventions: 'latest',
  },
  inferenceTimePerOutputChunk: {
    name: 'gen_ai.client.inference.time_per_output_chunk',
    unit: 's',
    kind: 'histogram',
    description: 'Time between streamed chunks after the first, one observation per chunk, of streaming inference calls (newest conventions).',
    labels: CALL_LABELS,
    buckets: DURATION_BUCKETS,
    conventions: 'latest',
  },
  tokenUsage: {
    name: 'gen_ai.client.token.usage',
    unit: '{token}',
    kind: 'histogram',
    description: 'Tokens per model call, by gen_ai.token.type (input includes cached input tokens).',
    labels: CALL_LABELS_WITH_TOKEN_TYPE,
    buckets: TOKEN_BUCKETS,
    conventions: 'v1.41',
  },
  timeToFirstChunk: {
    name: 'gen_ai.client.operation.time_to_first_chunk',
    unit: 's',
    kind: 'histogram',
    description: 'Time from request to the first streamed chunk (for text-to-speech: the first audio byte, until the release after next; see aimeter.text_to_speech.time_to_first_audio).',
    labels: CALL_LABELS,
    buckets: DURATION_BUCKETS,
    conventions: 'v1.41',
  },
  timePerOutputChunk: {
    name: 'gen_ai.client.operation.time_per_output_chunk',
    unit: 's',
    kind: 'histogram',
    description: 'Mean time between streamed chunks after the first, one observation per streaming call.',
    labels: CALL_LABELS,
    buckets: DURATION_BUCKETS,
    conventions: 'v1.41',
  },
  tokens: {
    name: 'aimeter.tokens',
    unit: '{token}',
    kind: 'counter',
    description:
      'Tokens consumed, by gen_ai.token.type: input, output, and the subsets cache_read and cache_creation (of input) and reasoning (of output).',
    labels: CALL_LABELS_WITH_TOKEN_TYPE,
  },
  cost: {
    name: 'aimeter.cost.usd',
    unit: '{USD}',
    kind: 'counter',
    description: 'US dollars spent on model calls, computed from the price list.',
    labels: CALL_LABELS,
  },
  finishReasons: {
    name: 'aimeter.finish_reasons',
    unit: '{choice}',
    kind: 'counter',
    description:
      'Why model calls stopped, one per choice: stop, length (truncated), content_filter, tool_calls, error or other, from gen_ai.response.finish_reasons.',
    labels: [...CALL_LABELS, LABEL_FINISH_REASON],
  },
  operationCost: {
    name: 'aimeter.operation.cost.usd',
    unit: '{USD}',
    kind: 'histogram',
    description: 'US dollars per priced model call.',
    labels: CALL_LABELS,
    buckets: COST_BUCKETS,
  },
  cacheSavings: {
    name: 'aimeter.cache.savings.usd',
    unit: '{USD}',
    kind: 'counter',
    description: 'US dollars saved by prompt-cache reads, against the full input rate.',
    labels: CALL_LABELS,
  },
  cacheWritePremium: {
    name: 'aimeter.cache.write_premium.usd',
    unit: '{USD}',
    kind: 'counter',
    description: 'US dollars paid for prompt-cache writes above the full input rate (savings minus this is the net return of caching).',
    labels: CALL_LABELS,
  },
  unpricedOperations: {
    name: 'aimeter.unpriced.operations',
    unit: '{operation}',
    kind: 'counter',
    description: 'Model calls whose model has no entry in the price list (their cost is unknown, not zero).',
    labels: CALL_LABELS,
  },
  agentModelCalls: {
    name: 'aimeter.agent.model_calls',
    unit: '{call}',
    kind: 'histogram',
    description: 'Model calls made during one agent run.',
    labels: [ATTR_GEN_AI_AGENT_NAME, ATTR_ERROR_TYPE],
    buckets: CALLS_PER_RUN_BUCKETS,
  },
  agentToolCalls: {
    name: 'aimeter.agent.tool_calls',
    unit: '{call}',
    kind: 'histogram',
    description: 'Tool calls made during one agent run.',
    labels: [ATTR_GEN_AI_AGENT_NAME, ATTR_ERROR_TYPE],
    buckets: CALLS_PER_RUN_BUCKETS,
  },
  speechToTextAudio: {
    name: 'aimeter.speech_to_text.audio.duration',
    unit: 's',
    kind: 'counter',
    description: 'Seconds of audio transcribed or translated by speech-to-text calls.',
    labels: CALL_LABELS,
  },
  speechToTextRealTimeFactor: {
    name: 'aimeter.speech_to_text.real_time_factor',
    unit: '1',
    kind: 'histogram',
    description: 'Speech-to-text processing time divided by audio duration (below 1 is faster than real time).',
    labels: CALL_LABELS,
    buckets: REAL_TIME_FACTOR_BUCKETS,
  },
  textToSpeechCharacters: {
    name: 'aimeter.text_to_speech.characters',
    unit: '{character}',
    kind: 'counter',
    description: 'Characters of text sent to text-to-speech calls.',
    labels: CALL_LABELS,
  },
  textToSpeechTimeToFirstAudio: {
    name: 'aimeter.text_to_speech.time_to_first_audio',
    unit: 's',
    kind: 'histogram',
    description: 'Time from a text-to-speech request to the first byte of audio the caller receives.',
    labels: CALL_LABELS,
    buckets: FIRST_AUDIO_BUCKETS,
  },
  textToSpeechAudioSize: {
    name: 'aimeter.text_to_speech.audio.size',
    unit: 'By',
    kind: 'counter',
    description: 'Bytes of audio returned by text-to-speech calls.',
    labels: CALL_LABELS,
  },
  seriesOverflow: {
    name: 'aimeter.series.overflow',
    unit: '{record}',
    kind: 'counter',
    description: 'Records folded into the otel_metric_overflow="true" series because their metric reached its series cap.',
    labels: [LABEL_METRIC],
  },
  activeSeries: {
    name: 'aimeter.series.active',
    unit: '{series}',
    kind: 'gauge',
    description: 'Series currently held per metric (compare with aimeter_series_limit).',
    labels: [LABEL_METRIC],
  },
  seriesLimit: {
    name: 'aimeter.series.limit',
    unit: '{series}',
    kind: 'gauge',
    description: 'The per-metric series cap (AIMETER_MAX_SERIES_PER_METRIC).',
    labels: [],
  },
  internalErrors: {
    name: 'aimeter.internal.errors',
    unit: '{error}',
    kind: 'counter',
    description: 'Exceptions raised inside aimeter and swallowed so that the application is not affected.',
    labels: [LABEL_COMPONENT],
  },
  providerDataRejected: {
    name: 'aimeter.provider_data.rejected',
    unit: '{value}',
    kind: 'counter',
    description:
      'Usage values from provider responses or foreign spans that were dropped (not_a_number, non_finite, negative, absurd: above the per-call bound) or cut to their total (clamped).',
    labels: [LABEL_FIELD, LABEL_REASON],
  },
  clusterWorkers: {
    name: 'aimeter.cluster.workers',
    unit: '{worker}',
    kind: 'gauge',
    description: 'Cluster workers whose series the last /metrics of this primary summed in (0 outside a cluster primary; docs/processes.md).',
    labels: [],
  },
  clusterWorkerMisses: {
    name: 'aimeter.cluster.worker.misses',
    unit: '{miss}',
    kind: 'counter',
    description: 'Times a cluster worker did not answer a scrape within AIMETER_CLUSTER_COLLECT_TIMEOUT_MS (its calls were missing from that scrape).',
    labels: [],
  },
  buildInfo: {
    name: 'aimeter.build.info',
    unit: '',
    kind: 'gauge',
    description: 'Always 1; the version label tells which aimeter is running.',
    labels: [LABEL_VERSION],
  },
} as const satisfies Record<string, MetricDefinition>;

export type MetricKey = keyof typeof METRICS;
