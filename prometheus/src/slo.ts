/**
 * The SLO rules (prometheus/rules/aimeter-slo.yml), generated so that the seven windows and the
 * three SLIs are each written once: Prometheus rule files have no loops, and 56 hand-copied
 * rules would drift. The objectives themselves are constants in aimeter-objectives.yml.
 *
 * For every window and SLI (label aimeter_sli), per job, operation, provider and model:
 *   ..._valid_events:rate<w>   events the SLI judges (calls/s)
 *   ..._good_events:rate<w>    latency SLIs: successful calls under the objective's boundary
 *   ..._bad_events:rate<w>     events that spend error budget
 *   ..._burn_rate:ratio_rate<w> bad/valid divided by the error budget (1 = spending exactly the
 *                              budget over the SLO period; the SRE workbook's burn rate)
 * and, per job and operation, the share of the error budget left over the SLO period. Each window's
 * group starts with the conventions layer over that window (calls, successful calls per duration
 * bucket, streamed calls per time-to-first-chunk bucket, in either naming of the GenAI
 * conventions); the 5-minute layer is in aimeter-recording.yml (`recordingLayer()`).
 */
import { stringify } from 'yaml';
import { METRICS } from '../../src/metrics/catalog';
import { EDITIONS, FIRST_CHUNK_OR_AUDIO } from '../../src/metrics/editions';
import { prometheusName } from '../../src/metrics/prometheus-names';

/** The windows of the SRE workbook's multi-window multi-burn-rate alerts. */
export const SLO_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
export type SloWindow = (typeof SLO_WINDOWS)[number];
/** The SLO period of the error-budget-remaining rules (the burn-rate factors assume ~30 days). */
export const SLO_PERIOD = '28d';

export const OBJECTIVE = 'operation_sli:aimeter_slo_objective:ratio';
export const EXCLUDED_ERRORS = 'error_type:aimeter_slo_excluded:constant';
const LEVEL = 'job_operation_provider_model_sli';
const BY = 'job, gen_ai_operation_name, gen_ai_provider_name, gen_ai_request_model';
const DURATION = prometheusName(METRICS.operationDuration);
const TIME_TO_FIRST_CHUNK = prometheusName(METRICS.timeToFirstChunk);

// ---------------------------------------------------------------------------------------------
// The conventions layer: calls, durations and times to first chunk in either naming of the GenAI
// conventions (docs/conventions.md). Every rule that reads calls reads these records, never the
// raw families: per series, the first family of the list that has it (`or`: under /dup both
// exist with the same labels, and a call is never added twice). Record names keep the v1.41
// family names, which the rules have always published.

const families = (keys: readonly (keyof typeof METRICS)[]): string[] => keys.map((k) => prometheusName(METRICS[k]));
/** Every duration family (v1.41 first); all share DURATION_BUCKETS. */
export const DURATION_FAMILIES = families(EDITIONS.callDuration);
/** Time to first chunk, text-to-speech's first audio byte included (editions.ts FIRST_CHUNK_OR_AUDIO). */
export const FIRST_CHUNK_FAMILIES = families(FIRST_CHUNK_OR_AUDIO);

/** Labels the 5-minute layer keeps (the agent and tool rules need them); the SLO windows keep BY. */
export const CALL_LEVEL_5M = 'job_operation_provider_model_agent_tool';
const BY_5M = `${BY}, gen_ai_agent_name, gen_ai_tool_name`;

/**
 * `rate()` of one kind of series of several families, per series from one family; buckets are
 * picked per histogram (`ignoring (le)`), so two bucket layouts never mix. The first family while
 * its series is live (scraped now: `and` the instant selector), else the others, else the first's
 * stale remainder. So /dup counts a call once; moving through /dup from one naming to the other is
 * seamless (after /dup -> newest only, the v1.41 series goes stale and the newest one, which /dup
 * already recorded, takes over at once, not after a window); and the calls of an instance that
 * died are still counted while they are in the window.
 */
export function eitherRate(familyNames: readonly string[], suffix: '_count' | '_bucket', selector: string, w: string): string {
  const or = suffix === '_bucket' ? 'or ignoring (le)' : 'or';
  const r = (f: string) => `rate(${f}${suffix}${selector}[${w}])`;
  const [first, ...rest] = familyNames as [string, ...string[]];
  const terms = rest.length === 0 ? [r(first)] : [`(${r(first)} and ${first}${suffix}${selector})`, ...rest.map(r), r(first)];
  return terms.join(`\n  ${or}\n    `);
}

