/**
 * Every PromQL expression the command line sends, in one place. Metric names come from the
 * catalog (src/metrics/catalog.ts) through the same naming /metrics uses; label names from the
 * semconv attributes. Calls, durations and times to first chunk are read in either naming of the
 * GenAI conventions (v1.41, gen_ai_latest_experimental, or both under /dup: a call counted once),
 * with the families of src/metrics/editions.ts and the expression builder the dashboards use
 * (src/metrics/either-promql.ts). The CLI reads the raw families (counters and histograms with increase()
 * over the range asked for), not the 5m recording rules of prometheus/rules/aimeter-recording.yml:
 * recording rules only exist from the moment Prometheus loaded them, so a question about last
 * week must be asked of the raw series. The objectives of prometheus/rules/aimeter-objectives.yml
 * are read from the file itself (objectives.ts), with the record names below.
 */
import { LABEL_CACHE_NAME, LABEL_CACHE_RESULT, LABEL_FINISH_REASON, LABEL_FIRST_CONTACT, LABEL_OUTCOME, LABEL_VARIANT, METRICS } from '../metrics/catalog';
import { EDITIONS, FIRST_CHUNK_OR_AUDIO } from '../metrics/editions';
import { eitherHistogram, type Histogram, histogramRate } from '../metrics/either-promql';
import { prometheusLabelName, prometheusName } from '../metrics/prometheus-names';
import * as A from '../semconv/attributes';
import { Operation } from '../semconv/operations';

/**
 * The histograms read in either naming: every call's duration (its _count counts calls), and the
 * time to first chunk (text-to-speech's first audio byte included, as the rules read it).
 */
export const H = {
  duration: eitherHistogram(EDITIONS.callDuration),
  timeToFirstChunk: eitherHistogram(FIRST_CHUNK_OR_AUDIO),
} as const;

/** The catalog families the CLI reads (aimeter's own, emitted under every naming). */
export const M = {
  tokens: prometheusName(METRICS.tokens),
  cost: prometheusName(METRICS.cost),
  cacheSavings: prometheusName(METRICS.cacheSavings),
  unpriced: prometheusName(METRICS.unpricedOperations),
  finishReasons: prometheusName(METRICS.finishReasons),
} as const;

/** Outcome and quality families (requests, conversations, turns, agent runs, evaluations, caches). */
export const OUTCOME_METRICS = {
  requestCost: prometheusName(METRICS.requestCost),
  requestTokens: prometheusName(METRICS.requestTokens),
  requestModelCalls: prometheusName(METRICS.requestModelCalls),
  conversations: prometheusName(METRICS.conversations),
  conversationDuration: prometheusName(METRICS.conversationDuration),
  conversationTurns: prometheusName(METRICS.conversationTurns),
  conversationCost: prometheusName(METRICS.conversationCost),
  /** Dollars of every call that carried a conversation id (no outcome label: see docs/outcomes.md). */
  conversationCostTotal: prometheusName(METRICS.conversationCostTotal),
  turnLatency: prometheusName(METRICS.turnLatency),
  turns: prometheusName(METRICS.turns),
  agentRuns: prometheusName(METRICS.agentRuns),
  evaluationScore: prometheusName(METRICS.evaluationScore),
  evaluations: prometheusName(METRICS.evaluations),
  cacheLookups: prometheusName(METRICS.cacheLookups),
} as const;
const O = OUTCOME_METRICS;

