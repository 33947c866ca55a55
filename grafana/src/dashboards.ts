/**
 * aimeter's Grafana dashboards, defined once in TypeScript. `node dist/grafana/src/generate.js`
 * writes them to grafana/dashboards/*.json; the test suite fails when the committed JSON differs.
 *
 * Every query reads the raw metrics that /metrics emits (names listed in docs/metrics.md), so the
 * dashboards work on any Prometheus holding them: a direct scrape or an OpenTelemetry Collector's
 * Prometheus exporter / remote write, which produce the same names. The one exception is the
 * budget line of the Cost dashboard, which reads a constant from prometheus/rules.
 */
import { dashboard, type PanelSpec, type QuerySpec } from './builder';
import type { Dashboard } from './model';

/** Operations that call a model (tokens and dollars are counted for these). */
export const MODEL_OPS = 'chat|text_completion|generate_content|embeddings|speech_to_text|text_to_speech';
/** Operations that produce text tokens (time to first token). */
export const LLM_OPS = 'chat|text_completion|generate_content';

const RI = '$__rate_interval';
const RANGE = '$__range';

/** Filters of the GenAI dashboards' template variables. */
const GENAI = 'job=~"$job", gen_ai_provider_name=~"$provider", gen_ai_request_model=~"$model", gen_ai_agent_name=~"$agent"';
/** The per-run agent histograms carry only the agent and error labels. */
const AGENT = 'job=~"$job", gen_ai_agent_name=~"$agent"';
/** Runtime metrics: the process behind each aimeter instance. */
const RUNTIME = 'job=~"$job", instance=~"$instance"';

function sel(metric: string, filter: string, extra?: string): string {
  return `${metric}{${filter}${extra ? `, ${extra}` : ''}}`;
}

function rate(metric: string, filter: string, extra?: string, window = RI): string {
  return `rate(${sel(metric, filter, extra)}[${window}])`;
}

function sumBy(by: string, inner: string): string {
  return by ? `sum by (${by}) (${inner})` : `sum(${inner})`;
}

const DURATION = 'gen_ai_client_operation_duration_seconds';
const TTFC = 'gen_ai_client_operation_time_to_first_chunk_seconds';

/** Calls per second. */
function calls(by: string, extra: string, filter = GENAI): string {
  return sumBy(by, rate(`${DURATION}_count`, filter, extra));
}

/** Share of calls with an error_type (0, not "no data", when none failed). */
function errorRatio(by: string, extra: string, filter = GENAI): string {
  const all = calls(by, extra, filter);
  const failed = sumBy(by, rate(`${DURATION}_count`, filter, `${extra}, error_type!=""`));
  return `(${failed} or ${all} * 0) / ${all}`;
}

function quantile(q: number, histogram: string, by: string, extra: string, filter = GENAI): string {
  const le = by ? `le, ${by}` : 'le';
  return `histogram_quantile(${q}, ${sumBy(le, rate(`${histogram}_bucket`, filter, extra))})`;
}

/** p50/p95/p99 queries of one histogram. */
function quantiles(qs: readonly number[], histogram: string, by: string, extra: string, legend: string, filter = GENAI): QuerySpec[] {
  return qs.map((q) => ({
    expr: quantile(q, histogram, by, extra, filter),
    legend: `p${Math.round(q * 100)}${legend ? ` ${legend}` : ''}`,
  }));
}

const PM = 'gen_ai_provider_name, gen_ai_request_model';
const PM_LEGEND = '{{gen_ai_provider_name}} {{gen_ai_request_model}}';
const MODEL = `gen_ai_operation_name=~"${MODEL_OPS}"`;
const LLM = `gen_ai_operation_name=~"${LLM_OPS}"`;
const IO_TOKENS = 'gen_ai_token_type=~"input|output"';