/** Calls per second in either naming, by `by` and error_type. */
export function callsExpr(by: string, w: string): string {
  return `sum by (${by}, error_type) (\n    ${eitherRate(DURATION_FAMILIES, '_count', '', w)}\n)`;
}
/** Successful calls per second per duration bucket in either naming, by `by` and le. */
export function successBucketsExpr(by: string, w: string): string {
  return `sum by (${by}, le) (\n    ${eitherRate(DURATION_FAMILIES, '_bucket', '{error_type=""}', w)}\n)`;
}
/** Streamed calls per second per time-to-first-chunk bucket in either naming, by job, operation, provider, model and le. */
export function firstChunkBucketsExpr(w: string): string {
  return `sum by (${BY}, le) (\n    ${eitherRate(FIRST_CHUNK_FAMILIES, '_bucket', '', w)}\n)`;
}

/** The layer's records over window w: calls by error type, successful calls by bucket, first chunks by bucket. */
export const callsRecord = (w: SloWindow): string => `job_operation_provider_model_error:${DURATION}_count:rate${w}`;
export const successBucketsRecord = (w: SloWindow): string => `job_operation_provider_model_le:${DURATION}_bucket:rate${w}`;
export const firstChunkBucketsRecord = (w: SloWindow): string => `job_operation_provider_model_le:${TIME_TO_FIRST_CHUNK}_bucket:rate${w}`;
/** The 5-minute layer with the agent and tool labels, in aimeter-recording.yml. */
export const CALLS_5M = `${CALL_LEVEL_5M}_error:${DURATION}_count:rate5m`;
export const SUCCESS_BUCKETS_5M = `${CALL_LEVEL_5M}_le:${DURATION}_bucket:rate5m`;

/**
 * The conventions layer's rules as aimeter-recording.yml must hold them (the SLO windows of 5m
 * read them there; a test checks the file against this).
 */
export function recordingLayer(): Rule[] {
  return [
    { record: CALLS_5M, expr: callsExpr(BY_5M, '5m') },
    { record: SUCCESS_BUCKETS_5M, expr: successBucketsExpr(BY_5M, '5m') },
    { record: callsRecord('5m'), expr: `sum by (${BY}, error_type) (${CALLS_5M})` },
    { record: successBucketsRecord('5m'), expr: `sum by (${BY}, le) (${SUCCESS_BUCKETS_5M})` },
    { record: firstChunkBucketsRecord('5m'), expr: firstChunkBucketsExpr('5m') },
  ];
}

/** The layer over a longer window, at the head of that window's SLO group. */
function layerRules(w: SloWindow): Rule[] {
  if (w === '5m') return [];
  return [
    { record: callsRecord(w), expr: callsExpr(BY, w) },
    { record: successBucketsRecord(w), expr: successBucketsExpr(BY, w) },
    { record: firstChunkBucketsRecord(w), expr: firstChunkBucketsExpr(w) },
  ];
}

export const sloRecord = (metric: 'valid_events' | 'good_events' | 'bad_events', w: SloWindow): string =>
  `${LEVEL}:aimeter_slo_${metric}:rate${w}`;
export const burnRate = (w: SloWindow): string => `${LEVEL}:aimeter_slo_burn_rate:ratio_rate${w}`;
export const AVAILABILITY_BUDGET_REMAINING = 'operation:aimeter_availability_error_budget_remaining:ratio';
export const LATENCY_BUDGET_REMAINING = 'operation:aimeter_latency_error_budget_remaining:ratio';

interface Rule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

const objectiveOf = (sli: string): string => `${OBJECTIVE}{aimeter_sli="${sli}"}`;
const onlyWithObjective = (sli: string): string => `and on (gen_ai_operation_name) ${objectiveOf(sli)}`;

/**
 * Successful calls at or under the objective's boundary. Prometheus 3 writes classic-histogram
 * bounds as floats ("10.0"), 2.x as exposed ("10"): the trailing ".0" is dropped before matching.
 */
function goodLatency(buckets: string, sli: string): string {
  return `sum by (${BY}) (
    label_replace(${buckets}, "le", "$1", "le", "(.+)\\\\.0")
  and on (gen_ai_operation_name, le)
    ${objectiveOf(sli)}
)`;
}

