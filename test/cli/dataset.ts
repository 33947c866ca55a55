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
 */
import { prometheusLabelName, prometheusName } from '../../src/metrics/prometheus-names';
import { METRICS } from '../../src/metrics/catalog';

export const INTERVAL = 300;
export const DAY = 86400;
export const DAYS = 3;
export const JOB = 'support-bot';

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
const tokens = prometheusName(METRICS.tokens);
const cost = prometheusName(METRICS.cost);
const op = prometheusLabelName('gen_ai.operation.name');
const prov = prometheusLabelName('gen_ai.provider.name');
const model = prometheusLabelName('gen_ai.request.model');
const agent = prometheusLabelName('gen_ai.agent.name');
const tool = prometheusLabelName('gen_ai.tool.name');
const err = prometheusLabelName('error.type');

const DURATION_LE = ['0.32', '0.64', '1', '2', '5', '10'];

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

const gpt4o = { [op]: 'chat', [prov]: 'openai', [model]: 'gpt-4o', [agent]: 'support' };
const mini = { [op]: 'chat', [prov]: 'openai', [model]: 'gpt-4o-mini', [agent]: 'support', aimeter_variant: 'b' };
const haiku = { [op]: 'chat', [prov]: 'anthropic', [model]: 'claude-3-5-haiku', [agent]: 'billing' };
const whisper = { [op]: 'speech_to_text', [prov]: 'openai', [model]: 'whisper-1' };
const tts = { [op]: 'text_to_speech', [prov]: 'openai', [model]: 'tts-1' };

/**
 * Per 5-minute interval at multiplier 1:
 *   chat gpt-4o        8 ok (4 in 0.64-1 s, 4 in 1-2 s), 2 timeouts (5-10 s); TTFC 8 in 0.32-0.64 s
 *   chat gpt-4o-mini  10 ok (0.32-0.64 s), 1 rate_limit (0.32 s or less); TTFC 10 under 0.32 s
 *   speech_to_text     5 ok (0.32-0.64 s); text_to_speech 5 ok (0.64-1 s)
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
export function seriesList(): Series[] {
  const s: Series[] = [
    ...histogram(dur, { ...gpt4o, [err]: '' }, { '1': 4, '2': 4 }, 9.2),
    ...histogram(dur, { ...gpt4o, [err]: 'timeout' }, { '10': 2 }, 16),
    ...histogram(dur, { ...mini, [err]: '' }, { '0.64': 10 }, 5),
    ...histogram(dur, { ...mini, [err]: 'rate_limit' }, { '0.32': 1 }, 0.1),
    ...histogram(dur, { ...haiku, [err]: '' }, { '2': 1 }, 1.5, DURATION_LE, true),
    ...histogram(dur, { ...whisper, [err]: '' }, { '0.64': 5 }, 2.5),
    ...histogram(dur, { ...tts, [err]: '' }, { '1': 5 }, 4),
    ...histogram(dur, { [op]: 'invoke_agent', [agent]: 'support', [err]: '' }, { '5': 4 }, 12),
    ...histogram(dur, { [op]: 'invoke_agent', [agent]: 'support', [err]: 'timeout' }, { '10': 1 }, 8),
    ...histogram(dur, { [op]: 'invoke_agent', [agent]: 'billing', [err]: '' }, { '2': 2 }, 3),
    ...histogram(dur, { [op]: 'execute_tool', [agent]: 'support', [tool]: 'lookup_order', [err]: '' }, { '0.32': 6 }, 0.6),
    ...histogram(dur, { [op]: 'execute_tool', [agent]: 'support', [tool]: 'lookup_order', [err]: 'tool_error' }, { '0.32': 1 }, 0.05),
    ...histogram(dur, { [op]: 'execute_tool', [agent]: 'billing', [tool]: 'refund', [err]: '' }, { '1': 2 }, 1.6),
    ...histogram(ttfc, gpt4o, { '0.64': 8 }, 4),
    ...histogram(ttfc, mini, { '0.32': 10 }, 2),
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
export function openMetrics(end: number): string {
  const start = end - DAYS * DAY;
  const byFamily = new Map<string, Series[]>();
  for (const s of seriesList()) byFamily.set(s.name, [...(byFamily.get(s.name) ?? []), s]);
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
