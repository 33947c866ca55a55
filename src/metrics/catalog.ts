/**
 * The metric catalog: every metric aimeter emits, defined once. The Prometheus names derived
 * from it are aimeter's public contract (dashboards, alerts and docs/metrics.md depend on them).
 */
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_EVALUATION_NAME,
  ATTR_GEN_AI_EVALUATION_SCORE_LABEL,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_MODALITY,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_HTTP_ROUTE,
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
/**
 * Outcome labels (src/outcomes/). The variant is the configuration a call ran under (withVariant,
 * aimeter.variant, AIMETER_VARIANT), capped per process; the outcome comes from an allow-list
 * (src/outcomes/outcome-names.ts); first contact is true / false / empty (not said).
 */
export const LABEL_VARIANT = 'aimeter.variant';
export const LABEL_OUTCOME = 'aimeter.outcome';
export const LABEL_FIRST_CONTACT = 'aimeter.first_contact';
export const LABEL_TURN_END_REASON = 'aimeter.turn.end_reason';
export const LABEL_TURN_PHASE = 'aimeter.turn.phase';
/** What outcome tracking had to let go of (request, conversation, variant) and why (cap, ttl). */
export const LABEL_TRACKED = 'aimeter.tracked';
export const LABEL_CACHE_NAME = 'aimeter.cache.name';
/** hit / miss. */
export const LABEL_CACHE_RESULT = 'aimeter.cache.result';
export const LABEL_COMPRESSION_TECHNIQUE = 'aimeter.compression.technique';
/** before / after. */
export const LABEL_COMPRESSION_STAGE = 'aimeter.compression.stage';
export const LABEL_CONVERSION_NAME = 'aimeter.conversion.name';
/** ISO 4217 code, upper case. */
export const LABEL_CURRENCY = 'aimeter.currency';
export const LABEL_EVENT_TYPE = 'aimeter.event.type';
/** accepted / rejected / duplicate. */
export const LABEL_EVENT_RESULT = 'aimeter.event.result';

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
/**
 * Voice-turn latency (user stops speaking -> agent starts speaking) and its phases: 50 ms steps
 * up to a second, so that 300 ms and 800 ms land in different buckets and the turn-latency
 * objectives (aimeter-objectives.yml) are boundaries, then coarser up to 20 s.
 */
export const TURN_LATENCY_BUCKETS = [
  0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 7.5, 10, 20,
] as const;
/** Handle time of a conversation: from ten seconds to a working day. */
export const CONVERSATION_DURATION_BUCKETS = [10, 30, 60, 120, 180, 300, 600, 900, 1200, 1800, 2700, 3600, 7200, 14400, 28800] as const;
/** Turns per conversation (whole numbers: the buckets are exact counts). */
export const TURNS_BUCKETS = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30, 50, 100] as const;
/** Dollars per request or per conversation: a hundredth of a cent up to a hundred dollars. */
export const OUTCOME_COST_BUCKETS = [
  0.00001, 0.00003, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100,
] as const;

/**
 * Scores of evaluations: every 0.05 from 0 to 1 (relevance, groundedness, WER, precision@k) and
 * every 0.5 from 1 to 5 (CSAT and other 1-5 ratings, MOS), so that a whole rating IS a boundary
 * and the distribution of ratings is read exactly (count of le="4" minus le="3" is the number of
 * 4s), plus 10 and 100 for WER above 1 and percentage scores.
 */
export const EVALUATION_SCORE_BUCKETS = [
  0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1, 1.5, 2,
  2.5, 3, 3.5, 4, 4.5, 5, 10, 100,
] as const;

/**
 * What an evaluation, cache lookup or conversion linked to a call carries of that call (values
 * empty when it is not linked, or aimeter no longer remembers the call: src/quality/call-links.ts).
 */
export const LINKED_CALL_LABELS = [ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_REQUEST_MODEL, ATTR_GEN_AI_AGENT_NAME, LABEL_VARIANT] as const;

/** Labels every GenAI call metric carries (values empty where they do not apply). */
export const CALL_LABELS = [
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_TOOL_NAME,
  LABEL_VARIANT,
] as const;

