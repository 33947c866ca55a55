/** aimeter / Cost: spend this month against the budget, top spenders, by model / agent / tool, prompt-cache return, unpriced models. */
import { COST_BUCKETS } from '../../../src/metrics/catalog';
import { formatNumber } from '../../../src/metrics/series-store';
import type { AimeterDashboardSpec } from '../aimeter-dashboard';
import { L, M, RULES } from '../names';
import type { PanelSpec } from '../panels';
import { eq, increase, mean, nameEmpty, ne, perHour, RANGE, rate, sel, shareAbove, sumBy } from '../promql';
import { AGENT_VARIABLE, JOB_VARIABLE, MODEL_VARIABLE, PROVIDER_VARIABLE } from '../variables';
import { CALLS, JOB, legend, PM, PM_LEGEND } from './filters';

/** "Expensive call": above this many dollars (a bucket boundary of aimeter.operation.cost.usd, so exact). */
export const EXPENSIVE_CALL_USD = COST_BUCKETS.find((b) => b >= 0.01) as number;

/** This month so far: the panel's own time range. */
const MONTH_SO_FAR = 'now/M';

/**
 * The monthly budget of the chosen jobs (per-job budget rules), or the one global budget when the
 * rule carries no job label.
 */
const BUDGET = `(sum(${sel(RULES.budgetPerMonth, JOB)}) or sum(${sel(RULES.budgetPerMonth, [eq(L.job, '')])}))`;
/** Share of the calendar month elapsed. */
const MONTH_ELAPSED = 'scalar((day_of_month() - 1 + (time() % 86400) / 86400) / days_in_month())';
/** Spend of the chosen jobs in the panel's time range: the budget is per job, so no other variable applies. */
const JOB_SPEND = sumBy([], increase(M.cost, JOB));

const spent = (by: readonly string[]) => sumBy(by, increase(M.cost, CALLS));
/** Savings from cache reads minus what cache writes cost above the plain input rate. */
function cacheNetReturn(by: readonly string[], window?: string): string {
  const savings = sumBy(by, window === RANGE ? increase(M.cacheSavings, CALLS) : rate(M.cacheSavings, CALLS));
  const premium = sumBy(by, window === RANGE ? increase(M.cacheWritePremium, CALLS) : rate(M.cacheWritePremium, CALLS));
  return `${savings} - (${premium} or ${savings} * 0)`;
}

const glance: PanelSpec[] = [
  {
    kind: 'stat',
    title: 'Spend in time range',
    description: 'US dollars spent on priced model calls over the dashboard time range.',
    unit: 'currencyUSD',
    queries: [{ expr: spent([]) }],
  },
  {
    kind: 'stat',
    title: 'Spend this month',
    description: 'US dollars spent since the first of the month (the panel has its own time range: this month so far).',
    unit: 'currencyUSD',
    timeFrom: MONTH_SO_FAR,
    queries: [{ expr: spent([]) }],
  },
  {
    kind: 'stat',
    title: 'Budget used this month',
    description: 'Month-to-date spend of the chosen jobs as a share of the monthly budget (prometheus/rules/aimeter-objectives.yml).',
    unit: 'percentunit',
    timeFrom: MONTH_SO_FAR,
    queries: [{ expr: `${JOB_SPEND} / ${BUDGET}` }],
    thresholds: [
      { value: 0.8, color: 'orange' },
      { value: 1, color: 'red' },
    ],
  },
  {
    kind: 'stat',
    title: 'Projected monthly spend',
    description: 'The average spend rate over the dashboard time range, times a 30-day month.',
    unit: 'currencyUSD',
    queries: [{ expr: `${sumBy([], rate(M.cost, CALLS, RANGE))} * 86400 * 30` }],
  },
  {
    kind: 'stat',
    title: 'Prompt-cache net return in time range',
    description: 'US dollars saved by prompt-cache reads minus what cache writes cost above the plain input price, over the time range.',
    unit: 'currencyUSD',
    queries: [{ expr: cacheNetReturn([], RANGE) }],
  },
  {
    kind: 'stat',
    title: 'Calls to models with no price in time range',
    description: 'Model calls in the time range whose model has no price (their cost is unknown, not zero). Alert: AimeterUnpricedModel.',
    unit: 'short',
    decimals: 0,
    queries: [{ expr: `${sumBy([], increase(M.unpricedOperations, CALLS))} or vector(0)` }],
    thresholds: [{ value: 1, color: 'orange' }],
  },
];