const overview: PanelSpec[] = [
  {
    type: 'stat',
    title: 'Model calls / s',
    description: 'Calls to models (chat, completion, embeddings, speech) per second, any outcome.',
    unit: 'reqps',
    queries: [{ expr: calls('', MODEL) }],
  },
  {
    type: 'stat',
    title: 'Error %',
    description: 'Share of model calls that failed (error_type set).',
    unit: 'percentunit',
    queries: [{ expr: errorRatio('', MODEL) }],
    thresholds: [
      { value: 0.05, color: 'orange' },
      { value: 0.25, color: 'red' },
    ],
  },
  {
    type: 'stat',
    title: 'p95 latency',
    description: '95th percentile duration of model calls.',
    unit: 's',
    queries: [{ expr: quantile(0.95, DURATION, '', MODEL) }],
  },
  {
    type: 'stat',
    title: 'p95 time to first token',
    description: '95th percentile time to the first streamed chunk of text-generating calls.',
    unit: 's',
    queries: [{ expr: quantile(0.95, TTFC, '', LLM) }],
  },
  {
    type: 'stat',
    title: 'Tokens / s',
    description: 'Input plus output tokens per second.',
    unit: 'suffix: tok/s',
    queries: [{ expr: sumBy('', rate('aimeter_tokens_total', GENAI, IO_TOKENS)) }],
  },
  {
    type: 'stat',
    title: 'Spend / hour',
    description: 'US dollars per hour spent on priced model calls, at the current rate.',
    unit: 'currencyUSD',
    queries: [{ expr: `${sumBy('', rate('aimeter_cost_usd_total', GENAI))} * 3600` }],
  },
  {
    type: 'timeseries',
    title: 'Calls / s by provider and model',
    description: 'Model calls per second.',
    unit: 'reqps',
    queries: [{ expr: calls(PM, MODEL), legend: PM_LEGEND }],
  },
  {
    type: 'timeseries',
    title: 'Error % by provider and model',
    description: 'Share of model calls that failed. Alerts: AimeterErrorRatioHigh (5%), AimeterErrorRatioCritical (25%).',
    unit: 'percentunit',
    min: 0,
    queries: [{ expr: errorRatio(PM, MODEL), legend: PM_LEGEND }],
    thresholds: [
      { value: 0.05, color: 'orange' },
      { value: 0.25, color: 'red' },
    ],
    showThresholds: true,
  },
  {
    type: 'timeseries',
    title: 'Latency p50 / p95 / p99',
    description: 'Duration of model calls, all providers and models together.',
    unit: 's',
    queries: quantiles([0.5, 0.95, 0.99], DURATION, '', MODEL, ''),
  },
  {
    type: 'timeseries',
    title: 'p95 latency by provider and model',
    description: '95th percentile duration of model calls. Alert: AimeterLatencyP95High (objectives in prometheus/rules/aimeter-objectives.yml).',
    unit: 's',
    queries: [{ expr: quantile(0.95, DURATION, PM, MODEL), legend: PM_LEGEND }],
  },
  {
    type: 'timeseries',
    title: 'Time to first token p50 / p95 by provider and model',
    description: 'Time from request to the first streamed chunk of text-generating calls. Alert: AimeterTimeToFirstChunkP95High.',
    unit: 's',
    queries: quantiles([0.5, 0.95], TTFC, PM, LLM, PM_LEGEND),
  },
  {
    type: 'timeseries',
    title: 'Tokens / s by type',
    description: 'Tokens per second by gen_ai.token.type; cache_read and cache_creation are part of input, reasoning part of output.',
    unit: 'suffix: tok/s',
    queries: [{ expr: sumBy('gen_ai_token_type', rate('aimeter_tokens_total', GENAI)), legend: '{{gen_ai_token_type}}' }],
  },
  {
    type: 'timeseries',
    title: 'Spend / hour by provider and model',
    description: 'US dollars per hour at the current rate.',
    unit: 'currencyUSD',
    stack: true,
    queries: [{ expr: `${sumBy(PM, rate('aimeter_cost_usd_total', GENAI))} * 3600`, legend: PM_LEGEND }],
  },
  {
    type: 'timeseries',
    title: 'Failed calls / s by error type',
    description: 'Failed calls (model, speech, agent and tool) per second by error_type, e.g. rate_limit, timeout, 429, 500.',
    unit: 'reqps',
    stack: true,
    queries: [
      {
        expr: sumBy('gen_ai_operation_name, error_type', rate(`${DURATION}_count`, GENAI, 'error_type!=""')),
        legend: '{{gen_ai_operation_name}} {{error_type}}',
      },
    ],
  },
];

