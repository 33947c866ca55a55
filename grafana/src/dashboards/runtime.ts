/** aimeter / Runtime: the instrumented Node.js process, and aimeter's own health. */
import type { AimeterDashboardSpec } from '../aimeter-dashboard';
import { L, M, P } from '../names';
import type { PanelSpec } from '../panels';
import { histogramSum, rate, sel, sumBy } from '../promql';
import { INSTANCE_VARIABLE, JOB_VARIABLE, matcher } from '../variables';

/** The processes behind the chosen aimeter instances (only jobs that serve aimeter's build info). */
const RUNTIME = [matcher(JOB_VARIABLE), matcher(INSTANCE_VARIABLE)];
const BY_INSTANCE = `{{${L.instance}}}`;

/** 0 rather than "no data" for self-metrics that only appear once something happened. */
const orNone = (expr: string, label: string) => `${expr} or label_replace(vector(0), "${label}", "none", "", "")`;

const process_: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'CPU',
    description: 'Process CPU time per second (1 = one core busy).',
    unit: 'percentunit',
    queries: [{ expr: sumBy([L.instance], rate(P.cpuSeconds, RUNTIME)), legend: BY_INSTANCE }],
  },
  {
    kind: 'timeseries',
    title: 'Memory',
    description: 'Resident set size, V8 heap used and heap total.',
    unit: 'bytes',
    queries: [
      { expr: sel(P.residentMemory, RUNTIME), legend: `resident ${BY_INSTANCE}` },
      { expr: sel(P.heapUsed, RUNTIME), legend: `heap used ${BY_INSTANCE}` },
      { expr: sel(P.heapTotal, RUNTIME), legend: `heap total ${BY_INSTANCE}` },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Event loop lag',
    description: 'Event loop delay: p99 and mean over the sampling window.',
    unit: 's',
    queries: [
      { expr: sel(P.eventLoopLagP99, RUNTIME), legend: `p99 ${BY_INSTANCE}` },
      { expr: sel(P.eventLoopLagMean, RUNTIME), legend: `mean ${BY_INSTANCE}` },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Time in garbage collection',
    description: 'Share of wall time spent in GC, by GC kind.',
    unit: 'percentunit',
    stack: true,
    queries: [{ expr: sumBy([L.instance, L.gcKind], rate(histogramSum(P.gcDuration), RUNTIME)), legend: `{{${L.gcKind}}} ${BY_INSTANCE}` }],
  },
  {
    kind: 'timeseries',
    title: 'Active handles and requests',
    description: 'libuv handles (sockets, timers, ...) and requests held open.',
    unit: 'short',
    queries: [
      { expr: sel(P.activeHandles, RUNTIME), legend: `handles ${BY_INSTANCE}` },
      { expr: sel(P.activeRequests, RUNTIME), legend: `requests ${BY_INSTANCE}` },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Open file descriptors',
    description: 'Open file descriptors against the process limit.',
    unit: 'short',
    queries: [
      { expr: sel(P.openFds, RUNTIME), legend: `open ${BY_INSTANCE}` },
      { expr: sel(P.maxFds, RUNTIME), legend: `max ${BY_INSTANCE}` },
    ],
  },
];

const self: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'aimeter series in use (share of the cap)',
    description:
      'Series held per metric divided by AIMETER_MAX_SERIES_PER_METRIC; at 100% new label sets fold into otel_metric_overflow="true". Alerts: AimeterSeriesNearCap, AimeterSeriesCapReached.',
    unit: 'percentunit',
    min: 0,
    queries: [
      {
        expr: `max by (${L.metric}) (${sel(M.activeSeries, RUNTIME)} / on (${L.job}, ${L.instance}) group_left () ${sel(M.seriesLimit, RUNTIME)})`,
        legend: `{{${L.metric}}}`,
      },
    ],
    thresholds: [
      { value: 0.8, color: 'orange' },
      { value: 1, color: 'red' },
    ],
    showThresholds: true,
  },
  {
    kind: 'timeseries',
    title: 'aimeter overflow and internal errors',
    description:
      'Records folded into the overflow series, and exceptions aimeter swallowed, per second (0 when there were none: these series only appear once something happened).',
    unit: 'reqps',
    queries: [
      { expr: orNone(sumBy([L.metric], rate(M.seriesOverflow, RUNTIME)), L.metric), legend: `overflow {{${L.metric}}}` },
      { expr: orNone(sumBy([L.component], rate(M.internalErrors, RUNTIME)), L.component), legend: `internal errors {{${L.component}}}` },
    ],
  },
  {
    kind: 'table',
    title: 'aimeter instances',
    description: 'Each scraped instance with its aimeter version and series cap (the value).',
    unit: 'none',
    w: 24,
    h: 6,
    queries: [
      {
        expr: `max by (${L.job}, ${L.instance}, ${L.version}) (${sel(M.buildInfo, RUNTIME)}) * on (${L.job}, ${L.instance}) group_left () max by (${L.job}, ${L.instance}) (${sel(M.seriesLimit, RUNTIME)})`,
      },
    ],
  },
];

export const runtime: AimeterDashboardSpec = {
  uid: 'aimeter-runtime',
  title: 'aimeter / Runtime',
  description: 'Node.js process metrics of the instrumented application, and aimeter self-metrics.',
  variables: [JOB_VARIABLE, INSTANCE_VARIABLE],
  rows: [
    { title: 'Node.js process', panels: process_ },
    { title: 'aimeter itself', panels: self },
  ],
};
