/**
 * aimeter / Conversations and outcomes: was it worth it? Outcomes over time, resolution and
 * first-contact rates, handle time, turns, spend per conversation and per resolved
 * conversation, agent success and cost per successful run, requests, by agent and variant.
 *
 * The rates and the spend per resolved conversation are ratios of counters, exact when
 * Prometheus sums replicas that each served part of a conversation; the handle time, turns and
 * cost per conversation are histograms of what the ending process saw (docs/outcomes.md).
 */
import type { AimeterDashboardSpec } from '../aimeter-dashboard';
import { L, M } from '../names';
import type { PanelSpec } from '../panels';
import { eq, increase, mean, ne, quantile, RANGE, rate, ratioOrZero, sumBy } from '../promql';
import { AGENT_VARIABLE, genAiVariable, JOB_VARIABLE, matcher } from '../variables';
import { JOB, legend } from './filters';

const VARIANT = L.variant;
const OUTCOME = L.outcome;

export const VARIANT_VARIABLE = genAiVariable(
  'variant',
  'Variant',
  'The configuration under comparison (aimeter_variant: withVariant, aimeter.variant or AIMETER_VARIANT); "All" includes calls with none.',
  VARIANT,
  `${M.conversations}{${matcher(JOB_VARIABLE)}}`,
);

const V = [...JOB, matcher(VARIANT_VARIABLE)];
const RUNS = [...V, matcher(AGENT_VARIABLE)];
const RESOLVED = eq(OUTCOME, 'resolved');
const OUTCOME_LEGEND = legend(OUTCOME);
const VARIANT_LEGEND = legend(VARIANT);
const AGENT_LEGEND = legend(L.agent);

const ended = (by: readonly string[], matchers: readonly string[], window?: string) =>
  sumBy(by, window === RANGE ? increase(M.conversations, matchers) : rate(M.conversations, matchers, window));
const resolutionRate = (by: readonly string[], window?: string) => ratioOrZero(ended(by, [...V, RESOLVED], window), ended(by, V, window));
const firstContactRate = (by: readonly string[], window?: string) =>
  ratioOrZero(ended(by, [...V, RESOLVED, eq(L.firstContact, 'true')], window), ended(by, [...V, RESOLVED], window));
const spendPerResolved = (by: readonly string[], window?: string) =>
  `${sumBy(by, window === RANGE ? increase(M.conversationCostTotal, V) : rate(M.conversationCostTotal, V, window))} / ${ended(by, [...V, RESOLVED], window)}`;
const runs = (by: readonly string[], matchers: readonly string[], window?: string) =>
  sumBy(by, window === RANGE ? increase(M.agentRuns, matchers) : rate(M.agentRuns, matchers, window));
const WITH_OUTCOME = ne(OUTCOME, '');
const successRate = (by: readonly string[], window?: string) =>
  ratioOrZero(runs(by, [...RUNS, eq(OUTCOME, 'success')], window), runs(by, [...RUNS, WITH_OUTCOME], window));

const glance: PanelSpec[] = [
  {
    kind: 'stat',
    title: 'Conversations ended in time range',
    description: 'Conversations ended (endConversation, or idle) over the dashboard time range, all outcomes.',
    unit: 'short',
    decimals: 0,
    queries: [{ expr: ended([], V, RANGE) }],
  },
  {
    kind: 'stat',
    title: 'Resolution rate',
    description: 'Share of the conversations ended in the time range whose outcome is resolved. Alert: AimeterResolutionRateLow.',
    unit: 'percentunit',
    queries: [{ expr: resolutionRate([], RANGE) }],
    thresholds: [{ value: 0.7, color: 'green' }],
    baseColor: 'red',
  },
  {
    kind: 'stat',
    title: 'First-contact resolution rate',
    description: 'Share of the resolved conversations that were resolved at the first contact (endConversation firstContact: true).',
    unit: 'percentunit',
    queries: [{ expr: firstContactRate([], RANGE) }],
  },
  {
    kind: 'stat',
    title: 'Spend per resolved conversation',
    description:
      'Dollars of every conversation in the time range divided by the resolved ones: what a resolution costs, the spend of the unresolved included. Exact across replicas. Alert: AimeterCostPerResolvedConversationHigh.',
    unit: 'currencyUSD',
    decimals: 4,
    queries: [{ expr: spendPerResolved([], RANGE) }],
  },
  {
    kind: 'stat',
    title: 'Mean handle time',
    description: 'Mean duration of the conversations ended in the time range (first activity to end), exact: sum / count.',
    unit: 's',
    queries: [{ expr: mean(M.conversationDuration, [], V, RANGE) }],
  },
  {
    kind: 'stat',
    title: 'Agent success rate',
    description: 'Share of the agent runs with an outcome (setOutcome) whose outcome is success, over the time range.',
    unit: 'percentunit',
    queries: [{ expr: successRate([], RANGE) }],
  },
];

