/**
 * Conversations: a scripted set with known outcomes, costs and timings gives known counts, sums
 * and buckets; two processes serving halves of the same conversations give the right spend per
 * resolved conversation once summed; the cap and bad input are handled without throwing.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import { withConversation } from '../../src/outcomes/scope';
import { traceAgent } from '../../src/api/trace';
import { find, sum, type Exposition } from '../helpers/exposition';
import { harness, httpAttributes, T0 } from './harness';

const h = harness({
  global: true,
  outcomes: { maxOpenConversations: 4, config: { requestSummary: false, extraOutcomes: ['callback'], conversationIdleTimeoutSeconds: 600, variant: '' } },
});
after(() => h.shutdown());

const request = (route: string, at: number, calls: number) =>
  h.span(`POST ${route}`, httpAttributes(route), at, at + 1000, () => {
    for (let i = 0; i < calls; i++) h.chat(at + 10 + i * 100, at + 100 + i * 100);
  }, { kind: SpanKind.SERVER });

const conv = (s: Exposition, name: string, where: Record<string, string> = {}) => sum(s, name, where);

test('scripted conversations: counts by outcome and first contact, handle time, turns and dollars', async () => {
  // A: two requests (3 priced calls, $0.375), resolved at first contact 5 minutes after it began.
  withConversation('A', () => request('/chat', T0, 2));
  withConversation('A', () => request('/chat', T0 + 60_000, 1));
  h.clock = T0 + 10 + 300_000;
  h.processor.outcomes!.endConversation('A', { outcome: 'resolved', firstContact: true });
  // B: an agent run with the conversation id (traceAgent({ conversationId })), escalated after 40 s.
  await traceAgent({ name: 'support', conversationId: 'B' }, async () => {
    h.chat(T0 + 400_000, T0 + 400_100);
  });
  // The agent span itself runs on the real clock: B's first activity is the chat's start at the earliest.
  h.clock = T0 + 440_000;
  h.processor.outcomes!.endConversation('B', { outcome: 'escalated' });
  // C: quiet after one request at T0 + 500 s; the idle timeout (600 s) ends it as idle.
  withConversation('C', () => request('/chat', T0 + 500_000, 1));
  h.clock = T0 + 500_000 + 1000 + 600_000;
  h.processor.outcomes!.sweepIdle();

  const s = h.scrape();
  assert.equal(conv(s, 'aimeter_conversations_total', { aimeter_outcome: 'resolved', aimeter_first_contact: 'true' }), 1);
  assert.equal(conv(s, 'aimeter_conversations_total', { aimeter_outcome: 'escalated', aimeter_first_contact: '' }), 1);
  assert.equal(conv(s, 'aimeter_conversations_total', { aimeter_outcome: 'idle' }), 1);
  assert.equal(conv(s, 'aimeter_conversations_total'), 3);
  // Handle time: A from its first call (T0 + 10) to the end (T0 + 10 + 300 s): exactly 300 s, the bucket boundary.
  const resolved = { aimeter_outcome: 'resolved' };
  assert.equal(conv(s, 'aimeter_conversation_duration_seconds_sum', resolved), 300);
  assert.equal(find(s, 'aimeter_conversation_duration_seconds_bucket', { ...resolved, le: '300' })[0]?.value, 1);
  assert.equal(find(s, 'aimeter_conversation_duration_seconds_bucket', { ...resolved, le: '180' })[0]?.value, 0);
  // C (idle): first to last activity, not to the timeout: T0 + 500 s + 10 ms to T0 + 500 s + 100 ms.
  assert.equal(conv(s, 'aimeter_conversation_duration_seconds_sum', { aimeter_outcome: 'idle' }), 0.09);
  // Turns: A had two requests, B one (no traced turns).
  assert.equal(conv(s, 'aimeter_conversation_turns_sum', resolved), 2);
  assert.equal(conv(s, 'aimeter_conversation_turns_sum', { aimeter_outcome: 'escalated' }), 1);
  // Dollars: per conversation (histogram) and as calls ended (counter).
  assert.equal(conv(s, 'aimeter_conversation_cost_usd_sum', resolved), 0.375);
  assert.equal(find(s, 'aimeter_conversation_cost_usd_bucket', { ...resolved, le: '0.3' })[0]?.value, 0);
  assert.equal(find(s, 'aimeter_conversation_cost_usd_bucket', { ...resolved, le: '1' })[0]?.value, 1);
  assert.equal(conv(s, 'aimeter_conversation_cost_usd_sum', { aimeter_outcome: 'escalated' }), 0.125);
  assert.equal(conv(s, 'aimeter_conversations_cost_usd_total'), 0.625);
  // Every GenAI span inside withConversation carries the id: the exported span says so too.
  assert.equal(h.processor.outcomes!.openConversations, 0);
  h.clock = T0;
});

test('an outcome outside the allow-list is _OTHER; AIMETER_OUTCOMES adds words; bad input never throws', () => {
  const tracker = h.processor.outcomes!;
  tracker.endConversation('D', { outcome: 'resolvd' });
  tracker.endConversation('E', { outcome: 'callback' });
  assert.doesNotThrow(() => tracker.endConversation('', { outcome: 'resolved' }));
  assert.doesNotThrow(() => tracker.endConversation('F', { outcome: 5 } as never));
  assert.doesNotThrow(() => tracker.endConversation('F', undefined as never));
  assert.doesNotThrow(() => tracker.endConversation('F', { outcome: 'resolved', turns: -1 }));
  assert.doesNotThrow(() => tracker.endConversation('F', { outcome: 'resolved', startedAt: 'yesterday' as never }));
  assert.equal(withConversation(42 as never, () => 'ran'), 'ran');
  const s = h.scrape();
  assert.equal(sum(s, 'aimeter_conversations_total', { aimeter_outcome: '_OTHER' }), 1);
  assert.equal(sum(s, 'aimeter_conversations_total', { aimeter_outcome: 'callback' }), 1);
  // F was never ended: every call above was refused.
  assert.equal(sum(s, 'aimeter_conversations_total'), 5);
});

test('startedAt and turns complete a conversation this process did not see begin; its cost histogram is left alone', () => {
  const tracker = h.processor.outcomes!;
  const costCount = sum(h.scrape(), 'aimeter_conversation_cost_usd_count');
  h.clock = T0 + 900_000;
  tracker.endConversation('elsewhere', { outcome: 'unresolved', startedAt: new Date(T0), turns: 7 });
  const s = h.scrape();
  const where = { aimeter_outcome: 'unresolved' };
  assert.equal(sum(s, 'aimeter_conversation_duration_seconds_sum', where), 900);
  assert.equal(sum(s, 'aimeter_conversation_turns_sum', where), 7);
  assert.equal(find(s, 'aimeter_conversation_turns_bucket', { ...where, le: '6' })[0]?.value, 0);
  assert.equal(find(s, 'aimeter_conversation_turns_bucket', { ...where, le: '8' })[0]?.value, 1);
  assert.equal(sum(s, 'aimeter_conversation_cost_usd_count'), costCount);
  h.clock = T0;
});

test('open conversations are capped: the least recently active is let go, counted, and still countable at its end', () => {
  const tracker = h.processor.outcomes!;
  const evicted = () => sum(h.scrape(), 'aimeter_outcomes_overflow_total', { aimeter_tracked: 'conversation', aimeter_reason: 'cap' });
  const before = evicted();
  for (const id of ['k1', 'k2', 'k3', 'k4', 'k5']) withConversation(id, () => h.chat(T0, T0 + 1));
  assert.equal(tracker.openConversations, 4);
  assert.equal(evicted() - before, 1);
  const abandoned = () => sum(h.scrape(), 'aimeter_conversations_total', { aimeter_outcome: 'abandoned' });
  tracker.endConversation('k1', { outcome: 'abandoned' });
  assert.equal(abandoned(), 1);
  for (const id of ['k2', 'k3', 'k4', 'k5']) tracker.endConversation(id, { outcome: 'abandoned' });
  assert.equal(tracker.openConversations, 0);
});

test('two processes serving halves of the same conversations: the summed counters give the spend per resolved conversation', async () => {
  // Each "process" has its own processor and store, as two replicas behind a load balancer.
  const [p1, p2] = [harness(), harness()];
  try {
    // Four conversations; replica 1 serves the first turn of each (one call, $0.125), replica 2
    // the second (two calls, $0.25) and ends them: three resolved (two at first contact), one abandoned.
    const ids = ['w', 'x', 'y', 'z'];
    for (const id of ids) withConversation(id, () => p1.span('POST /chat', httpAttributes('/chat'), T0, T0 + 500, () => p1.chat(T0, T0 + 100), { kind: SpanKind.SERVER }));
    for (const id of ids) {
      withConversation(id, () =>
        p2.span('POST /chat', httpAttributes('/chat'), T0 + 60_000, T0 + 61_000, () => {
          p2.chat(T0 + 60_000, T0 + 60_100);
          p2.chat(T0 + 60_200, T0 + 60_300);
        }, { kind: SpanKind.SERVER }),
      );
    }
    p2.clock = T0 + 120_000;
    const outcomes: [string, string, boolean][] = [['w', 'resolved', true], ['x', 'resolved', true], ['y', 'resolved', false], ['z', 'abandoned', false]];
    for (const [id, outcome, firstContact] of outcomes) p2.processor.outcomes!.endConversation(id, { outcome, firstContact, startedAt: T0, turns: 2 });
    const both = (name: string, where: Record<string, string> = {}) => sum(p1.scrape(), name, where) + sum(p2.scrape(), name, where);
    const spend = both('aimeter_conversations_cost_usd_total');
    const resolved = both('aimeter_conversations_total', { aimeter_outcome: 'resolved' });
    assert.equal(spend, 4 * 0.375);
    assert.equal(resolved, 3);
    // What each resolution costs (the abandoned one's spend included): $1.50 / 3.
    assert.equal(spend / resolved, 0.5);
    // First-contact resolution rate: exact, each conversation counted once (by replica 2).
    assert.equal(both('aimeter_conversations_total', { aimeter_outcome: 'resolved', aimeter_first_contact: 'true' }) / resolved, 2 / 3);
    assert.equal(sum(p1.scrape(), 'aimeter_conversations_total'), 0);
    // startedAt and turns made replica 2's handle time and turns whole: 120 s and 2 turns each.
    assert.equal(sum(p2.scrape(), 'aimeter_conversation_duration_seconds_sum'), 4 * 120);
    assert.equal(sum(p2.scrape(), 'aimeter_conversation_turns_sum'), 8);
    // Its cost histogram holds only its half: the per-process figure docs/outcomes.md warns about.
    assert.equal(sum(p2.scrape(), 'aimeter_conversation_cost_usd_sum'), 4 * 0.25);
  } finally {
    await p1.shutdown();
    await p2.shutdown();
  }
});
