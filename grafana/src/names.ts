/**
 * Every metric, label and recording-rule name the dashboards read, derived from where each is
 * defined: aimeter's families from the catalog (src/metrics/catalog.ts) through the same
 * OTel-to-Prometheus naming /metrics uses (src/metrics/prometheus-names.ts), labels from the
 * attribute names (src/semconv/attributes.ts), prom-client's runtime families from
 * src/metrics/process-metrics.ts. No dashboard spells a metric name itself.
 */
import {
  LABEL_CACHE_NAME,
  LABEL_CACHE_RESULT,
  LABEL_COMPONENT,
  LABEL_COMPRESSION_STAGE,
  LABEL_COMPRESSION_TECHNIQUE,
  LABEL_CONVERSION_NAME,
  LABEL_CURRENCY,
  LABEL_EVENT_RESULT,
  LABEL_EVENT_TYPE,
  LABEL_FINISH_REASON,
  LABEL_FIRST_CONTACT,
  LABEL_METRIC,
  LABEL_OUTCOME,
  LABEL_TURN_END_REASON,
  LABEL_TURN_PHASE,
  LABEL_VARIANT,
  LABEL_VERSION,
  METRICS,
  type MetricKey,
} from '../../src/metrics/catalog';
import { eitherHistogram, type EitherHistogram } from '../../src/metrics/either-promql';
import { EDITIONS } from '../../src/metrics/editions';
import { LABEL_GC_KIND, PROCESS_METRICS } from '../../src/metrics/process-metrics';
import { prometheusLabelName, prometheusName } from '../../src/metrics/prometheus-names';
import * as A from '../../src/semconv/attributes';
import { Operation } from '../../src/semconv/operations';

/** Prometheus family name of each catalog metric, by catalog key (histograms without _bucket/_sum/_count). */
export const M = Object.fromEntries(
  (Object.keys(METRICS) as MetricKey[]).map((key) => [key, prometheusName(METRICS[key])]),
) as { readonly [K in MetricKey]: string };

export type { EitherHistogram } from '../../src/metrics/either-promql';
const either = eitherHistogram;

/** prom-client's process and runtime families. */
export const P = PROCESS_METRICS;

export const L = {
  job: 'job',
  instance: 'instance',
  le: 'le',
  operation: prometheusLabelName(A.ATTR_GEN_AI_OPERATION_NAME),
  provider: prometheusLabelName(A.ATTR_GEN_AI_PROVIDER_NAME),
  requestModel: prometheusLabelName(A.ATTR_GEN_AI_REQUEST_MODEL),
  responseModel: prometheusLabelName(A.ATTR_GEN_AI_RESPONSE_MODEL),
  agent: prometheusLabelName(A.ATTR_GEN_AI_AGENT_NAME),
  tool: prometheusLabelName(A.ATTR_GEN_AI_TOOL_NAME),
  errorType: prometheusLabelName(A.ATTR_ERROR_TYPE),
  tokenType: prometheusLabelName(A.ATTR_GEN_AI_TOKEN_TYPE),
  finishReason: prometheusLabelName(LABEL_FINISH_REASON),
  metric: prometheusLabelName(LABEL_METRIC),
  component: prometheusLabelName(LABEL_COMPONENT),
  version: prometheusLabelName(LABEL_VERSION),
  gcKind: LABEL_GC_KIND,
  route: prometheusLabelName(A.ATTR_HTTP_ROUTE),
  variant: prometheusLabelName(LABEL_VARIANT),
  outcome: prometheusLabelName(LABEL_OUTCOME),
  firstContact: prometheusLabelName(LABEL_FIRST_CONTACT),
  turnEndReason: prometheusLabelName(LABEL_TURN_END_REASON),
  turnPhase: prometheusLabelName(LABEL_TURN_PHASE),
  evaluationName: prometheusLabelName(A.ATTR_GEN_AI_EVALUATION_NAME),
  scoreLabel: prometheusLabelName(A.ATTR_GEN_AI_EVALUATION_SCORE_LABEL),
  cacheName: prometheusLabelName(LABEL_CACHE_NAME),
  cacheResult: prometheusLabelName(LABEL_CACHE_RESULT),
  compressionTechnique: prometheusLabelName(LABEL_COMPRESSION_TECHNIQUE),
  compressionStage: prometheusLabelName(LABEL_COMPRESSION_STAGE),
  conversionName: prometheusLabelName(LABEL_CONVERSION_NAME),
  currency: prometheusLabelName(LABEL_CURRENCY),
  eventType: prometheusLabelName(LABEL_EVENT_TYPE),
  eventResult: prometheusLabelName(LABEL_EVENT_RESULT),
} as const;

/**
 * The quantities the two editions of the conventions record under different names, read from
 * both (src/metrics/editions.ts): v1.41's family first, then the newest conventions'.
 */
export const H = {
  /** Every operation's duration; its _count counts calls. */
  duration: either(EDITIONS.callDuration),
  timeToFirstChunk: either(EDITIONS.timeToFirstChunk),
  /** v1.41: one mean per streaming call; newest: one observation per chunk (the mean is per chunk). */
  timePerOutputChunk: either(EDITIONS.timePerOutputChunk),
  /** Input tokens per call: v1.41's token usage histogram of type input, or the newest per-call histogram. */
  inputTokens: {
    families: [{ name: M[EDITIONS.inputTokensPerCall[0]], matchers: [`${L.tokenType}="input"`] }, { name: M[EDITIONS.inputTokensPerCall[1]] }],
    ignoring: [L.tokenType],
  },
} as const satisfies Record<string, EitherHistogram>;

/** Operations, as regexes for `=~` matchers. */
export const OPS = {
  /** Calls to a model (tokens and dollars are counted for these). */
  model: [Operation.Chat, Operation.TextCompletion, Operation.GenerateContent, Operation.Embeddings, Operation.SpeechToText, Operation.TextToSpeech].join('|'),
  /** Operations that produce text tokens (time to first token, generation speed). */
  llm: [Operation.Chat, Operation.TextCompletion, Operation.GenerateContent].join('|'),
  speechToText: Operation.SpeechToText,
  textToSpeech: Operation.TextToSpeech,
  speech: [Operation.SpeechToText, Operation.TextToSpeech].join('|'),
  agent: Operation.InvokeAgent,
  tool: Operation.ExecuteTool,
} as const;

/**
 * Recording rules in prometheus/rules/ that panels chart. The budget is in aimeter-objectives.yml;
 * the error-budget rules are published with the SLOs (labels job, gen_ai_operation_name).
 */
export const RULES = {
  budgetPerMonth: ':aimeter_cost_budget_usd_per_month:constant',
  availabilityBudgetRemaining: 'operation:aimeter_availability_error_budget_remaining:ratio',
  latencyBudgetRemaining: 'operation:aimeter_latency_error_budget_remaining:ratio',
  promptCacheHitRatio: 'job_provider_model:aimeter_prompt_cache_hit:ratio_rate1h',
  promptCacheNetReturn: 'job_provider_model:aimeter_prompt_cache_net_return_usd_per_hour:rate1h',
  evaluationFloor: 'evaluation:aimeter_evaluation_floor:constant',
} as const;
