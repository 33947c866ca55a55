/** aimeter / Overview: calls, errors, latency, generation speed, tokens, finish reasons, spend, objectives. */
import { TOKEN_BUCKETS } from '../../../src/metrics/catalog';
import { formatNumber } from '../../../src/metrics/series-store';
import type { AimeterDashboardSpec } from '../aimeter-dashboard';
import { H, L, M, RULES } from '../names';
import type { PanelSpec } from '../panels';
import {
  callIncrease, callRate, eq, mean, nameEmpty, perHour, quantile, RANGE, rate, ratioOrZero, sel, shareAbove, sumBy,
} from '../promql';
import { AGENT_VARIABLE, JOB_VARIABLE, MODEL_VARIABLE, PROVIDER_VARIABLE } from '../variables';
import { CALLS, FAILED, JOB, legend, LLM_CALLS, MODEL_CALLS, PM, PM_LEGEND } from './filters';

/** Input tokens per call above this share of a 128k context window are flagged (a bucket boundary, so exact). */
export const LARGE_PROMPT_TOKENS = TOKEN_BUCKETS.find((b) => b >= 65536) as number;
/** The context window the threshold lines stand for: 128k, common to today's large models. Edit for yours. */
export const CONTEXT_WINDOW_TOKENS = 131072;

const IO_TOKENS = `${L.tokenType}=~"input|output"`;

function errorRatio(by: readonly string[], window?: string): string {
  return ratioOrZero(callRate(by, [...MODEL_CALLS, FAILED], window), callRate(by, MODEL_CALLS, window));
}

/** Share of choices that stopped for `reason` (0 when none did). */
function finishShare(reason: string, by: readonly string[]): string {
  return ratioOrZero(sumBy(by, rate(M.finishReasons, [...CALLS, eq(L.finishReason, reason)])), sumBy(by, rate(M.finishReasons, CALLS)));
}

/** What is left of an SLO's error budget, from the recording rules published with the SLOs. */
function errorBudgetPanel(slo: 'Availability' | 'Latency', rule: string): PanelSpec {
  return {
    kind: 'timeseries',
    title: `${slo} error budget remaining`,
    description: `Share of the ${slo.toLowerCase()} error budget left over the SLO window, per operation (${rule}, a recording rule from the SLOs in prometheus/rules); at 0 the objective is missed.`,
    unit: 'percentunit',
    max: 1,
    queries: [{ expr: `min by (${L.operation}) (${sel(rule, JOB)})`, legend: legend(L.operation) }],
    baseColor: 'red',
    thresholds: [
      { value: 0, color: 'orange' },
      { value: 0.25, color: 'green' },
    ],
    showThresholds: true,
  };
}

const glance: PanelSpec[] = [
  {
    kind: 'stat',
    title: 'Model calls / s',
    description: 'Calls to models (chat, completion, embeddings, speech) per second, any outcome, averaged over the time range.',
    unit: 'reqps',
    queries: [{ expr: callRate([], MODEL_CALLS, RANGE) }],
  },
  {
    kind: 'stat',
    title: 'Error %',
    description: 'Share of model calls in the time range that failed (error_type set).',
    unit: 'percentunit',
    queries: [{ expr: errorRatio([], RANGE) }],
    thresholds: [
      { value: 0.05, color: 'orange' },
      { value: 0.25, color: 'red' },
    ],
  },
  {
    kind: 'stat',
    title: 'p95 latency',
    description: '95th percentile duration of model calls over the time range.',
    unit: 's',
    queries: [{ expr: quantile(0.95, H.duration, [], MODEL_CALLS, RANGE) }],
  },
  {
    kind: 'stat',
    title: 'p95 time to first token',
    description: '95th percentile time to the first streamed chunk of text-generating calls, over the time range.',
    unit: 's',
    queries: [{ expr: quantile(0.95, H.timeToFirstChunk, [], LLM_CALLS, RANGE) }],
  },
  {
    kind: 'stat',
    title: 'Tokens / s',
    description: 'Input plus output tokens per second, averaged over the time range.',
    unit: 'suffix: tok/s',
    queries: [{ expr: sumBy([], rate(M.tokens, [...CALLS, IO_TOKENS], RANGE)) }],
  },
  {
    kind: 'stat',
    title: 'Spend / hour',
    description: 'US dollars per hour spent on priced model calls, averaged over the time range.',
    unit: 'currencyUSD',
    queries: [{ expr: perHour(sumBy([], rate(M.cost, CALLS, RANGE))) }],
  },
];