const AGENT_LEGEND = '{{gen_ai_agent_name}}';
/** Names calls outside any agent "(no agent)" rather than an empty legend. */
function noAgent(expr: string): string {
  return `label_replace(${expr}, "gen_ai_agent_name", "(no agent)", "gen_ai_agent_name", "")`;
}

const cost: PanelSpec[] = [
  {
    type: 'stat',
    title: 'Spend in time range',
    description: 'US dollars spent on priced model calls over the dashboard time range.',
    unit: 'currencyUSD',
    w: 6,
    queries: [{ expr: sumBy('', `increase(${sel('aimeter_cost_usd_total', GENAI)}[${RANGE}])`) }],
  },
  {
    type: 'stat',
    title: 'Projected monthly spend',
    description: 'The average spend rate over the dashboard time range, times a 30-day month.',
    unit: 'currencyUSD',
    w: 6,
    queries: [{ expr: `${sumBy('', rate('aimeter_cost_usd_total', GENAI, undefined, RANGE))} * 86400 * 30` }],
  },
  {
    type: 'stat',
    title: 'Prompt-cache savings in time range',
    description: 'US dollars saved by prompt-cache reads (against the full input price) over the time range.',
    unit: 'currencyUSD',
    w: 6,
    queries: [{ expr: sumBy('', `increase(${sel('aimeter_cache_savings_usd_total', GENAI)}[${RANGE}])`) }],
  },
  {
    type: 'stat',
    title: 'Calls to models with no price',
    description: 'Model calls since the application started whose model has no price (their cost is unknown, not zero). Alert: AimeterUnpricedModel.',
    unit: 'short',
    w: 6,
    queries: [{ expr: sumBy('', sel('aimeter_unpriced_operations_total', GENAI)) }],
    thresholds: [{ value: 1, color: 'orange' }],
  },
  {
    type: 'timeseries',
    title: 'Spend / hour by model',
    description: 'US dollars per hour by provider and model.',
    unit: 'currencyUSD',
    stack: true,
    queries: [{ expr: `${sumBy(PM, rate('aimeter_cost_usd_total', GENAI))} * 3600`, legend: PM_LEGEND }],
  },
  {
    type: 'timeseries',
    title: 'Projected monthly spend vs budget',
    description:
      'Spend rate over the last hour times a 30-day month, against the budget set in prometheus/rules/aimeter-objectives.yml (the budget line needs those rules loaded). Alerts: AimeterSpendOverBudget, AimeterSpendBurningFast.',
    unit: 'currencyUSD',
    queries: [
      { expr: `${sumBy('', rate('aimeter_cost_usd_total', GENAI, undefined, '1h'))} * 86400 * 30`, legend: 'projected (last hour x 30 days)' },
      { expr: ':aimeter_cost_budget_usd_per_month:constant', legend: 'monthly budget' },
    ],
  },
  {
    type: 'timeseries',
    title: 'Spend / hour by agent',
    description: 'US dollars per hour by the nearest enclosing agent.',
    unit: 'currencyUSD',
    stack: true,
    queries: [{ expr: `${noAgent(sumBy('gen_ai_agent_name', rate('aimeter_cost_usd_total', GENAI)))} * 3600`, legend: AGENT_LEGEND }],
  },
  {
    type: 'timeseries',
    title: 'Spend / hour by tool',
    description: 'US dollars per hour of model calls made inside a tool call (a tool that itself calls a model).',
    unit: 'currencyUSD',
    stack: true,
    queries: [
      {
        expr: `${sumBy('gen_ai_tool_name', rate('aimeter_cost_usd_total', GENAI, 'gen_ai_tool_name!=""'))} * 3600`,
        legend: '{{gen_ai_tool_name}}',
      },
    ],
  },
  {
    type: 'timeseries',
    title: 'Prompt-cache savings / hour by model',
    description: 'US dollars per hour saved by prompt-cache reads.',
    unit: 'currencyUSD',
    stack: true,
    queries: [{ expr: `${sumBy(PM, rate('aimeter_cache_savings_usd_total', GENAI))} * 3600`, legend: PM_LEGEND }],
  },
  {
    type: 'timeseries',
    title: 'Cache-read share of input tokens by model',
    description: 'Input tokens read from the prompt cache, as a share of all input tokens.',
    unit: 'percentunit',
    min: 0,
    max: 1,
    queries: [
      {
        expr: `${sumBy(PM, rate('aimeter_tokens_total', GENAI, 'gen_ai_token_type="cache_read"'))} / ${sumBy(PM, rate('aimeter_tokens_total', GENAI, 'gen_ai_token_type="input"'))}`,
        legend: PM_LEGEND,
      },
    ],
  },
  {
    type: 'timeseries',
    title: 'Cost per call p50 / p95 by model',
    description: 'US dollars per priced model call.',
    unit: 'currencyUSD',
    queries: quantiles([0.5, 0.95], 'aimeter_operation_cost_usd', PM, '', PM_LEGEND),
  },
  {
    type: 'table',
    title: 'Models with no price',
    description: 'Provider and model of calls that had no price, with the number of such calls since the application started. Add them to the price list.',
    unit: 'short',
    queries: [
      {
        expr: sumBy(`job, ${PM}`, sel('aimeter_unpriced_operations_total', GENAI)),
        instant: true,
      },
    ],
  },
];

