/**
 * aimeter / Quality: what users and evaluators say about the answers (CSAT, thumbs, evaluation
 * scores, WER, MOS), how well retrieval finds relevant documents, what caches save, and what
 * the KPI events endpoint receives and refuses. Scores are means of the evaluation score
 * histogram (sum over count), so any 0-1 score or 1-5 rating charts the same way. docs/quality.md.
 */
import type { AimeterDashboardSpec } from '../aimeter-dashboard';
import { L, M, RULES } from '../names';
import type { PanelSpec } from '../panels';
import { eq, histogramBucket, increase, mean, RANGE, rate, ratioOrZero, re, sel, sumBy } from '../promql';
import { JOB_VARIABLE } from '../variables';
import { JOB, legend } from './filters';

const evaluation = (name: string) => [...JOB, eq(L.evaluationName, name)];
const CSAT = evaluation('csat');
const THUMBS = evaluation('thumbs');
const RETRIEVAL = [...JOB, re(L.evaluationName, 'precision_at_[0-9]+|recall_at_[0-9]+|reciprocal_rank')];
const hits = (by: readonly string[], window?: string) =>
  ratioOrZero(sumBy(by, rate(M.cacheLookups, [...JOB, eq(L.cacheResult, 'hit')], window)), sumBy(by, rate(M.cacheLookups, JOB, window)));

const glance: PanelSpec[] = [
  {
    kind: 'stat',
    title: 'CSAT (mean, time range)',
    description: 'Mean of the 1-5 CSAT ratings over the time range. Alerts: AimeterCsatDrop, AimeterEvaluationBelowObjective.',
    unit: 'none',
    decimals: 2,
    w: 6,
    queries: [{ expr: mean(M.evaluationScore, [], CSAT, RANGE) }],
    thresholds: [{ value: 4, color: 'green' }],
    baseColor: 'orange',
  },
  {
    kind: 'stat',
    title: 'Thumbs up rate (time range)',
    description: 'Share of thumbs feedback that is up.',
    unit: 'percentunit',
    w: 6,
    queries: [{ expr: ratioOrZero(sumBy([], increase(M.evaluations, [...THUMBS, eq(L.scoreLabel, 'up')])), sumBy([], increase(M.evaluations, THUMBS))) }],
  },
  {
    kind: 'stat',
    title: 'Application cache hit ratio (time range)',
    description: 'Hits over lookups of every application cache (recordCacheLookup).',
    unit: 'percentunit',
    w: 6,
    queries: [{ expr: hits([], RANGE) }],
  },
  {
    kind: 'stat',
    title: 'KPI events rejected (time range)',
    description: 'Events posted to /api/kpi/events that were refused. Alert: AimeterKpiEventsRejectedSurge.',
    unit: 'short',
    w: 6,
    queries: [{ expr: sumBy([], increase(M.kpiEvents, [...JOB, eq(L.eventResult, 'rejected')])) }],
    thresholds: [{ value: 1, color: 'orange' }],
  },
];

