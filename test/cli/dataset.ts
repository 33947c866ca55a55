/**
 * The known data the CLI tests query: three UTC days of an assistant's metrics, one sample
 * every 5 minutes, written as OpenMetrics for `promtool tsdb create-blocks-from openmetrics`.
 * Every counter starts at 0 on the first sample and grows by a fixed amount per 5-minute
 * interval times the day's multiplier (day 0: 1, day 1: 2, day 2: 3), so increase() over whole
 * intervals is exact (no extrapolation) and each figure the tests assert is worked out by hand
 * from the table below. Dollars are binary fractions (1/16, 1/128...) so sums are exact.
 *
 * The small-sample model (anthropic claude-3-5-haiku, agent billing) only appears in the last
 * hour of the last day: one successful call per interval, 12 in all.
 *
 * The same calls are written in each naming of the GenAI conventions (docs/conventions.md): as
 * aimeter emits them by default (v1.41), with OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental
 * (`latest`) and with `/dup` (both), each at its own time in one Prometheus (OFFSETS), so that the
 * command line must give the same figures from each.
 */
import { prometheusLabelName, prometheusName } from '../../src/metrics/prometheus-names';
import { METRICS } from '../../src/metrics/catalog';

export const INTERVAL = 300;
export const DAY = 86400;
export const DAYS = 3;
export const JOB = 'support-bot';

export type Naming = 'v1.41' | 'latest' | 'dup';
export const NAMINGS: readonly Naming[] = ['v1.41', 'latest', 'dup'];
/**
 * How long before the v1.41 data's end each naming's data ends: far enough back that no range the
 * v1.41 tests ask about (up to 40 days) reaches it.
 */
export const OFFSETS: Readonly<Record<Naming, number>> = { 'v1.41': 0, latest: 60 * DAY, dup: 120 * DAY };

type Labels = Record<string, string>;
interface Series {
  readonly name: string;
  readonly labels: Labels;
  /** Increment per interval at multiplier 1; `lastHourOnly`: 1 per interval in the last hour, no multiplier. */
  readonly inc: number;
  readonly lastHourOnly?: boolean;
}

const dur = prometheusName(METRICS.operationDuration);
const ttfc = prometheusName(METRICS.timeToFirstChunk);
const firstAudio = prometheusName(METRICS.textToSpeechTimeToFirstAudio);
/**
 * The newest conventions' families, written out here from the conventions (not from
 * src/metrics/editions.ts, which the command line reads: a slip there must fail a test).
 */
const LATEST_DURATION: Readonly<Record<string, string>> = {
  chat: prometheusName(METRICS.inferenceDuration),
  invoke_agent: prometheusName(METRICS.invokeAgentDuration),
  execute_tool: prometheusName(METRICS.executeToolDuration),
};
const LATEST_TTFC: Readonly<Record<string, string>> = { chat: prometheusName(METRICS.inferenceTimeToFirstChunk) };
const tokens = prometheusName(METRICS.tokens);
const cost = prometheusName(METRICS.cost);
const op = prometheusLabelName('gen_ai.operation.name');
const prov = prometheusLabelName('gen_ai.provider.name');
const model = prometheusLabelName('gen_ai.request.model');
const agent = prometheusLabelName('gen_ai.agent.name');
const tool = prometheusLabelName('gen_ai.tool.name');
const err = prometheusLabelName('error.type');

const DURATION_LE = ['0.32', '0.64', '1', '2', '5', '10'];
const FIRST_AUDIO_LE = ['0.5', '0.75', '1', '2'];

/** A histogram label set: observations per interval in each bucket (by upper bound), and their sum. */
function histogram(name: string, labels: Labels, perBucket: Record<string, number>, sum: number, les = DURATION_LE, lastHourOnly = false): Series[] {
  const out: Series[] = [];
  let cumulative = 0;
  for (const le of les) {
    cumulative += perBucket[le] ?? 0;
    out.push({ name: `${name}_bucket`, labels: { ...labels, le }, inc: cumulative, lastHourOnly });
  }
  const total = Object.values(perBucket).reduce((a, b) => a + b, 0);
  out.push({ name: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, inc: total, lastHourOnly });
  out.push({ name: `${name}_count`, labels, inc: total, lastHourOnly });
  out.push({ name: `${name}_sum`, labels, inc: sum, lastHourOnly });
  return out;
}

