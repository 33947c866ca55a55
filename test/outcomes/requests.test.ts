/** Request roll-ups: exact dollars, tokens and calls per request, the summary, and bounded memory. */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { SpanKind, TraceFlags } from '@opentelemetry/api';
import { onRequestEnd, type RequestSummary } from '../../src/outcomes/request-summary';
import { find, sum } from '../helpers/exposition';
import { harness, httpAttributes, T0 } from './harness';

const h = harness({ outcomes: { maxOpenRequests: 3, requestTtlMs: 60_000, config: { requestSummary: true, extraOutcomes: [], conversationIdleTimeoutSeconds: 1800, variant: '' } } });
after(() => h.shutdown());

const bucket = (name: string, le: string, where: Record<string, string>) => find(h.scrape(), `${name}_bucket`, { ...where, le })[0]?.value;

test('an HTTP request with an agent, two priced calls and a tool: exact roll-up, summary and line', () => {
  const seen: RequestSummary[] = [];
  const off = onRequestEnd((s) => seen.push(s));
  const root = h.span('POST /chat', { ...httpAttributes('/chat'), 'enduser.id': 'user-7' }, T0, T0 + 2300, () => {
    h.span('invoke_agent support', { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'support', 'gen_ai.conversation.id': 'conv-1' }, T0 + 100, T0 + 600, () => {
      h.chat(T0 + 100, T0 + 200);
      h.span('execute_tool lookup', { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup' }, T0 + 200, T0 + 500);
      h.chat(T0 + 500, T0 + 600);
    });
  }, { kind: SpanKind.SERVER });
  off();
  const route = { http_route: '/chat', error_type: '' };
  const s = h.scrape();
  assert.equal(sum(s, 'aimeter_request_cost_usd_sum', route), 0.25);
  assert.equal(sum(s, 'aimeter_request_cost_usd_count', route), 1);
  assert.equal(bucket('aimeter_request_cost_usd', '0.1', route), 0);
  assert.equal(bucket('aimeter_request_cost_usd', '0.3', route), 1);
  assert.equal(sum(s, 'aimeter_request_tokens_sum', { ...route, gen_ai_token_type: 'input' }), 128);
  assert.equal(sum(s, 'aimeter_request_tokens_sum', { ...route, gen_ai_token_type: 'output' }), 64);
  assert.equal(sum(s, 'aimeter_request_model_calls_sum', route), 2);
  assert.equal(bucket('aimeter_request_model_calls', '1', route), 0);
  assert.equal(bucket('aimeter_request_model_calls', '2', route), 1);
  // The request's dollars are the calls' dollars, not a second pricing.
  assert.equal(sum(s, 'aimeter_cost_usd_total'), 0.25);

  assert.equal(seen.length, 1);
  const r = seen[0]!;
  assert.equal(r.traceId, root.spanContext().traceId);
  assert.deepEqual(
    { ...r, traceId: undefined },
    {
      traceId: undefined,
      name: 'POST /chat',
      route: '/chat',
      method: 'POST',
      statusCode: 200,
      errorType: '',
      variant: '',
      durationSeconds: 2.3,
      costUsd: 0.25,
      unpricedCalls: 0,
      inputTokens: 128,
      outputTokens: 64,
      modelCalls: 2,
      toolCalls: 1,
      models: ['gpt-test'],
      agents: [{ name: 'support', calls: 1, durationSeconds: 0.5 }],
      tools: [{ name: 'lookup', calls: 1, durationSeconds: 0.3 }],
      conversationId: 'conv-1',
      endUserId: 'user-7',
    },
  );
  assert.deepEqual(h.lines, ['POST /chat 200  2.3 s  tokens 192 (128 in / 64 out)  $0.250  agents support(1, 500 ms)  tools lookup(1, 300 ms)']);
  assert.equal(h.processor.outcomes!.openRequests, 0);
});

test('a root without any GenAI call records nothing and keeps nothing open', () => {
  const before = h.scrape().samples.length;
  h.span('GET /health', httpAttributes('/health', 200, 'GET'), T0, T0 + 5, () => h.span('db query', {}, T0 + 1, T0 + 2), { kind: SpanKind.SERVER });
  assert.equal(h.scrape().samples.length, before);
  assert.equal(find(h.scrape(), 'aimeter_request_model_calls_count', { http_route: '/health' }).length, 0);
  assert.equal(h.processor.outcomes!.openRequests, 0);
});

test('no HTTP span: the outermost agent names the route; a failed root sets error_type', () => {
  h.span('invoke_agent planner', { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner', 'error.type': 'timeout' }, T0, T0 + 1000, () => {
    h.span('invoke_agent helper', { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'helper' }, T0, T0 + 500, () => h.chat(T0, T0 + 100));
  }, { error: true });
  const s = h.scrape();
  assert.equal(sum(s, 'aimeter_request_cost_usd_sum', { http_route: 'planner', error_type: 'timeout' }), 0.125);
  assert.equal(sum(s, 'aimeter_request_model_calls_count', { http_route: 'helper' }), 0);
  // A model call outside any trace is its own request, with no route.
  h.chat(T0, T0 + 100);
  assert.equal(sum(h.scrape(), 'aimeter_request_model_calls_count', { http_route: '', error_type: '' }), 1);
});

test('a request whose root has a remote parent (trace context came in) is still rolled up', () => {
  const remote = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED, isRemote: true };
  const { trace, ROOT_CONTEXT } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const parent = trace.setSpanContext(ROOT_CONTEXT, remote);
  h.span('POST /remote', httpAttributes('/remote'), T0, T0 + 10, () => h.chat(T0, T0 + 5), { parent, kind: SpanKind.SERVER });
  assert.equal(sum(h.scrape(), 'aimeter_request_cost_usd_sum', { http_route: '/remote' }), 0.125);
});

test('open requests are capped and expire; both evictions are counted', () => {
  const tracker = h.processor.outcomes!;
  const evicted = (reason: string) => sum(h.scrape(), 'aimeter_outcomes_overflow_total', { aimeter_tracked: 'request', aimeter_reason: reason });
  const ttl0 = evicted('ttl');
  const cap0 = evicted('cap');
  // Three roots that never end (their GenAI children do): the cap of 3 holds them.
  const { ROOT_CONTEXT, trace } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const tracer = h.provider.getTracer('never-ending');
  const open = () => {
    const root = tracer.startSpan('POST /stuck', { attributes: httpAttributes('/stuck') }, ROOT_CONTEXT);
    h.chat(h.clock, h.clock + 1, {}, trace.setSpan(ROOT_CONTEXT, root));
    return root;
  };
  open();
  open();
  open();
  assert.equal(tracker.openRequests, 3);
  open();
  assert.equal(tracker.openRequests, 3);
  assert.equal(evicted('cap') - cap0, 1);
  // A minute later (the TTL) they are gone, counted as expired.
  h.clock += 60_000;
  tracker.sweepRequests();
  assert.equal(tracker.openRequests, 0);
  assert.equal(evicted('ttl') - ttl0, 3);
  h.clock = T0;
});

test('a listener that throws is contained; onRequestEnd rejects a non-function without throwing', () => {
  const off = onRequestEnd(() => {
    throw new Error('listener bug');
  });
  assert.doesNotThrow(() => h.span('POST /x', httpAttributes('/x'), T0, T0 + 1, () => h.chat(T0, T0 + 1), { kind: SpanKind.SERVER }));
  off();
  assert.equal(sum(h.scrape(), 'aimeter_request_model_calls_count', { http_route: '/x' }), 1);
  assert.doesNotThrow(() => (onRequestEnd as (x: unknown) => () => void)('not a function')());
});