const feedback: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'CSAT mean by model and variant',
    description:
      'Mean CSAT per model and A/B variant of the rated call (empty when the rating was not linked to a call). The dashed line is the default objective of 4 (aimeter-objectives.yml).',
    unit: 'none',
    min: 1,
    max: 5,
    queries: [{ expr: mean(M.evaluationScore, [L.requestModel, L.variant], CSAT), legend: `${legend(L.requestModel)} ${legend(L.variant)}` }],
    thresholds: [{ value: 4, color: 'green' }],
    baseColor: 'orange',
    showThresholds: true,
  },
  {
    kind: 'bargauge',
    title: 'CSAT distribution (time range)',
    description: 'Ratings of each value: whole ratings are bucket boundaries, so each bar is exact.',
    unit: 'short',
    queries: [1, 2, 3, 4, 5].map((r) => ({
      expr: `${sumBy([], increase(histogramBucket(M.evaluationScore), [...CSAT, eq(L.le, String(r))]))} - (${sumBy([], increase(histogramBucket(M.evaluationScore), [...CSAT, eq(L.le, String(r - 0.5))]))} or vector(0))`,
      legend: `${r}`,
    })),
  },
  {
    kind: 'timeseries',
    title: 'Evaluation scores by name',
    description: 'Mean score of every evaluation (relevance, groundedness, LLM judges ...), 0-1 and 1-5 scales alike.',
    unit: 'none',
    queries: [{ expr: mean(M.evaluationScore, [L.evaluationName], [...JOB, re(L.evaluationName, '.+')]), legend: legend(L.evaluationName) }],
  },
  {
    kind: 'timeseries',
    title: 'Thumbs up rate by model',
    description: 'Share of thumbs that are up, per model of the rated call.',
    unit: 'percentunit',
    min: 0,
    max: 1,
    queries: [
      {
        expr: ratioOrZero(sumBy([L.requestModel], rate(M.evaluations, [...THUMBS, eq(L.scoreLabel, 'up')])), sumBy([L.requestModel], rate(M.evaluations, THUMBS))),
        legend: legend(L.requestModel),
      },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Speech: word error rate and MOS',
    description: 'Mean word error rate (lower is better) and mean opinion score (1-5) of speech evaluations.',
    unit: 'none',
    queries: [
      { expr: mean(M.evaluationScore, [L.requestModel], evaluation('wer')), legend: `WER ${legend(L.requestModel)}` },
      { expr: mean(M.evaluationScore, [L.requestModel], evaluation('mos')), legend: `MOS ${legend(L.requestModel)}` },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Retrieval quality: precision@k, recall@k, MRR',
    description: 'Means of the retrieval evaluations; the mean of reciprocal_rank is MRR. Alert: AimeterRetrievalPrecisionFalling.',
    unit: 'percentunit',
    min: 0,
    max: 1,
    queries: [{ expr: mean(M.evaluationScore, [L.evaluationName], RETRIEVAL), legend: legend(L.evaluationName) }],
  },
];

const caches: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Application cache hit ratio by cache',
    description: 'Hits over lookups per cache. Alert: AimeterCacheHitRatioCollapsing.',
    unit: 'percentunit',
    min: 0,
    max: 1,
    queries: [{ expr: hits([L.cacheName]), legend: legend(L.cacheName) }],
  },
  {
    kind: 'timeseries',
    title: 'Saved by application caches ($/hour)',
    description: 'Dollars per hour the cache hits saved, as the application reports them.',
    unit: 'currencyUSD',
    queries: [{ expr: `${sumBy([L.cacheName], rate(M.cacheLookupSavedCost, JOB))} * 3600`, legend: legend(L.cacheName) }],
  },
  {
    kind: 'timeseries',
    title: 'Provider prompt cache: hit ratio by model',
    description: 'Share of input tokens read from the provider prompt cache (a recording rule over the token counter).',
    unit: 'percentunit',
    min: 0,
    max: 1,
    queries: [{ expr: `max by (${L.provider}, ${L.requestModel}) (${sel(RULES.promptCacheHitRatio, JOB)})`, legend: `${legend(L.provider)} ${legend(L.requestModel)}` }],
  },
  {
    kind: 'timeseries',
    title: 'Provider prompt cache: net return ($/hour)',
    description: 'Savings of cache reads minus the premium paid for cache writes; below zero, caching costs more than it saves.',
    unit: 'currencyUSD',
    queries: [{ expr: `sum by (${L.provider}, ${L.requestModel}) (${sel(RULES.promptCacheNetReturn, JOB)})`, legend: `${legend(L.provider)} ${legend(L.requestModel)}` }],
  },
  {
    kind: 'timeseries',
    title: 'Prompt compression: tokens saved / s by technique',
    description: 'Prompt tokens before minus after compression, per second.',
    unit: 'short',
    queries: [
      {
        expr: `${sumBy([L.compressionTechnique], rate(M.promptCompressionTokens, [...JOB, eq(L.compressionStage, 'before')]))} - ${sumBy([L.compressionTechnique], rate(M.promptCompressionTokens, [...JOB, eq(L.compressionStage, 'after')]))}`,
        legend: legend(L.compressionTechnique),
      },
    ],
  },
];

const events: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'KPI events / s by type and result',
    description: 'What arrives at POST /api/kpi/events: accepted, rejected (type "unparsed": refused before the body was read) and duplicate.',
    unit: 'short',
    queries: [{ expr: sumBy([L.eventType, L.eventResult], rate(M.kpiEvents, JOB)), legend: `${legend(L.eventType)} ${legend(L.eventResult)}` }],
  },
  {
    kind: 'timeseries',
    title: 'Conversions / hour by name',
    description: 'Business conversions reported by the app or the KPI events endpoint.',
    unit: 'short',
    queries: [{ expr: `${sumBy([L.conversionName], rate(M.conversions, JOB))} * 3600`, legend: legend(L.conversionName) }],
  },
];

export const quality: AimeterDashboardSpec = {
  uid: 'aimeter-quality',
  title: 'aimeter / Quality',
  description: 'CSAT, thumbs, evaluation scores, WER and MOS, retrieval precision@k and MRR, cache hit ratios and savings, KPI events.',
  variables: [JOB_VARIABLE],
  rows: [
    { title: 'At a glance (time range)', panels: glance },
    { title: 'Feedback and evaluations', panels: feedback },
    { title: 'Caches', panels: caches },
    { title: 'KPI events and conversions', panels: events },
  ],
};