function windowRules(w: SloWindow): Rule[] {
  const valid = sloRecord('valid_events', w);
  const good = sloRecord('good_events', w);
  const latency = '{aimeter_sli!="availability"}';
  const calls = callsRecord(w);
  return [
    ...layerRules(w),
    {
      record: valid,
      expr: `sum by (${BY}) (
  ${calls} unless on (error_type) ${EXCLUDED_ERRORS}
)
${onlyWithObjective('availability')}`,
      labels: { aimeter_sli: 'availability' },
    },
    {
      record: sloRecord('bad_events', w),
      // 0, not absent, when nothing failed (no failure series exists yet).
      expr: `(
    sum by (${BY}) (
      ${calls}{error_type!=""} unless on (error_type) ${EXCLUDED_ERRORS}
    )
  ${onlyWithObjective('availability')}
)
or on (${BY})
  ${valid}{aimeter_sli="availability"} * 0`,
      labels: { aimeter_sli: 'availability' },
    },
    {
      record: valid,
      // The +Inf bucket, not _count: the same series as the good events (Prometheus 3 keeps "+Inf").
      expr: `sum by (${BY}) (${successBucketsRecord(w)}{le="+Inf"})
${onlyWithObjective('duration')}`,
      labels: { aimeter_sli: 'duration' },
    },
    { record: good, expr: goodLatency(successBucketsRecord(w), 'duration'), labels: { aimeter_sli: 'duration' } },
    {
      record: valid,
      expr: `sum by (${BY}) (${firstChunkBucketsRecord(w)}{le="+Inf"})
${onlyWithObjective('time_to_first_chunk')}`,
      labels: { aimeter_sli: 'time_to_first_chunk' },
    },
    {
      record: good,
      expr: goodLatency(firstChunkBucketsRecord(w), 'time_to_first_chunk'),
      labels: { aimeter_sli: 'time_to_first_chunk' },
    },
    {
      record: sloRecord('bad_events', w),
      expr: `${valid}${latency} - (${good} or ${valid}${latency} * 0)`,
    },
    {
      record: burnRate(w),
      expr: `(${sloRecord('bad_events', w)} / ${valid})
  / on (gen_ai_operation_name, aimeter_sli) group_left ()
(1 - ${OBJECTIVE})`,
    },
  ];
}

/**
 * Share of the error budget left over the SLO period: 1 - spent, floored at 0. Bad over valid
 * events as the sums of their 5-minute rates over the period (every event weighs the same in
 * both sums), so that it has a value from the first evaluations on.
 */
function budgetRemaining(record: string, sliMatcher: string, by: string): Rule {
  const sum = (metric: 'bad_events' | 'valid_events') =>
    `sum by (${by}) (sum_over_time(${sloRecord(metric, '5m')}{${sliMatcher}}[${SLO_PERIOD}]))`;
  return {
    record,
    expr: `clamp_min(
  1 - (
      ${sum('bad_events')}
    /
      ${sum('valid_events')}
  )
  / on (${by.replace('job, ', '')}) group_left ()
    (1 - ${OBJECTIVE}{${sliMatcher}}),
  0
)`,
  };
}

export function sloRuleGroups(): { name: string; rules: Rule[] }[] {
  return [
    ...SLO_WINDOWS.map((w) => ({ name: `aimeter-slo-${w}`, rules: windowRules(w) })),
    {
      name: 'aimeter-slo-budget',
      rules: [
        budgetRemaining(AVAILABILITY_BUDGET_REMAINING, 'aimeter_sli="availability"', 'job, gen_ai_operation_name'),
        budgetRemaining(LATENCY_BUDGET_REMAINING, 'aimeter_sli!="availability"', 'job, gen_ai_operation_name, aimeter_sli'),
      ],
    },
  ];
}

export const SLO_RULES_FILE = 'prometheus/rules/aimeter-slo.yml';

export const SLO_HEADER = `# GENERATED by prometheus/src/slo.ts: do not edit; change the objectives in
# aimeter-objectives.yml, the rules in prometheus/src/slo.ts, then: npm run rules
#
# SLIs, error-budget burn rates over ${SLO_WINDOWS.join('/')} and the error budget left over the
# ${SLO_PERIOD} SLO period, per job, operation, provider and model (label aimeter_sli: availability,
# duration, time_to_first_chunk). The SLO alerts are in aimeter-alerts.yml.
#
# Each window's group starts with the calls, durations and times to first chunk over that window in
# either naming of the GenAI conventions (v1.41 or gen_ai_latest_experimental; per series the first
# family that has it, so /dup never counts a call twice); the 5-minute ones are in
# aimeter-recording.yml. The SLIs read only those.
`;

export function sloRulesYaml(): string {
  return SLO_HEADER + stringify({ groups: sloRuleGroups() }, { lineWidth: 0 });
}