const STT = 'gen_ai_operation_name="speech_to_text"';
const TTS = 'gen_ai_operation_name="text_to_speech"';

const voice: PanelSpec[] = [
  {
    type: 'stat',
    title: 'Audio transcribed in time range',
    description: 'Minutes of audio sent to speech-to-text over the dashboard time range.',
    unit: 'm',
    w: 6,
    queries: [{ expr: `${sumBy('', `increase(${sel('aimeter_speech_to_text_audio_duration_seconds_total', GENAI)}[${RANGE}])`)} / 60` }],
  },
  {
    type: 'stat',
    title: 'Characters synthesized in time range',
    description: 'Characters of text sent to text-to-speech over the dashboard time range.',
    unit: 'suffix: chars',
    w: 6,
    queries: [{ expr: sumBy('', `increase(${sel('aimeter_text_to_speech_characters_total', GENAI)}[${RANGE}])`) }],
  },
  {
    type: 'stat',
    title: 'Speech-to-text real-time factor (median)',
    description: 'Processing seconds per second of audio; above 1 transcription is slower than real time. Alert: AimeterSpeechToTextSlowerThanRealTime.',
    unit: 'suffix:x',
    decimals: 2,
    w: 6,
    queries: [{ expr: quantile(0.5, 'aimeter_speech_to_text_real_time_factor', '', '') }],
    thresholds: [{ value: 1, color: 'red' }],
  },
  {
    type: 'stat',
    title: 'p95 time to first audio byte',
    description: 'Time from a text-to-speech request to its first audio byte.',
    unit: 's',
    w: 6,
    queries: [{ expr: quantile(0.95, TTFC, '', TTS) }],
  },
  {
    type: 'bargauge',
    title: 'Voice turn: p95 of each stage',
    description:
      'What a voice turn waits for, side by side: the speech-to-text call, the LLM until its first token, and text-to-speech until its first audio byte.',
    unit: 's',
    queries: [
      { expr: quantile(0.95, DURATION, '', STT), legend: 'speech-to-text (duration)' },
      { expr: quantile(0.95, TTFC, '', LLM), legend: 'LLM (time to first token)' },
      { expr: quantile(0.95, TTFC, '', TTS), legend: 'text-to-speech (time to first audio byte)' },
    ],
  },
  {
    type: 'timeseries',
    title: 'p95 latency: speech-to-text, LLM, text-to-speech',
    description: 'Full call duration by operation.',
    unit: 's',
    queries: [
      {
        expr: quantile(0.95, DURATION, 'gen_ai_operation_name', `gen_ai_operation_name=~"speech_to_text|${LLM_OPS}|text_to_speech"`),
        legend: '{{gen_ai_operation_name}}',
      },
    ],
  },
  {
    type: 'timeseries',
    title: 'Speech-to-text real-time factor p50 / p95 by model',
    description: 'Processing seconds per second of audio; the dashed line is real time.',
    unit: 'suffix:x',
    queries: quantiles([0.5, 0.95], 'aimeter_speech_to_text_real_time_factor', PM, '', PM_LEGEND),
    thresholds: [{ value: 1, color: 'red' }],
    showThresholds: true,
  },
  {
    type: 'timeseries',
    title: 'Audio transcribed (minutes per hour) by model',
    description: 'Minutes of audio transcribed per hour of wall time.',
    unit: 'suffix: min/h',
    queries: [{ expr: `${sumBy(PM, rate('aimeter_speech_to_text_audio_duration_seconds_total', GENAI))} * 60`, legend: PM_LEGEND }],
  },
  {
    type: 'timeseries',
    title: 'Time to first audio byte p50 / p95 by model',
    description: 'Text-to-speech time to first audio byte. Alert: AimeterTimeToFirstChunkP95High (text_to_speech objective).',
    unit: 's',
    queries: quantiles([0.5, 0.95], TTFC, PM, TTS, PM_LEGEND),
  },
  {
    type: 'timeseries',
    title: 'Characters synthesized / s by model',
    description: 'Characters sent to text-to-speech per second.',
    unit: 'suffix: chars/s',
    queries: [{ expr: sumBy(PM, rate('aimeter_text_to_speech_characters_total', GENAI)), legend: PM_LEGEND }],
  },
  {
    type: 'timeseries',
    title: 'Audio synthesized / s by model',
    description: 'Bytes of audio returned by text-to-speech per second.',
    unit: 'Bps',
    queries: [{ expr: sumBy(PM, rate('aimeter_text_to_speech_audio_size_bytes_total', GENAI)), legend: PM_LEGEND }],
  },
  {
    type: 'timeseries',
    title: 'Speech error % by operation and model',
    description: 'Share of speech-to-text and text-to-speech calls that failed.',
    unit: 'percentunit',
    min: 0,
    queries: [
      {
        expr: errorRatio(`gen_ai_operation_name, ${PM}`, 'gen_ai_operation_name=~"speech_to_text|text_to_speech"'),
        legend: `{{gen_ai_operation_name}} ${PM_LEGEND}`,
      },
    ],
  },
];