/**
 * The families a call is recorded in under a naming: v1.41 has one per quantity, the newest
 * conventions one per kind of operation (speech stays on operation.duration; text-to-speech has
 * no time to first chunk there), `/dup` both.
 */
function familiesOf(v141: string, latest: Readonly<Record<string, string>>, operation: string, naming: Naming, keptInLatest: boolean): string[] {
  const newest = latest[operation] ?? (keptInLatest ? v141 : undefined);
  const names = naming === 'v1.41' ? [v141] : naming === 'latest' ? [newest] : [v141, newest];
  return [...new Set(names.filter((n): n is string => n !== undefined))];
}
const durations = (labels: Labels, perBucket: Record<string, number>, sum: number, naming: Naming, lastHourOnly = false): Series[] =>
  familiesOf(dur, LATEST_DURATION, labels[op] as string, naming, true).flatMap((f) => histogram(f, labels, perBucket, sum, DURATION_LE, lastHourOnly));
const firstChunks = (labels: Labels, perBucket: Record<string, number>, sum: number, naming: Naming): Series[] =>
  familiesOf(ttfc, LATEST_TTFC, labels[op] as string, naming, false).flatMap((f) => histogram(f, labels, perBucket, sum));

const gpt4o = { [op]: 'chat', [prov]: 'openai', [model]: 'gpt-4o', [agent]: 'support' };
const mini = { [op]: 'chat', [prov]: 'openai', [model]: 'gpt-4o-mini', [agent]: 'support', aimeter_variant: 'b' };
const haiku = { [op]: 'chat', [prov]: 'anthropic', [model]: 'claude-3-5-haiku', [agent]: 'billing' };
const whisper = { [op]: 'speech_to_text', [prov]: 'openai', [model]: 'whisper-1' };
const tts = { [op]: 'text_to_speech', [prov]: 'openai', [model]: 'tts-1' };

/**
 * Per 5-minute interval at multiplier 1:
 *   chat gpt-4o        8 ok (4 in 0.64-1 s, 4 in 1-2 s), 2 timeouts (5-10 s); TTFC 8 in 0.32-0.64 s
 *   chat gpt-4o-mini  10 ok (0.32-0.64 s), 1 rate_limit (0.32 s or less); TTFC 10 under 0.32 s
 *   speech_to_text     5 ok (0.32-0.64 s); text_to_speech 5 ok (0.64-1 s), first audio byte
 *                      4 in 0.5-0.75 s, 1 in 1-2 s (aimeter's metric in every naming, v1.41's
 *                      time to first chunk too under v1.41 and /dup)
 *   invoke_agent       support: 4 ok (2-5 s), 1 timeout (5-10 s); billing: 2 ok (1-2 s)
 *   execute_tool       support/lookup_order: 6 ok (under 0.32 s), 1 tool_error; billing/refund: 2 ok (0.64-1 s)
 *   tokens             gpt-4o in 8000 out 2000 cache_read 2000; mini in 11000 out 3300
 *   dollars            gpt-4o 1/16, mini 1/128, whisper 1/64, tts 1/32
 *   conversations      resolved first contact 3, resolved later 1, escalated 1, abandoned 1;
 *                      handle time 3 in 30-60 s + 3 in 60-120 s (sum 405 s); 4 turns each;
 *                      conversation dollars 3/8 (no outcome label: spend per resolved = 3/8 / 4)
 *   turns              12 turn latencies in 1-2 s
 *   evaluations        csat 2 (sum 9), helpfulness 4 (sum 3.2)
 *   cache lookups      answers: 3 hit, 1 miss
 *   requests           POST /api/chat 5 ok ($0.25, 12000 tokens, 24 model calls over 6) + 1 timeout ($1/16);
 *                      POST /api/voice 2 ok ($1/16, 3000 tokens, 6 model calls)
 * Last hour of day 2 only: chat claude-3-5-haiku 1 ok (1-2 s), 500 input / 100 output tokens, $1/512.
 */