const conversations: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Conversations ended / min by outcome',
    description: 'Conversations ended per minute, by outcome (resolved, escalated, abandoned, unresolved, idle, yours).',
    unit: 'suffix: /min',
    stack: true,
    queries: [{ expr: `${ended([OUTCOME], V)} * 60`, legend: OUTCOME_LEGEND }],
  },
  {
    kind: 'timeseries',
    title: 'Resolution and first-contact resolution rate',
    description: 'Resolved / ended, and resolved at first contact / resolved, over the rate window.',
    unit: 'percentunit',
    min: 0,
    max: 1,
    queries: [
      { expr: resolutionRate([]), legend: 'resolution rate' },
      { expr: firstContactRate([]), legend: 'first-contact resolution rate' },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Handle time p50 / p95',
    description: 'Duration of ended conversations, interpolated in buckets from 10 s to 8 h: a per-process figure (the ending process, with startedAt when another replica began it).',
    unit: 's',
    queries: [0.5, 0.95].map((q) => ({ expr: quantile(q, M.conversationDuration, [], V), legend: `p${Math.round(q * 100)}` })),
  },
  {
    kind: 'timeseries',
    title: 'Turns per conversation by outcome (mean)',
    description: 'Turns of an ended conversation (traced turns, else requests), exact mean: sum / count.',
    unit: 'suffix: turns',
    queries: [{ expr: mean(M.conversationTurns, [OUTCOME], V), legend: OUTCOME_LEGEND }],
  },
  {
    kind: 'timeseries',
    title: 'Cost per conversation by outcome (mean)',
    description: 'Dollars of one ended conversation as far as its ending process served it, exact mean: sum / count.',
    unit: 'currencyUSD',
    queries: [{ expr: mean(M.conversationCost, [OUTCOME], V), legend: OUTCOME_LEGEND }],
  },
  {
    kind: 'timeseries',
    title: 'Spend per resolved conversation',
    description: 'All conversation spend divided by resolved conversations, over the rate window: exact across replicas.',
    unit: 'currencyUSD',
    queries: [{ expr: spendPerResolved([]), legend: 'spend per resolved conversation' }],
  },
];

const variants: PanelSpec[] = [
  {
    kind: 'table',
    title: 'Variants compared (time range)',
    description: 'Per variant over the time range: resolution rate, spend per resolved conversation and mean cost of a model call request.',
    unit: 'short',
    queries: [
      { expr: resolutionRate([VARIANT], RANGE), legend: 'resolution rate' },
      { expr: spendPerResolved([VARIANT], RANGE), legend: 'spend per resolved conversation' },
      { expr: mean(M.requestCost, [VARIANT], V, RANGE), legend: 'mean cost per request' },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Resolution rate by variant',
    description: 'Resolved / ended conversations per variant.',
    unit: 'percentunit',
    min: 0,
    max: 1,
    queries: [{ expr: resolutionRate([VARIANT]), legend: VARIANT_LEGEND }],
  },
];

const agents: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Agent success rate by agent',
    description: 'Share of agent runs with an outcome whose outcome is success.',
    unit: 'percentunit',
    min: 0,
    max: 1,
    queries: [{ expr: successRate([L.agent]), legend: AGENT_LEGEND }],
  },
  {
    kind: 'timeseries',
    title: 'Cost per successful run by agent',
    description: 'Dollars of successful runs (their model calls, nested agents included) per successful run.',
    unit: 'currencyUSD',
    queries: [
      {
        expr: `${sumBy([L.agent], rate(M.agentRunCost, [...RUNS, eq(OUTCOME, 'success')]))} / ${runs([L.agent], [...RUNS, eq(OUTCOME, 'success')])}`,
        legend: AGENT_LEGEND,
      },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Agent runs / s by agent and outcome',
    description: 'Agent runs per second by outcome (empty: no outcome was set).',
    unit: 'reqps',
    stack: true,
    queries: [{ expr: runs([L.agent, OUTCOME], RUNS), legend: `${AGENT_LEGEND} ${OUTCOME_LEGEND}` }],
  },
  {
    kind: 'timeseries',
    title: 'Cost and model calls per request by route (mean)',
    description: 'Per request (a trace root with a GenAI call): mean dollars and mean model calls, by http_route (or the root agent).',
    unit: 'short',
    queries: [
      { expr: mean(M.requestCost, [L.route], V), legend: `$ ${legend(L.route)}` },
      { expr: mean(M.requestModelCalls, [L.route], V), legend: `calls ${legend(L.route)}` },
    ],
  },
];

export const outcomes: AimeterDashboardSpec = {
  uid: 'aimeter-outcomes',
  title: 'aimeter / Conversations and outcomes',
  description: 'Outcomes, resolution and first-contact rates, handle time, turns, spend per conversation and per resolution, agent success, requests, by variant.',
  variables: [JOB_VARIABLE, VARIANT_VARIABLE, AGENT_VARIABLE],
  rows: [
    { title: 'At a glance (time range)', panels: glance },
    { title: 'Conversations', panels: conversations },
    { title: 'Variants', panels: variants },
    { title: 'Agents and requests', panels: agents },
  ],
};