const RUN = 'gen_ai_operation_name="invoke_agent"';
const TOOL = 'gen_ai_operation_name="execute_tool"';

function perRun(histogram: string): string {
  return `${sumBy('', rate(`${histogram}_sum`, AGENT))} / ${sumBy('', rate(`${histogram}_count`, AGENT))}`;
}

const agents: PanelSpec[] = [
  {
    type: 'stat',
    title: 'Agent runs / s',
    description: 'invoke_agent operations per second.',
    unit: 'reqps',
    w: 6,
    queries: [{ expr: calls('', RUN) }],
  },
  {
    type: 'stat',
    title: 'Agent run error %',
    description: 'Share of agent runs that failed.',
    unit: 'percentunit',
    w: 6,
    queries: [{ expr: errorRatio('', RUN) }],
    thresholds: [{ value: 0.05, color: 'red' }],
  },
  {
    type: 'stat',
    title: 'LLM calls per run (mean)',
    description: 'Model calls made during one agent run, on average.',
    unit: 'suffix: calls',
    decimals: 1,
    w: 6,
    queries: [{ expr: perRun('aimeter_agent_model_calls') }],
  },
  {
    type: 'stat',
    title: 'Tool calls per run (mean)',
    description: 'Tool calls made during one agent run, on average.',
    unit: 'suffix: calls',
    decimals: 1,
    w: 6,
    queries: [{ expr: perRun('aimeter_agent_tool_calls') }],
  },
  {
    type: 'timeseries',
    title: 'Agent runs / s by agent',
    description: 'invoke_agent operations per second.',
    unit: 'reqps',
    queries: [{ expr: calls('gen_ai_agent_name', RUN), legend: AGENT_LEGEND }],
  },
  {
    type: 'timeseries',
    title: 'Agent run duration p50 / p95 by agent',
    description: 'Wall time of an agent run, including its model and tool calls.',
    unit: 's',
    queries: quantiles([0.5, 0.95], DURATION, 'gen_ai_agent_name', RUN, AGENT_LEGEND),
  },
  {
    type: 'timeseries',
    title: 'LLM calls per run p50 / p95 by agent',
    description: 'Model calls made during one agent run.',
    unit: 'suffix: calls',
    queries: quantiles([0.5, 0.95], 'aimeter_agent_model_calls', 'gen_ai_agent_name', '', AGENT_LEGEND, AGENT),
  },
  {
    type: 'timeseries',
    title: 'Tool calls per run p50 / p95 by agent',
    description: 'Tool calls made during one agent run.',
    unit: 'suffix: calls',
    queries: quantiles([0.5, 0.95], 'aimeter_agent_tool_calls', 'gen_ai_agent_name', '', AGENT_LEGEND, AGENT),
  },
  {
    type: 'timeseries',
    title: 'Tool calls / s by tool',
    description: 'execute_tool operations per second.',
    unit: 'reqps',
    stack: true,
    queries: [{ expr: calls('gen_ai_tool_name', TOOL), legend: '{{gen_ai_tool_name}}' }],
  },
  {
    type: 'timeseries',
    title: 'Tool latency p50 / p95 by tool',
    description: 'Duration of tool calls.',
    unit: 's',
    queries: quantiles([0.5, 0.95], DURATION, 'gen_ai_tool_name', TOOL, '{{gen_ai_tool_name}}'),
  },
  {
    type: 'timeseries',
    title: 'Tool error % by tool',
    description: 'Share of tool calls that failed. Alert: AimeterToolErrorRatioHigh (10%).',
    unit: 'percentunit',
    min: 0,
    queries: [{ expr: errorRatio('gen_ai_agent_name, gen_ai_tool_name', TOOL), legend: '{{gen_ai_agent_name}} {{gen_ai_tool_name}}' }],
    thresholds: [{ value: 0.1, color: 'red' }],
    showThresholds: true,
  },
  {
    type: 'timeseries',
    title: 'Spend per agent run by agent',
    description: 'US dollars of model calls per agent run.',
    unit: 'currencyUSD',
    queries: [
      {
        expr: `${sumBy('gen_ai_agent_name', rate('aimeter_cost_usd_total', GENAI, 'gen_ai_agent_name!=""'))} / ${calls('gen_ai_agent_name', RUN)}`,
        legend: AGENT_LEGEND,
      },
    ],
  },
];

