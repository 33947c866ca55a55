/** Voice turns (marked and fallback latency, phases, end reasons), agent-run outcomes and variants. */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { traceTurn } from '../../src/outcomes/turn-api';
import { withVariant } from '../../src/outcomes/scope';
import { traceAgent } from '../../src/api/trace';
import { find, sum } from '../helpers/exposition';
import { harness, T0 } from './harness';

const h = harness({
  global: true,
  outcomes: { maxVariants: 3, config: { requestSummary: false, extraOutcomes: [], conversationIdleTimeoutSeconds: 1800, variant: 'canary' } },
});
after(() => h.shutdown());

const bucket = (name: string, le: string, where: Record<string, string>) => find(h.scrape(), `${name}_bucket`, { ...where, le })[0]?.value;
const speech = (op: 'speech_to_text' | 'text_to_speech', startMs: number, endMs: number, extra = {}) =>
  h.span(op, { 'gen_ai.operation.name': op, 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': op === 'speech_to_text' ? 'whisper-1' : 'tts-1', ...extra }, startMs, endMs);

test('scripted voice turns: latency buckets, phases, end reasons and the conversation turn count', async () => {
  // 1: marked by the app, 300 ms.
  await traceTurn({ conversationId: 'call-1' }, async (turn) => {
    turn.userStoppedSpeaking(T0);
    h.chat(T0 + 10, T0 + 200, { 'gen_ai.response.time_to_first_chunk': 0.15 });
    turn.agentStartedSpeaking(new Date(T0 + 300));
  });
  // 2: not marked: speech-to-text ends at T0 + 1500, text-to-speech starts at T0 + 2100 and its
  // first byte comes 0.2 s later: 800 ms.
  await traceTurn({ conversationId: 'call-1' }, async () => {
    speech('speech_to_text', T0 + 1000, T0 + 1500);
    h.chat(T0 + 1500, T0 + 2000, { 'gen_ai.response.time_to_first_chunk': 0.25 });
    speech('text_to_speech', T0 + 2100, T0 + 2600, { 'gen_ai.response.time_to_first_chunk': 0.2 });
  });
  // 3: the caller barges in.
  traceTurn({ conversationId: 'call-1' }, (turn) => {
    turn.userStoppedSpeaking(T0 + 5000);
    turn.agentStartedSpeaking(T0 + 5600);
    turn.interrupted();
  });
  // 4: the turn fails: the very same error comes back.
  const boom = new Error('pipeline down');
  await assert.rejects(traceTurn({ conversationId: 'call-1' }, async () => Promise.reject(boom)), (e) => e === boom);

  const v = { aimeter_variant: 'canary' };
  const s = h.scrape();
  assert.equal(sum(s, 'aimeter_turns_total', { ...v, aimeter_turn_end_reason: 'completed' }), 2);
  assert.equal(sum(s, 'aimeter_turns_total', { ...v, aimeter_turn_end_reason: 'interrupted' }), 1);
  assert.equal(sum(s, 'aimeter_turns_total', { ...v, aimeter_turn_end_reason: 'error' }), 1);
  assert.equal(sum(s, 'aimeter_turn_latency_seconds_count', v), 3);
  assert.equal(Math.round(sum(s, 'aimeter_turn_latency_seconds_sum', v) * 1e9) / 1e9, 1.7);
  // 300 ms and 800 ms land in buckets of their own; 600 ms in between.
  assert.equal(bucket('aimeter_turn_latency_seconds', '0.25', v), 0);
  assert.equal(bucket('aimeter_turn_latency_seconds', '0.3', v), 1);
  assert.equal(bucket('aimeter_turn_latency_seconds', '0.6', v), 2);
  assert.equal(bucket('aimeter_turn_latency_seconds', '0.7', v), 2);
  assert.equal(bucket('aimeter_turn_latency_seconds', '0.8', v), 3);
  // Phases of turn 2 (turn 1 had only the model call).
  const phase = (p: string, what: string) => sum(s, `aimeter_turn_phase_duration_seconds_${what}`, { ...v, aimeter_turn_phase: p });
  assert.equal(phase('speech_to_text', 'sum'), 0.5);
  assert.equal(phase('llm_time_to_first_token', 'sum'), 0.4);
  assert.equal(phase('llm_time_to_first_token', 'count'), 2);
  assert.equal(phase('text_to_speech_time_to_first_byte', 'sum'), 0.2);
  // The conversation counts its four traced turns.
  h.processor.outcomes!.endConversation('call-1', { outcome: 'resolved' });
  assert.equal(sum(h.scrape(), 'aimeter_conversation_turns_sum', { aimeter_outcome: 'resolved' }), 4);
  // The model calls inside turns are calls of their own, not merged into the turn span.
  assert.equal(sum(h.scrape(), 'gen_ai_client_operation_duration_seconds_count', { gen_ai_operation_name: 'chat' }), 2);
});

test('turn handles never throw on bad input', () => {
  assert.equal(
    traceTurn({ conversationId: '' }, (turn) => {
      turn.userStoppedSpeaking('soon' as never);
      turn.agentStartedSpeaking(NaN);
      return 'done';
    }),
    'done',
  );
  assert.equal(traceTurn(undefined as never, () => 7), 7);
});

test('agent runs: setOutcome, aimeter.outcome on foreign agent spans, and the cost of each outcome', async () => {
  await traceAgent({ name: 'router' }, async (run) => {
    h.chat(T0, T0 + 100);
    await traceAgent({ name: 'billing' }, async (inner) => {
      h.chat(T0 + 100, T0 + 200);
      inner.setOutcome('failure');
    });
    run.setOutcome('success');
  });
  await traceAgent({ name: 'router' }, async (run) => {
    run.setOutcome(42 as never);
    run.setOutcome('made-up');
  });
  h.span('invoke_agent crew', { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'crew', 'aimeter.outcome': 'partial' }, T0, T0 + 10, () => h.chat(T0, T0 + 5));
  const s = h.scrape();
  const runs = (agent: string, outcome: string) => sum(s, 'aimeter_agent_runs_total', { gen_ai_agent_name: agent, aimeter_outcome: outcome });
  const cost = (agent: string, outcome: string) => sum(s, 'aimeter_agent_run_cost_usd_total', { gen_ai_agent_name: agent, aimeter_outcome: outcome });
  assert.equal(runs('router', 'success'), 1);
  assert.equal(runs('router', '_OTHER'), 1);
  assert.equal(runs('billing', 'failure'), 1);
  assert.equal(runs('crew', 'partial'), 1);
  // The router's run paid for its own call and its nested agent's.
  assert.equal(cost('router', 'success'), 0.25);
  assert.equal(cost('billing', 'failure'), 0.125);
  assert.equal(cost('crew', 'partial'), 0.125);
  // Cost per successful run: a ratio of two counters.
  assert.equal(cost('router', 'success') / runs('router', 'success'), 0.25);
});

test('variants: withVariant labels calls and requests, AIMETER_VARIANT is the default, the cap folds the rest into _OTHER', () => {
  withVariant('prompt-v2', () => h.chat(T0, T0 + 1));
  const s = h.scrape();
  assert.equal(sum(s, 'gen_ai_client_operation_duration_seconds_count', { gen_ai_operation_name: 'chat', aimeter_variant: 'prompt-v2' }), 1);
  assert.equal(sum(s, 'aimeter_cost_usd_total', { aimeter_variant: 'prompt-v2' }), 0.125);
  assert.equal(sum(s, 'aimeter_request_cost_usd_sum', { aimeter_variant: 'prompt-v2' }), 0.125);
  assert.ok(sum(s, 'aimeter_cost_usd_total', { aimeter_variant: 'canary' }) > 0);
  // canary, prompt-v2, then one more fits (cap 3); the fourth name is _OTHER, counted.
  withVariant('temp-0', () => h.chat(T0, T0 + 1));
  h.chat(T0, T0 + 1, { 'aimeter.variant': 'fourth' });
  const after = h.scrape();
  assert.equal(sum(after, 'aimeter_cost_usd_total', { aimeter_variant: 'temp-0' }), 0.125);
  assert.equal(sum(after, 'aimeter_cost_usd_total', { aimeter_variant: '_OTHER' }), 0.125);
  assert.equal(sum(after, 'aimeter_outcomes_overflow_total', { aimeter_tracked: 'variant', aimeter_reason: 'cap' }), 1);
  assert.equal(withVariant('bad variant!' as string, () => 'ran'), 'ran');
});