export function seriesList(naming: Naming = 'v1.41'): Series[] {
  const s: Series[] = [
    ...durations({ ...gpt4o, [err]: '' }, { '1': 4, '2': 4 }, 9.2, naming),
    ...durations({ ...gpt4o, [err]: 'timeout' }, { '10': 2 }, 16, naming),
    ...durations({ ...mini, [err]: '' }, { '0.64': 10 }, 5, naming),
    ...durations({ ...mini, [err]: 'rate_limit' }, { '0.32': 1 }, 0.1, naming),
    ...durations({ ...haiku, [err]: '' }, { '2': 1 }, 1.5, naming, true),
    ...durations({ ...whisper, [err]: '' }, { '0.64': 5 }, 2.5, naming),
    ...durations({ ...tts, [err]: '' }, { '1': 5 }, 4, naming),
    ...durations({ [op]: 'invoke_agent', [agent]: 'support', [err]: '' }, { '5': 4 }, 12, naming),
    ...durations({ [op]: 'invoke_agent', [agent]: 'support', [err]: 'timeout' }, { '10': 1 }, 8, naming),
    ...durations({ [op]: 'invoke_agent', [agent]: 'billing', [err]: '' }, { '2': 2 }, 3, naming),
    ...durations({ [op]: 'execute_tool', [agent]: 'support', [tool]: 'lookup_order', [err]: '' }, { '0.32': 6 }, 0.6, naming),
    ...durations({ [op]: 'execute_tool', [agent]: 'support', [tool]: 'lookup_order', [err]: 'tool_error' }, { '0.32': 1 }, 0.05, naming),
    ...durations({ [op]: 'execute_tool', [agent]: 'billing', [tool]: 'refund', [err]: '' }, { '1': 2 }, 1.6, naming),
    ...firstChunks(gpt4o, { '0.64': 8 }, 4, naming),
    ...firstChunks(mini, { '0.32': 10 }, 2, naming),
    ...firstChunks(tts, { '1': 4, '2': 1 }, 4.2, naming),
    ...histogram(firstAudio, tts, { '0.75': 4, '2': 1 }, 4.2, FIRST_AUDIO_LE),
    { name: tokens, labels: { ...gpt4o, gen_ai_token_type: 'input' }, inc: 8000 },
    { name: tokens, labels: { ...gpt4o, gen_ai_token_type: 'output' }, inc: 2000 },
    { name: tokens, labels: { ...gpt4o, gen_ai_token_type: 'cache_read' }, inc: 2000 },
    { name: tokens, labels: { ...mini, gen_ai_token_type: 'input' }, inc: 11000 },
    { name: tokens, labels: { ...mini, gen_ai_token_type: 'output' }, inc: 3300 },
    { name: tokens, labels: { ...haiku, gen_ai_token_type: 'input' }, inc: 500, lastHourOnly: true },
    { name: tokens, labels: { ...haiku, gen_ai_token_type: 'output' }, inc: 100, lastHourOnly: true },
    { name: cost, labels: gpt4o, inc: 1 / 16 },
    { name: cost, labels: mini, inc: 1 / 128 },
    { name: cost, labels: whisper, inc: 1 / 64 },
    { name: cost, labels: tts, inc: 1 / 32 },
    { name: cost, labels: haiku, inc: 1 / 512, lastHourOnly: true },
    { name: 'aimeter_conversations_total', labels: { aimeter_outcome: 'resolved', aimeter_first_contact: 'true' }, inc: 3 },
    { name: 'aimeter_conversations_total', labels: { aimeter_outcome: 'resolved', aimeter_first_contact: 'false' }, inc: 1 },
    { name: 'aimeter_conversations_total', labels: { aimeter_outcome: 'escalated', aimeter_first_contact: 'false' }, inc: 1 },
    { name: 'aimeter_conversations_total', labels: { aimeter_outcome: 'abandoned', aimeter_first_contact: 'false' }, inc: 1 },
    ...histogram('aimeter_conversation_duration_seconds', {}, { '60': 3, '120': 3 }, 405, ['30', '60', '120', '300']),
    ...histogram('aimeter_conversation_turns', {}, { '4': 6 }, 24, ['2', '4', '8']),
    { name: 'aimeter_conversations_cost_usd_total', labels: {}, inc: 3 / 8 },
    ...histogram('aimeter_turn_latency_seconds', {}, { '2': 12 }, 18),
    { name: 'aimeter_evaluation_score_count', labels: { gen_ai_evaluation_name: 'csat' }, inc: 2 },
    { name: 'aimeter_evaluation_score_sum', labels: { gen_ai_evaluation_name: 'csat' }, inc: 9 },
    { name: 'aimeter_evaluation_score_count', labels: { gen_ai_evaluation_name: 'helpfulness' }, inc: 4 },
    { name: 'aimeter_evaluation_score_sum', labels: { gen_ai_evaluation_name: 'helpfulness' }, inc: 3.2 },
    { name: 'aimeter_cache_lookups_total', labels: { aimeter_cache_name: 'answers', aimeter_cache_result: 'hit' }, inc: 3 },
    { name: 'aimeter_cache_lookups_total', labels: { aimeter_cache_name: 'answers', aimeter_cache_result: 'miss' }, inc: 1 },
    { name: 'aimeter_request_cost_usd_count', labels: { http_route: 'POST /api/chat', error_type: '' }, inc: 5 },
    { name: 'aimeter_request_cost_usd_sum', labels: { http_route: 'POST /api/chat', error_type: '' }, inc: 1 / 4 },
    { name: 'aimeter_request_cost_usd_count', labels: { http_route: 'POST /api/chat', error_type: 'timeout' }, inc: 1 },
    { name: 'aimeter_request_cost_usd_sum', labels: { http_route: 'POST /api/chat', error_type: 'timeout' }, inc: 1 / 16 },
    { name: 'aimeter_request_cost_usd_count', labels: { http_route: 'POST /api/voice', error_type: '' }, inc: 2 },
    { name: 'aimeter_request_cost_usd_sum', labels: { http_route: 'POST /api/voice', error_type: '' }, inc: 1 / 16 },
    { name: 'aimeter_request_tokens_count', labels: { http_route: 'POST /api/chat' }, inc: 6 },
    { name: 'aimeter_request_tokens_sum', labels: { http_route: 'POST /api/chat' }, inc: 12000 },
    { name: 'aimeter_request_tokens_count', labels: { http_route: 'POST /api/voice' }, inc: 2 },
    { name: 'aimeter_request_tokens_sum', labels: { http_route: 'POST /api/voice' }, inc: 3000 },
    { name: 'aimeter_request_model_calls_count', labels: { http_route: 'POST /api/chat' }, inc: 6 },
    { name: 'aimeter_request_model_calls_sum', labels: { http_route: 'POST /api/chat' }, inc: 24 },
    { name: 'aimeter_request_model_calls_count', labels: { http_route: 'POST /api/voice' }, inc: 2 },
    { name: 'aimeter_request_model_calls_sum', labels: { http_route: 'POST /api/voice' }, inc: 6 },
  ];
  return s;
}

