/**
 * aimeter / Agents and tools. Calls per run are small integers: shown as exact means and exact
 * counts per bucket (the buckets are the integers), never as interpolated quantiles.
 */
import type { AimeterDashboardSpec } from '../aimeter-dashboard';
import { H, L, M, OPS } from '../names';
import type { PanelSpec } from '../panels';
import { callRate, eq, histogramBucket, increase, mean, ne, quantile, RANGE, rate, ratioOrZero, sumBy } from '../promql';
import { AGENT_VARIABLE, JOB_VARIABLE, matcher, TOOL_VARIABLE } from '../variables';
import { FAILED, JOB, legend } from './filters';

const AGENT = matcher(AGENT_VARIABLE);
const RUNS = [...JOB, eq(L.operation, OPS.agent), AGENT];
/** The per-run histograms carry only the agent and error labels. */
const PER_RUN = [...JOB, AGENT];
const TOOLS = [...JOB, eq(L.operation, OPS.tool), AGENT, matcher(TOOL_VARIABLE)];
const AGENT_LEGEND = legend(L.agent);
const TOOL_LEGEND = legend(L.tool);

const errorRatio = (by: readonly string[], calls: readonly string[], window?: string) =>
  ratioOrZero(callRate(by, [...calls, FAILED], window), callRate(by, calls, window));

/** Runs in the time range that made at most N calls, N the bucket bounds (integers: exact). */
const runsByCalls = (histogram: string) => sumBy([L.le], increase(histogramBucket(histogram), PER_RUN));

const glance: PanelSpec[] = [
  {
    kind: 'stat',
    title: 'Agent runs / s',
    description: 'invoke_agent operations per second, averaged over the time range.',
    unit: 'reqps',
    w: 6,
    queries: [{ expr: callRate([], RUNS, RANGE) }],
  },
  {
    kind: 'stat',
    title: 'Agent run error %',
    description: 'Share of agent runs in the time range that failed.',
    unit: 'percentunit',
    w: 6,
    queries: [{ expr: errorRatio([], RUNS, RANGE) }],
    thresholds: [{ value: 0.05, color: 'red' }],
  },
  {
    kind: 'stat',
    title: 'LLM calls per run (mean)',
    description: 'Model calls made during one agent run, on average over the time range.',
    unit: 'suffix: calls',
    decimals: 2,
    w: 6,
    queries: [{ expr: mean(M.agentModelCalls, [], PER_RUN, RANGE) }],
  },
  {
    kind: 'stat',
    title: 'Tool calls per run (mean)',
    description: 'Tool calls made during one agent run, on average over the time range.',
    unit: 'suffix: calls',
    decimals: 2,
    w: 6,
    queries: [{ expr: mean(M.agentToolCalls, [], PER_RUN, RANGE) }],
  },
];

const runs: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Agent runs / s by agent',
    description: 'invoke_agent operations per second.',
    unit: 'reqps',
    queries: [{ expr: callRate([L.agent], RUNS), legend: AGENT_LEGEND }],
  },
  {
    kind: 'timeseries',
    title: 'Agent run duration by agent: mean and p95',
    description: 'Wall time of an agent run, including its model and tool calls. The duration buckets reach minutes; exemplars link to the traces of slow runs.',
    unit: 's',
    queries: [
      { expr: mean(H.duration, [L.agent], RUNS), legend: `mean ${AGENT_LEGEND}` },
      { expr: quantile(0.95, H.duration, [L.agent], RUNS), legend: `p95 ${AGENT_LEGEND}`, exemplar: true },
    ],
  },
  {
    kind: 'timeseries',
    title: 'LLM and tool calls per run by agent (mean)',
    description: 'Model calls and tool calls made during one agent run, on average (exact: sum / count).',
    unit: 'suffix: calls',
    queries: [
      { expr: mean(M.agentModelCalls, [L.agent], PER_RUN), legend: `LLM calls ${AGENT_LEGEND}` },
      { expr: mean(M.agentToolCalls, [L.agent], PER_RUN), legend: `tool calls ${AGENT_LEGEND}` },
    ],
  },
  {
    kind: 'bargauge',
    title: 'Runs by tool calls made (time range)',
    description: 'Agent runs in the time range that made at most N tool calls, for each N (cumulative, exact: the buckets are whole numbers).',
    unit: 'short',
    decimals: 0,
    queries: [{ expr: runsByCalls(M.agentToolCalls), legend: `≤ {{${L.le}}} tool calls` }],
  },
];

const tools: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Tool calls / s by tool',
    description: 'execute_tool operations per second.',
    unit: 'reqps',
    stack: true,
    queries: [{ expr: callRate([L.tool], TOOLS), legend: TOOL_LEGEND }],
  },
  {
    kind: 'timeseries',
    title: 'Tool latency p50 / p95 by tool',
    description: 'Duration of tool calls. Exemplars link to the traces of slow calls.',
    unit: 's',
    queries: [0.5, 0.95].map((q) => ({ expr: quantile(q, H.duration, [L.tool], TOOLS), legend: `p${Math.round(q * 100)} ${TOOL_LEGEND}`, exemplar: true })),
  },
  {
    kind: 'timeseries',
    title: 'Tool error % by tool',
    description: 'Share of tool calls that failed. Alert: AimeterToolErrorRatioHigh (10%).',
    unit: 'percentunit',
    min: 0,
    queries: [{ expr: errorRatio([L.agent, L.tool], TOOLS), legend: `${AGENT_LEGEND} ${TOOL_LEGEND}` }],
    thresholds: [{ value: 0.1, color: 'red' }],
    showThresholds: true,
  },
  {
    kind: 'timeseries',
    title: 'Spend per agent run by agent',
    description: 'US dollars of model calls per agent run.',
    unit: 'currencyUSD',
    queries: [{ expr: `${sumBy([L.agent], rate(M.cost, [...JOB, AGENT, ne(L.agent, '')]))} / ${callRate([L.agent], RUNS)}`, legend: AGENT_LEGEND }],
  },
];

export const agents: AimeterDashboardSpec = {
  uid: 'aimeter-agents',
  title: 'aimeter / Agents and tools',
  description: 'Agent runs, LLM and tool calls per run, run duration, tool latency and errors, spend per run.',
  variables: [JOB_VARIABLE, AGENT_VARIABLE, TOOL_VARIABLE],
  rows: [
    { title: 'At a glance (time range)', panels: glance },
    { title: 'Agent runs', panels: runs },
    { title: 'Tools', panels: tools },
  ],
};