export const L = {
  job: 'job',
  le: 'le',
  operation: prometheusLabelName(A.ATTR_GEN_AI_OPERATION_NAME),
  provider: prometheusLabelName(A.ATTR_GEN_AI_PROVIDER_NAME),
  model: prometheusLabelName(A.ATTR_GEN_AI_REQUEST_MODEL),
  agent: prometheusLabelName(A.ATTR_GEN_AI_AGENT_NAME),
  tool: prometheusLabelName(A.ATTR_GEN_AI_TOOL_NAME),
  errorType: prometheusLabelName(A.ATTR_ERROR_TYPE),
  tokenType: prometheusLabelName(A.ATTR_GEN_AI_TOKEN_TYPE),
  finishReason: prometheusLabelName(LABEL_FINISH_REASON),
  route: prometheusLabelName(A.ATTR_HTTP_ROUTE),
  variant: prometheusLabelName(LABEL_VARIANT),
  outcome: prometheusLabelName(LABEL_OUTCOME),
  firstContact: prometheusLabelName(LABEL_FIRST_CONTACT),
  evaluationName: prometheusLabelName(A.ATTR_GEN_AI_EVALUATION_NAME),
  cacheName: prometheusLabelName(LABEL_CACHE_NAME),
  cacheResult: prometheusLabelName(LABEL_CACHE_RESULT),
} as const;

/** Records of prometheus/rules/aimeter-objectives.yml. */
export const OBJECTIVE_RULES = {
  objective: 'operation_sli:aimeter_slo_objective:ratio',
  excludedErrorType: 'error_type:aimeter_slo_excluded:constant',
  minEvents: ':aimeter_alert_min_events:constant',
  budget: ':aimeter_cost_budget_usd_per_month:constant',
  jobBudget: 'job_environment:aimeter_cost_budget_usd_per_month:constant',
} as const;

/** Operations by component, as regexes for =~. */
export const OPS = {
  llm: [Operation.Chat, Operation.TextCompletion, Operation.GenerateContent].join('|'),
  model: [Operation.Chat, Operation.TextCompletion, Operation.GenerateContent, Operation.Embeddings, Operation.SpeechToText, Operation.TextToSpeech].join('|'),
  speechToText: Operation.SpeechToText,
  textToSpeech: Operation.TextToSpeech,
  agent: Operation.InvokeAgent,
  tool: Operation.ExecuteTool,
} as const;

// ---------------------------------------------------------------------------------------------
// Filters

export interface Filters {
  readonly job?: string | undefined;
  readonly agent?: string | undefined;
  readonly model?: string | undefined;
  readonly provider?: string | undefined;
  readonly variant?: string | undefined;
}
export type FilterName = keyof Filters;

const FILTER_LABELS: Readonly<Record<FilterName, string>> = {
  job: L.job,
  agent: L.agent,
  model: L.model,
  provider: L.provider,
  variant: L.variant,
};

/**
 * The series a family's figures come from and the filters its labels can honour: call metrics
 * carry every label; requests, conversations, evaluations and caches only the job (a figure
 * asked for with a filter its family cannot honour is left out, never shown unfiltered).
 */
export type Scope = 'call' | 'agentRun' | 'request' | 'conversation' | 'evaluation' | 'cache';
const SCOPE_FILTERS: Readonly<Record<Scope, readonly FilterName[]>> = {
  call: ['job', 'agent', 'model', 'provider', 'variant'],
  agentRun: ['job', 'agent'],
  request: ['job'],
  conversation: ['job'],
  evaluation: ['job'],
  cache: ['job'],
};

/** Label matchers for the filters, or null when a filter given cannot apply to the scope. */
export function scopeMatchers(filters: Filters, scope: Scope): string[] | null {
  const out: string[] = [];
  for (const name of Object.keys(FILTER_LABELS) as FilterName[]) {
    const value = filters[name];
    if (value === undefined) continue;
    if (!SCOPE_FILTERS[scope].includes(name)) return null;
    out.push(`${FILTER_LABELS[name]}=${quote(value)}`);
  }
  return out;
}