const runtime: PanelSpec[] = [
  {
    type: 'timeseries',
    title: 'CPU',
    description: 'Process CPU time per second (1 = one core busy).',
    unit: 'percentunit',
    queries: [{ expr: sumBy('instance', rate('process_cpu_seconds_total', RUNTIME)), legend: '{{instance}}' }],
  },
  {
    type: 'timeseries',
    title: 'Memory',
    description: 'Resident set size, V8 heap used and heap total.',
    unit: 'bytes',
    queries: [
      { expr: sel('process_resident_memory_bytes', RUNTIME), legend: 'resident {{instance}}' },
      { expr: sel('nodejs_heap_size_used_bytes', RUNTIME), legend: 'heap used {{instance}}' },
      { expr: sel('nodejs_heap_size_total_bytes', RUNTIME), legend: 'heap total {{instance}}' },
    ],
  },
  {
    type: 'timeseries',
    title: 'Event loop lag',
    description: 'Event loop delay: p99 and mean over the sampling window.',
    unit: 's',
    queries: [
      { expr: sel('nodejs_eventloop_lag_p99_seconds', RUNTIME), legend: 'p99 {{instance}}' },
      { expr: sel('nodejs_eventloop_lag_mean_seconds', RUNTIME), legend: 'mean {{instance}}' },
    ],
  },
  {
    type: 'timeseries',
    title: 'Time in garbage collection',
    description: 'Share of wall time spent in GC, by GC kind.',
    unit: 'percentunit',
    stack: true,
    queries: [{ expr: sumBy('instance, kind', rate('nodejs_gc_duration_seconds_sum', RUNTIME)), legend: '{{kind}} {{instance}}' }],
  },
  {
    type: 'timeseries',
    title: 'Active handles and requests',
    description: 'libuv handles (sockets, timers, ...) and requests held open.',
    unit: 'short',
    queries: [
      { expr: sel('nodejs_active_handles_total', RUNTIME), legend: 'handles {{instance}}' },
      { expr: sel('nodejs_active_requests_total', RUNTIME), legend: 'requests {{instance}}' },
    ],
  },
  {
    type: 'timeseries',
    title: 'Open file descriptors',
    description: 'Open file descriptors against the process limit.',
    unit: 'short',
    queries: [
      { expr: sel('process_open_fds', RUNTIME), legend: 'open {{instance}}' },
      { expr: sel('process_max_fds', RUNTIME), legend: 'max {{instance}}' },
    ],
  },
  {
    type: 'timeseries',
    title: 'aimeter series in use (share of the cap)',
    description:
      'Series held per metric divided by AIMETER_MAX_SERIES_PER_METRIC; at 100% new label sets fold into otel_metric_overflow="true". Alerts: AimeterSeriesNearCap, AimeterSeriesCapReached.',
    unit: 'percentunit',
    min: 0,
    queries: [
      {
        expr: `max by (aimeter_metric) (${sel('aimeter_series_active', RUNTIME)} / on (job, instance) group_left () ${sel('aimeter_series_limit', RUNTIME)})`,
        legend: '{{aimeter_metric}}',
      },
    ],
    thresholds: [
      { value: 0.8, color: 'orange' },
      { value: 1, color: 'red' },
    ],
    showThresholds: true,
  },
  {
    type: 'timeseries',
    title: 'aimeter overflow and internal errors',
    description:
      'Records folded into the overflow series, and exceptions aimeter swallowed, per second (0 when there were none: these series only appear once something happened).',
    unit: 'reqps',
    queries: [
      {
        expr: `${sumBy('aimeter_metric', rate('aimeter_series_overflow_total', RUNTIME))} or label_replace(vector(0), "aimeter_metric", "none", "", "")`,
        legend: 'overflow {{aimeter_metric}}',
      },
      {
        expr: `${sumBy('aimeter_component', rate('aimeter_internal_errors_total', RUNTIME))} or label_replace(vector(0), "aimeter_component", "none", "", "")`,
        legend: 'internal errors {{aimeter_component}}',
      },
    ],
  },
  {
    type: 'table',
    title: 'aimeter instances',
    description: 'Each scraped instance with its aimeter version and series cap.',
    unit: 'none',
    w: 24,
    h: 6,
    queries: [
      {
        expr: `max by (job, instance, version) (${sel('aimeter_build_info', RUNTIME)}) * on (job, instance) group_left () max by (job, instance) (${sel('aimeter_series_limit', RUNTIME)})`,
        instant: true,
      },
    ],
  },
];