const escape = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/**
 * The OpenMetrics text for data ending at `end` (a UTC midnight): samples at end - 3 d, ... end.
 * Empty label values are left out, as Prometheus stores them (a label with an empty value is no label).
 */
export function openMetrics(end: number, naming: Naming = 'v1.41'): string {
  const start = end - DAYS * DAY;
  const byFamily = new Map<string, Series[]>();
  for (const s of seriesList(naming)) byFamily.set(s.name, [...(byFamily.get(s.name) ?? []), s]);
  const out: string[] = [];
  for (const [name, series] of byFamily) {
    out.push(`# TYPE ${name} gauge`);
    for (const s of series) {
      const labels = Object.entries({ job: JOB, instance: 'bot:9464', ...s.labels })
        .filter(([, v]) => v !== '')
        .map(([k, v]) => `${k}="${escape(v)}"`)
        .join(',');
      const firstT = s.lastHourOnly ? end - 3600 : start;
      let value = 0;
      for (let t = firstT; t <= end; t += INTERVAL) {
        if (t > firstT) {
          const day = Math.floor((t - 1 - start) / DAY);
          value += s.lastHourOnly ? s.inc : s.inc * (day + 1);
        }
        out.push(`${name}{${labels}} ${Number(value.toPrecision(15))} ${t}`);
      }
    }
  }
  out.push('# EOF');
  return `${out.join('\n')}\n`;
}