/** Request roll-ups: the low-cardinality route (http.route, else the root agent's name). */
const REQUEST_LABELS = [ATTR_HTTP_ROUTE, ATTR_ERROR_TYPE, LABEL_VARIANT] as const;
const CONVERSATION_LABELS = [LABEL_OUTCOME, LABEL_FIRST_CONTACT, LABEL_VARIANT] as const;

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
  agentRuns: {
    name: 'aimeter.agent.runs',
    unit: '{run}',
    kind: 'counter',
    description:
      'Agent runs by outcome (traceAgent setOutcome, or aimeter.outcome on another library\'s agent span; empty when none was set) and error.type.',
    labels: [ATTR_GEN_AI_AGENT_NAME, LABEL_OUTCOME, ATTR_ERROR_TYPE, LABEL_VARIANT],
  },
  agentRunCost: {
    name: 'aimeter.agent.run.cost.usd',
    unit: '{USD}',
    kind: 'counter',
    description: 'US dollars of the model calls made during agent runs, added when the run ends, by its outcome: over aimeter_agent_runs_total it is the cost per run of each outcome.',
    labels: [ATTR_GEN_AI_AGENT_NAME, LABEL_OUTCOME, ATTR_ERROR_TYPE, LABEL_VARIANT],
  },
  requestCost: {
    name: 'aimeter.request.cost.usd',
    unit: '{USD}',
    kind: 'histogram',
    description: 'US dollars of the priced model calls of one request (a trace root with at least one GenAI call).',
    labels: REQUEST_LABELS,
    buckets: OUTCOME_COST_BUCKETS,
  },
  requestTokens: {
    name: 'aimeter.request.tokens',
    unit: '{token}',
    kind: 'histogram',
    description: 'Tokens of the model calls of one request, by gen_ai.token.type (input, output).',
    labels: [ATTR_HTTP_ROUTE, ATTR_ERROR_TYPE, ATTR_GEN_AI_TOKEN_TYPE, LABEL_VARIANT],
    buckets: TOKEN_BUCKETS,
  },
  requestModelCalls: {
    name: 'aimeter.request.model_calls',
    unit: '{call}',
    kind: 'histogram',
    description: 'Model calls made during one request.',
    labels: REQUEST_LABELS,
    buckets: CALLS_PER_RUN_BUCKETS,
  },
  conversations: {
    name: 'aimeter.conversations',
    unit: '{conversation}',
    kind: 'counter',
    description:
      'Conversations ended, by outcome (endConversation, or idle after AIMETER_CONVERSATION_IDLE_TIMEOUT) and first contact; counted once, by the process that ends it.',
    labels: CONVERSATION_LABELS,
  },
  conversationCostTotal: {
    name: 'aimeter.conversations.cost.usd',
    unit: '{USD}',
    kind: 'counter',
    description:
      'US dollars of model calls that carried a gen_ai.conversation.id, added as each call ends: summed over replicas and divided by aimeter_conversations_total it is the spend per conversation (of an outcome).',
    labels: [LABEL_VARIANT],
  },
  conversationDuration: {
    name: 'aimeter.conversation.duration',
    unit: 's',
    kind: 'histogram',
    description: 'Handle time of an ended conversation: first activity (or startedAt) to its end (for idle ones, to the last activity).',
    labels: CONVERSATION_LABELS,
    buckets: CONVERSATION_DURATION_BUCKETS,
  },
  conversationTurns: {
    name: 'aimeter.conversation.turns',
    unit: '{turn}',
    kind: 'histogram',
    description: 'Turns of an ended conversation (traced turns, else requests; or the turns given to endConversation).',
    labels: CONVERSATION_LABELS,
    buckets: TURNS_BUCKETS,
  },
  conversationCost: {
    name: 'aimeter.conversation.cost.usd',
    unit: '{USD}',
    kind: 'histogram',
    description: 'US dollars of one ended conversation, as far as this process served it.',
    labels: CONVERSATION_LABELS,
    buckets: OUTCOME_COST_BUCKETS,
  },
  turnLatency: {
    name: 'aimeter.turn.latency',
    unit: 's',
    kind: 'histogram',
    description:
      'Voice turn latency: the user stopped speaking -> the agent started speaking (marked by the app, else the end of speech-to-text and the first audio byte of text-to-speech).',
    labels: [LABEL_VARIANT],
    buckets: TURN_LATENCY_BUCKETS,
  },
  turns: {
    name: 'aimeter.turns',
    unit: '{turn}',
    kind: 'counter',
    description: 'Conversation turns by how they ended: completed, interrupted (the user barged in) or error.',
    labels: [LABEL_TURN_END_REASON, LABEL_VARIANT],
  },
  turnPhaseDuration: {
    name: 'aimeter.turn.phase.duration',
    unit: 's',
    kind: 'histogram',
    description:
      'Where a turn waits: speech_to_text (the call), llm_time_to_first_token (the first model call), text_to_speech_time_to_first_byte.',
    labels: [LABEL_TURN_PHASE, LABEL_VARIANT],
    buckets: TURN_LATENCY_BUCKETS,
  },
  outcomesOverflow: {
    name: 'aimeter.outcomes.overflow',
    unit: '{item}',
    kind: 'counter',
    description:
      'What outcome tracking let go of to bound memory: open requests and conversations evicted (cap, ttl: a trace whose root never ended), variants folded into _OTHER (cap).',
    labels: [LABEL_TRACKED, LABEL_REASON],
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
  speechToTextTimeToFirstTranscript: {
    name: 'aimeter.speech_to_text.time_to_first_transcript',
    unit: 's',
    kind: 'histogram',
    description: 'Time from the first audio sent in a live (streaming) speech-to-text session to the first non-empty transcript received.',
    labels: CALL_LABELS,
    // A voice bot's reply waits on the first transcript as it waits on the first audio byte.
    buckets: FIRST_AUDIO_BUCKETS,
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
  evaluationScore: {
    name: 'aimeter.evaluation.score',
    unit: '1',
    kind: 'histogram',
    description:
      'Scores of evaluations and feedback (gen_ai.evaluation.result): CSAT, relevance, WER, MOS, precision@k ..., by gen_ai.evaluation.name and the evaluated call\'s labels.',
    labels: [ATTR_GEN_AI_EVALUATION_NAME, ...LINKED_CALL_LABELS],
    buckets: EVALUATION_SCORE_BUCKETS,
  },
  evaluations: {
    name: 'aimeter.evaluations',
    unit: '{evaluation}',
    kind: 'counter',
    description: 'Evaluations and feedback recorded, by gen_ai.evaluation.name and gen_ai.evaluation.score.label (thumbs up/down, pass/fail; empty when none).',
    labels: [ATTR_GEN_AI_EVALUATION_NAME, ATTR_GEN_AI_EVALUATION_SCORE_LABEL, ...LINKED_CALL_LABELS],
  },
  cacheLookups: {
    name: 'aimeter.cache.lookups',
    unit: '{lookup}',
    kind: 'counter',
    description: 'Lookups in application caches (semantic or response caches), by aimeter.cache.name and aimeter.cache.result (hit / miss).',
    labels: [LABEL_CACHE_NAME, LABEL_CACHE_RESULT],
  },
  cacheLookupSavedTokens: {
    name: 'aimeter.cache.lookup.saved_tokens',
    unit: '{token}',
    kind: 'counter',
    description: 'Tokens an application cache hit saved (the model call it made unnecessary), as the application reports them.',
    labels: [LABEL_CACHE_NAME],
  },
  cacheLookupSavedCost: {
    name: 'aimeter.cache.lookup.saved.usd',
    unit: '{USD}',
    kind: 'counter',
    description: 'US dollars an application cache hit saved, as the application reports them.',
    labels: [LABEL_CACHE_NAME],
  },
  promptCompressionTokens: {
    name: 'aimeter.prompt_compression.tokens',
    unit: '{token}',
    kind: 'counter',
    description: 'Prompt tokens before and after compression (aimeter.compression.stage), by technique: before minus after is what compression saved.',
    labels: [LABEL_COMPRESSION_TECHNIQUE, LABEL_COMPRESSION_STAGE],
  },
  conversions: {
    name: 'aimeter.conversions',
    unit: '{conversion}',
    kind: 'counter',
    description: 'Business conversions reported by the application or the KPI events endpoint, by aimeter.conversion.name (from an allow-list).',
    labels: [LABEL_CONVERSION_NAME, ...LINKED_CALL_LABELS],
  },
  conversionValue: {
    name: 'aimeter.conversion.value',
    unit: '{currency_unit}',
    kind: 'counter',
    description: 'Value of conversions in their currency (aimeter.currency, ISO 4217): never add two currencies together.',
    labels: [LABEL_CONVERSION_NAME, LABEL_CURRENCY],
  },
  kpiEvents: {
    name: 'aimeter.kpi.events',
    unit: '{event}',
    kind: 'counter',
    description:
      'Events posted to the KPI events endpoint, by aimeter.event.type and aimeter.event.result (accepted, rejected, duplicate); type "unparsed" for requests refused before their body was read.',
    labels: [LABEL_EVENT_TYPE, LABEL_EVENT_RESULT],
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