export const DASHBOARDS: readonly Dashboard[] = [
  dashboard({
    uid: 'aimeter-overview',
    title: 'aimeter / Overview',
    description: 'Calls, errors, latency, time to first token, tokens and dollars by provider and model.',
    variables: ['datasource', 'job', 'provider', 'model', 'agent'],
    panels: overview,
  }),
  dashboard({
    uid: 'aimeter-cost',
    title: 'aimeter / Cost',
    description: 'Spend by model, agent and tool, prompt-cache savings, projected monthly spend, models with no price.',
    variables: ['datasource', 'job', 'provider', 'model', 'agent'],
    panels: cost,
  }),
  dashboard({
    uid: 'aimeter-voice',
    title: 'aimeter / Voice pipeline',
    description: 'Speech-to-text, LLM and text-to-speech latency side by side, real-time factor, audio and characters.',
    variables: ['datasource', 'job', 'provider', 'model', 'agent'],
    panels: voice,
  }),
  dashboard({
    uid: 'aimeter-agents',
    title: 'aimeter / Agents and tools',
    description: 'Agent runs, LLM and tool calls per run, tool latency and errors.',
    variables: ['datasource', 'job', 'provider', 'model', 'agent'],
    panels: agents,
  }),
  dashboard({
    uid: 'aimeter-runtime',
    title: 'aimeter / Runtime',
    description: 'Node.js process metrics of the instrumented application, and aimeter self-metrics.',
    variables: ['datasource', 'job', 'instance'],
    panels: runtime,
  }),
];

/** File name under grafana/dashboards/ for each dashboard. */
export function fileName(d: Dashboard): string {
  return `${d.uid}.json`;
}