const budget: PanelSpec[] = [
  {
    kind: 'bargauge',
    title: 'This month: spend against budget',
    description:
      'Month-to-date spend of the chosen jobs, the budget prorated to today (where spend should be at a steady pace) and the whole monthly budget (prometheus/rules/aimeter-objectives.yml). Alerts: the spend alerts.',
    unit: 'currencyUSD',
    timeFrom: MONTH_SO_FAR,
    queries: [
      { expr: JOB_SPEND, legend: 'spent this month' },
      { expr: `${BUDGET} * ${MONTH_ELAPSED}`, legend: 'budget to date' },
      { expr: BUDGET, legend: 'monthly budget' },
    ],
  },
  {
    kind: 'table',
    title: 'Top spenders in time range',
    description: 'The ten agent, tool and model combinations that spent the most over the time range.',
    unit: 'currencyUSD',
    queries: [
      {
        expr: `topk(10, ${nameEmpty(nameEmpty(spent([L.agent, L.tool, L.provider, L.requestModel]), L.agent, '(no agent)'), L.tool, '(no tool)')})`,
      },
    ],
  },
];

const breakdown: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Spend / hour by model',
    description: 'US dollars per hour by provider and model.',
    unit: 'currencyUSD',
    stack: true,
    queries: [{ expr: perHour(sumBy(PM, rate(M.cost, CALLS))), legend: PM_LEGEND }],
  },
  {
    kind: 'timeseries',
    title: 'Spend / hour by agent',
    description: 'US dollars per hour by the nearest enclosing agent.',
    unit: 'currencyUSD',
    stack: true,
    queries: [{ expr: perHour(nameEmpty(sumBy([L.agent], rate(M.cost, CALLS)), L.agent, '(no agent)')), legend: legend(L.agent) }],
  },
  {
    kind: 'timeseries',
    title: 'Spend / hour by tool',
    description: 'US dollars per hour of model calls made inside a tool call (a tool that itself calls a model).',
    unit: 'currencyUSD',
    stack: true,
    queries: [{ expr: perHour(sumBy([L.tool], rate(M.cost, [...CALLS, ne(L.tool, '')]))), legend: legend(L.tool) }],
  },
  {
    kind: 'timeseries',
    title: 'Cost per call by model (mean)',
    description: 'US dollars per priced model call: the exact mean (a quantile inside the cost buckets would be far off for cheap calls).',
    unit: 'currencyUSD',
    queries: [{ expr: mean(M.operationCost, PM, CALLS), legend: PM_LEGEND }],
  },
  {
    kind: 'timeseries',
    title: `Share of calls costing over $${EXPENSIVE_CALL_USD} by model`,
    description: `Priced model calls that cost more than $${EXPENSIVE_CALL_USD} each (a bucket boundary, so exact). Exemplars link to the traces of such calls.`,
    unit: 'percentunit',
    min: 0,
    queries: [{ expr: shareAbove(M.operationCost, formatNumber(EXPENSIVE_CALL_USD), PM, CALLS), legend: PM_LEGEND, exemplar: true }],
  },
  {
    kind: 'table',
    title: 'Models with no price',
    description: 'Provider and model of calls in the time range that had no price, with their number. Add them to the price list (docs/prices.md).',
    unit: 'short',
    queries: [{ expr: sumBy([L.job, ...PM], increase(M.unpricedOperations, CALLS)) }],
  },
];

const cache: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Prompt-cache return / hour by model',
    description:
      'US dollars per hour: saved by cache reads (against the full input price), paid for cache writes above the input price, and the net return (savings minus extra write cost).',
    unit: 'currencyUSD',
    queries: [
      { expr: perHour(cacheNetReturn(PM)), legend: `net ${PM_LEGEND}` },
      { expr: perHour(sumBy(PM, rate(M.cacheSavings, CALLS))), legend: `read savings ${PM_LEGEND}` },
      { expr: perHour(`(${sumBy(PM, rate(M.cacheWritePremium, CALLS))} or ${sumBy(PM, rate(M.cacheSavings, CALLS))} * 0)`), legend: `write premium ${PM_LEGEND}` },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Cache-read share of input tokens by model',
    description: 'Input tokens read from the prompt cache, as a share of all input tokens.',
    unit: 'percentunit',
    min: 0,
    max: 1,
    queries: [
      {
        expr: `(${sumBy(PM, rate(M.tokens, [...CALLS, eq(L.tokenType, 'cache_read')]))} or ${sumBy(PM, rate(M.tokens, [...CALLS, eq(L.tokenType, 'input')]))} * 0) / ${sumBy(PM, rate(M.tokens, [...CALLS, eq(L.tokenType, 'input')]))}`,
        legend: PM_LEGEND,
      },
    ],
  },
];

export const cost: AimeterDashboardSpec = {
  uid: 'aimeter-cost',
  title: 'aimeter / Cost',
  description: 'Spend this month against the budget, top spenders, spend by model, agent and tool, prompt-cache return, models with no price.',
  variables: [JOB_VARIABLE, PROVIDER_VARIABLE, MODEL_VARIABLE, AGENT_VARIABLE],
  rows: [
    { title: 'At a glance', panels: glance },
    { title: 'Budget and top spenders', panels: budget },
    { title: 'Where the money goes', panels: breakdown },
    { title: 'Prompt cache', panels: cache },
  ],
};
