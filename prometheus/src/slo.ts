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
 * and, per job and operation, the share of the error budget left over the SLO period.
 */
import { stringify } from 'yaml';

/** The windows of the SRE workbook's multi-window multi-burn-rate alerts. */
export const SLO_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
export type SloWindow = (typeof SLO_WINDOWS)[number];
/** The SLO period of the error-budget-remaining rules (the burn-rate factors assume ~30 days). */
export const SLO_PERIOD = '28d';

export const OBJECTIVE = 'operation_sli:aimeter_slo_objective:ratio';
export const EXCLUDED_ERRORS = 'error_type:aimeter_slo_excluded:constant';
const LEVEL = 'job_operation_provider_model_sli';
const BY = 'job, gen_ai_operation_name, gen_ai_provider_name, gen_ai_request_model';
const DURATION = 'gen_ai_client_operation_duration_seconds';
const TIME_TO_FIRST_CHUNK = 'gen_ai_client_operation_time_to_first_chunk_seconds';

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
function goodLatency(histogram: string, selector: string, sli: string, w: SloWindow): string {
  return `sum by (${BY}) (
    label_replace(rate(${histogram}_bucket${selector}[${w}]), "le", "$1", "le", "(.+)\\\\.0")
  and on (gen_ai_operation_name, le)
    ${objectiveOf(sli)}
)`;
}

function windowRules(w: SloWindow): Rule[] {
  const valid = sloRecord('valid_events', w);
  const good = sloRecord('good_events', w);
  const latency = '{aimeter_sli!="availability"}';
  return [
    {
      record: valid,
      expr: `sum by (${BY}) (
  rate(${DURATION}_count[${w}]) unless on (error_type) ${EXCLUDED_ERRORS}
)
${onlyWithObjective('availability')}`,
      labels: { aimeter_sli: 'availability' },
    },
    {
      record: sloRecord('bad_events', w),
      // 0, not absent, when nothing failed (no failure series exists yet).
      expr: `(
    sum by (${BY}) (
      rate(${DURATION}_count{error_type!=""}[${w}]) unless on (error_type) ${EXCLUDED_ERRORS}
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
      expr: `sum by (${BY}) (rate(${DURATION}_bucket{error_type="", le="+Inf"}[${w}]))
${onlyWithObjective('duration')}`,
      labels: { aimeter_sli: 'duration' },
    },
    { record: good, expr: goodLatency(DURATION, '{error_type=""}', 'duration', w), labels: { aimeter_sli: 'duration' } },
    {
      record: valid,
      expr: `sum by (${BY}) (rate(${TIME_TO_FIRST_CHUNK}_bucket{le="+Inf"}[${w}]))
${onlyWithObjective('time_to_first_chunk')}`,
      labels: { aimeter_sli: 'time_to_first_chunk' },
    },
    {
      record: good,
      expr: goodLatency(TIME_TO_FIRST_CHUNK, '', 'time_to_first_chunk', w),
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
`;

export function sloRulesYaml(): string {
  return SLO_HEADER + stringify({ groups: sloRuleGroups() }, { lineWidth: 0 });
}