const callsAndErrors: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Calls / s by provider and model',
    description: 'Model calls per second.',
    unit: 'reqps',
    queries: [{ expr: callRate(PM, MODEL_CALLS), legend: PM_LEGEND }],
  },
  {
    kind: 'timeseries',
    title: 'Error % by provider and model',
    description: 'Share of model calls that failed. Alerts: the availability burn-rate alerts (prometheus/rules).',
    unit: 'percentunit',
    min: 0,
    queries: [{ expr: errorRatio(PM), legend: PM_LEGEND }],
    thresholds: [
      { value: 0.05, color: 'orange' },
      { value: 0.25, color: 'red' },
    ],
    showThresholds: true,
  },
  {
    kind: 'timeseries',
    title: 'Failed model calls / s by error type',
    description: 'Failed model and speech calls per second by operation and error_type, e.g. rate_limit, timeout, 429, 500.',
    unit: 'reqps',
    stack: true,
    queries: [{ expr: callRate([L.operation, L.errorType], [...MODEL_CALLS, FAILED]), legend: `${legend(L.operation)} ${legend(L.errorType)}` }],
  },
  {
    kind: 'timeseries',
    title: 'Finish reasons / s',
    description:
      `Why model answers stopped, per choice: stop, length (truncated at the token limit), content_filter, tool_calls, error, other (${M.finishReasons}).`,
    unit: 'reqps',
    stack: true,
    queries: [{ expr: sumBy([L.finishReason], rate(M.finishReasons, CALLS)), legend: legend(L.finishReason) }],
  },
];

const latency: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Latency p50 / p95 / p99',
    description: 'Duration of model calls, all providers and models together. Exemplars link to the traces of slow calls.',
    unit: 's',
    queries: [0.5, 0.95, 0.99].map((q) => ({ expr: quantile(q, H.duration, [], MODEL_CALLS), legend: `p${Math.round(q * 100)}`, exemplar: true })),
  },
  {
    kind: 'timeseries',
    title: 'p95 latency by provider and model',
    description: '95th percentile duration of model calls. Alerts: the latency burn-rate alerts (objectives in prometheus/rules/aimeter-objectives.yml).',
    unit: 's',
    queries: [{ expr: quantile(0.95, H.duration, PM, MODEL_CALLS), legend: PM_LEGEND, exemplar: true }],
  },
  {
    kind: 'timeseries',
    title: 'Time to first token p50 / p95 by provider and model',
    description: 'Time from request to the first streamed chunk of text-generating calls.',
    unit: 's',
    queries: [0.5, 0.95].map((q) => ({ expr: quantile(q, H.timeToFirstChunk, PM, LLM_CALLS), legend: `p${Math.round(q * 100)} ${PM_LEGEND}`, exemplar: true })),
  },
  {
    kind: 'timeseries',
    title: 'Generation speed: time per output chunk by model',
    description:
      'Mean time between streamed chunks after the first (lower is faster; roughly the time per output token), and its p95. Under the v1.41 names one observation per call (its mean gap: the p95 is across calls); under gen_ai_latest_experimental one per chunk (the mean is per chunk, the p95 across chunks).',
    unit: 's',
    queries: [
      { expr: mean(H.timePerOutputChunk, PM, LLM_CALLS), legend: `mean ${PM_LEGEND}` },
      { expr: quantile(0.95, H.timePerOutputChunk, PM, LLM_CALLS), legend: `p95 ${PM_LEGEND}`, exemplar: true },
    ],
  },
];