/** A PromQL string literal. */
export function quote(value: string): string {
  return JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------
// Building blocks

export const eq = (label: string, value: string): string => `${label}=${quote(value)}`;
export const re = (label: string, regex: string): string => `${label}=~${quote(regex)}`;
export const ne = (label: string, value: string): string => `${label}!=${quote(value)}`;
export const FAILED = ne(L.errorType, '');
export const SUCCEEDED = eq(L.errorType, '');

export const sel = (metric: string, matchers: readonly string[]): string => `${metric}{${matchers.join(', ')}}`;
export const increase = (metric: string, matchers: readonly string[], window: string): string =>
  `increase(${sel(metric, matchers)}[${window}])`;
export const sumBy = (by: readonly string[], inner: string): string => (by.length > 0 ? `sum by (${by.join(', ')}) (${inner})` : `sum(${inner})`);

/** How many observations a histogram took in the window. */
export const histogramCount = (h: Histogram, matchers: readonly string[], window: string, by: readonly string[] = []): string =>
  sumBy(by, histogramRate(h, '_count', matchers, window, 'increase'));
/** The total of a histogram's observations in the window. */
export const histogramSum = (h: Histogram, matchers: readonly string[], window: string, by: readonly string[] = []): string =>
  sumBy(by, histogramRate(h, '_sum', matchers, window, 'increase'));
/** A quantile interpolated in the buckets (durations: buckets are fine enough). */
export const histogramQuantile = (q: number, h: Histogram, matchers: readonly string[], window: string, by: readonly string[] = []): string =>
  `histogram_quantile(${q}, ${sumBy([L.le, ...by], histogramRate(h, '_bucket', matchers, window, 'increase'))})`;
/**
 * Observations at or under a bucket boundary. `le` as the objectives file writes it ("10"); a
 * Prometheus that stored the exposition's "10.0" matches too.
 */
export const histogramAtMost = (h: Histogram, le: string, matchers: readonly string[], window: string, by: readonly string[] = []): string =>
  sumBy(by, histogramRate(h, '_bucket', [...matchers, re(L.le, `${le.replace(/\./g, '\\.')}(\\.0)?`)], window, 'increase'));

// ---------------------------------------------------------------------------------------------
// The figures

/** Calls (any outcome) of the given operations. */
export const calls = (ops: string, m: readonly string[], w: string, by: readonly string[] = []): string =>
  histogramCount(H.duration, [...m, re(L.operation, ops)], w, by);
/** Failed calls (error_type set) of the given operations. */
export const failures = (ops: string, m: readonly string[], w: string, by: readonly string[] = []): string =>
  histogramCount(H.duration, [...m, re(L.operation, ops), FAILED], w, by);
/** Latency quantile over successful calls: a fast 429 says nothing about how long answers take. */
export const latency = (q: number, ops: string, m: readonly string[], w: string, by: readonly string[] = []): string =>
  histogramQuantile(q, H.duration, [...m, re(L.operation, ops), SUCCEEDED], w, by);
export const latencySum = (ops: string, m: readonly string[], w: string, by: readonly string[] = []): string =>
  histogramSum(H.duration, [...m, re(L.operation, ops), SUCCEEDED], w, by);
export const successes = (ops: string, m: readonly string[], w: string, by: readonly string[] = []): string =>
  histogramCount(H.duration, [...m, re(L.operation, ops), SUCCEEDED], w, by);
/** Successful calls that took at most `le` seconds (a bucket boundary). */
export const successesWithin = (ops: string, le: string, m: readonly string[], w: string, by: readonly string[] = []): string =>
  histogramAtMost(H.duration, le, [...m, re(L.operation, ops), SUCCEEDED], w, by);
export const timeToFirstChunk = (q: number, ops: string, m: readonly string[], w: string, by: readonly string[] = []): string =>
  histogramQuantile(q, H.timeToFirstChunk, [...m, re(L.operation, ops)], w, by);
export const firstChunkCount = (ops: string, m: readonly string[], w: string, by: readonly string[] = []): string =>
  histogramCount(H.timeToFirstChunk, [...m, re(L.operation, ops)], w, by);
export const firstChunkWithin = (ops: string, le: string, m: readonly string[], w: string, by: readonly string[] = []): string =>
  histogramAtMost(H.timeToFirstChunk, le, [...m, re(L.operation, ops)], w, by);
/** Tokens by type (input, output, cache_read, cache_creation, reasoning). */
export const tokensByType = (m: readonly string[], w: string, by: readonly string[] = []): string =>
  sumBy([L.tokenType, ...by], increase(M.tokens, m, w));
/** Input plus output tokens (the cache and reasoning types are subsets, not added). */
export const tokens = (m: readonly string[], w: string, by: readonly string[] = []): string =>
  sumBy(by, increase(M.tokens, [...m, re(L.tokenType, 'input|output')], w));
export const dollars = (m: readonly string[], w: string, by: readonly string[] = []): string => sumBy(by, increase(M.cost, m, w));
export const cacheSavings = (m: readonly string[], w: string): string => sumBy([], increase(M.cacheSavings, m, w));
export const unpriced = (m: readonly string[], w: string): string => sumBy([], increase(M.unpriced, m, w));

export const requests = (m: readonly string[], w: string, by: readonly string[] = []): string => histogramCount(O.requestModelCalls, m, w, by);
export const requestDollars = (m: readonly string[], w: string, by: readonly string[] = []): string => histogramSum(O.requestCost, m, w, by);
export const requestTokens = (m: readonly string[], w: string, by: readonly string[] = []): string => histogramSum(O.requestTokens, m, w, by);
export const requestFailures = (m: readonly string[], w: string, by: readonly string[] = []): string =>
  histogramCount(O.requestCost, [...m, FAILED], w, by);
export const requestCount = (m: readonly string[], w: string, by: readonly string[] = []): string => histogramCount(O.requestCost, m, w, by);

/** Conversations by outcome and first contact. */
export const conversations = (m: readonly string[], w: string, by: readonly string[] = []): string =>
  sumBy([L.outcome, L.firstContact, ...by], increase(O.conversations, m, w));
export const conversationCount = (m: readonly string[], w: string, by: readonly string[] = []): string => sumBy(by, increase(O.conversations, m, w));
export const resolvedConversations = (m: readonly string[], w: string, by: readonly string[] = []): string =>
  sumBy(by, increase(O.conversations, [...m, eq(L.outcome, 'resolved')], w));
export const handleTimeSum = (m: readonly string[], w: string): string => histogramSum(O.conversationDuration, m, w);
export const handleTimeCount = (m: readonly string[], w: string): string => histogramCount(O.conversationDuration, m, w);
export const handleTimeQuantile = (q: number, m: readonly string[], w: string): string => histogramQuantile(q, O.conversationDuration, m, w);
export const turnsSum = (m: readonly string[], w: string): string => histogramSum(O.conversationTurns, m, w);
export const turnsCount = (m: readonly string[], w: string): string => histogramCount(O.conversationTurns, m, w);
/**
 * Dollars spent in conversations: with resolved conversations the spend per resolved conversation,
 * exact over replicas (the counter is added to as calls end, before any outcome is known).
 */
export const conversationDollars = (m: readonly string[], w: string, by: readonly string[] = []): string =>
  sumBy(by, increase(O.conversationCostTotal, m, w));
/** End-to-end turn latency (speech in to speech out). */
export const turnLatency = (q: number, m: readonly string[], w: string): string => histogramQuantile(q, O.turnLatency, m, w);
export const turnLatencyCount = (m: readonly string[], w: string): string => histogramCount(O.turnLatency, m, w);
export const agentRuns = (m: readonly string[], w: string, by: readonly string[] = []): string =>
  sumBy([L.outcome, ...by], increase(O.agentRuns, m, w));
export const evaluationSum = (m: readonly string[], w: string): string => histogramSum(O.evaluationScore, m, w, [L.evaluationName]);
export const evaluationCount = (m: readonly string[], w: string): string => histogramCount(O.evaluationScore, m, w, [L.evaluationName]);
export const cacheLookups = (m: readonly string[], w: string): string => sumBy([L.cacheName, L.cacheResult], increase(O.cacheLookups, m, w));

/** Calls of each job (the spend budget is per job). */
export const dollarsByJob = (m: readonly string[], w: string): string => dollars(m, w, [L.job]);