const tokens: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Tokens / s by type',
    description: 'Tokens per second by gen_ai.token.type; cache_read and cache_creation are part of input, reasoning part of output.',
    unit: 'suffix: tok/s',
    queries: [{ expr: sumBy([L.tokenType], rate(M.tokens, CALLS)), legend: legend(L.tokenType) }],
  },
  {
    kind: 'timeseries',
    title: 'Input tokens per call by model (against the context window)',
    description: `Mean input tokens per model call (prompt plus history, cached included). The dashed lines are ${LARGE_PROMPT_TOKENS} and ${CONTEXT_WINDOW_TOKENS} tokens: half and all of a 128k context window; aimeter has no per-model context-window data, so compare with your model's.`,
    unit: 'short',
    queries: [{ expr: mean(H.inputTokens, PM, CALLS), legend: PM_LEGEND }],
    thresholds: [
      { value: LARGE_PROMPT_TOKENS, color: 'orange' },
      { value: CONTEXT_WINDOW_TOKENS, color: 'red' },
    ],
    showThresholds: true,
  },
  {
    kind: 'timeseries',
    title: `Share of calls over ${LARGE_PROMPT_TOKENS / 1024}k input tokens by model`,
    description: `Model calls whose input exceeded ${LARGE_PROMPT_TOKENS} tokens (a bucket boundary of the per-call input-token histogram, v1.41's or the newest conventions', so the share is exact): prompts near a 128k context window, at risk of truncation and expensive.`,
    unit: 'percentunit',
    min: 0,
    queries: [{ expr: shareAbove(H.inputTokens, formatNumber(LARGE_PROMPT_TOKENS), PM, CALLS), legend: PM_LEGEND }],
  },
  {
    kind: 'timeseries',
    title: 'Truncated and filtered answers by model',
    description: 'Share of choices that stopped at the token limit (finish reason length) or were blocked by a content filter.',
    unit: 'percentunit',
    min: 0,
    queries: [
      { expr: finishShare('length', PM), legend: `truncated ${PM_LEGEND}` },
      { expr: finishShare('content_filter', PM), legend: `content filter ${PM_LEGEND}` },
    ],
  },
];

const modelsAndObjectives: PanelSpec[] = [
  {
    kind: 'table',
    title: 'Requested vs answering model',
    description:
      'Model calls in the time range by the model asked for and the model that answered (gen_ai.response.model: often a dated snapshot; a different family means a fallback or routing).',
    unit: 'short',
    queries: [
      {
        expr: nameEmpty(callIncrease([L.provider, L.requestModel, L.responseModel], MODEL_CALLS), L.responseModel),
      },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Spend / hour by provider and model',
    description: 'US dollars per hour at the current rate.',
    unit: 'currencyUSD',
    stack: true,
    queries: [{ expr: perHour(sumBy(PM, rate(M.cost, CALLS))), legend: PM_LEGEND }],
  },
  errorBudgetPanel('Availability', RULES.availabilityBudgetRemaining),
  errorBudgetPanel('Latency', RULES.latencyBudgetRemaining),
];

export const overview: AimeterDashboardSpec = {
  uid: 'aimeter-overview',
  title: 'aimeter / Overview',
  description: 'Calls, errors, latency, generation speed, tokens, finish reasons, dollars and error budgets by provider and model.',
  variables: [JOB_VARIABLE, PROVIDER_VARIABLE, MODEL_VARIABLE, AGENT_VARIABLE],
  rows: [
    { title: 'At a glance (time range)', panels: glance },
    { title: 'Calls and errors', panels: callsAndErrors },
    { title: 'Latency and generation speed', panels: latency },
    { title: 'Tokens and answers', panels: tokens },
    { title: 'Models, spend and error budgets', panels: modelsAndObjectives },
  ],
};
