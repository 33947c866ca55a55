/**
 * A whole agent run traced with the manual API: request -> agent -> LLM -> tool -> LLM must be
 * one trace with the right parent links, and the metrics must carry agent/tool labels, count
 * calls per run and count tokens and dollars exactly once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, trace } from '@opentelemetry/api';
import { traceAgent, traceLlm, traceTool } from '../../src/api';
import { setupTelemetry } from '../helpers/telemetry';
import { find, sum } from '../helpers/exposition';
import { close, parentId, sleep, spanNamed } from './util';

// prices/prices.yaml, openai gpt-4o-mini: input $0.15, cache read $0.075, output $0.60 per 1M tokens.
const IN = 0.15 / 1e6;
const CACHED = 0.075 / 1e6;
const OUT = 0.6 / 1e6;
// Call 1: 1000 input of which 400 cache reads, 200 output. Call 2: 1500 input, 300 output.
const COST_1 = 600 * IN + 400 * CACHED + 200 * OUT; // 0.00024
const COST_2 = 1500 * IN + 300 * OUT; // 0.000405

async function agentRun(options: { agentReportsUsage: boolean }): Promise<string> {
  const tracer = trace.getTracer('test-app');
  return tracer.startActiveSpan('POST /ask', async (request) => {
    try {
      return await traceAgent(
        { name: 'planner', provider: 'openai', model: 'gpt-4o-mini', id: 'agent-7', description: 'plans trips', conversationId: 'conv-1' },
        async (agent) => {
          const first = await traceLlm({ provider: 'openai', model: 'gpt-4o-mini' }, async (call) => {
            await sleep(3);
            call.setUsage({ inputTokens: 1000, outputTokens: 200, cacheReadTokens: 400 });
            call.setResponse({ model: 'gpt-4o-mini-2024-07-18', id: 'chatcmpl-1', finishReasons: ['tool_calls'] });
            return { tool: 'search', query: 'paris' };
          });
          const found = await traceTool({ name: first.tool, type: 'function', callId: 'call_1', arguments: { q: first.query } }, async () => {
            await sleep(2);
            return ['Eiffel tower'];
          });
          const answer = await traceLlm({ provider: 'openai', model: 'gpt-4o-mini' }, async (call) => {
            await sleep(3);
            call.setUsage({ inputTokens: 1500, outputTokens: 300 });
            call.setResponse({ model: 'gpt-4o-mini-2024-07-18', finishReasons: ['stop'] });
            return `Visit the ${found[0]}`;
          });
          // The agent's own roll-up of its calls: must not be counted a second time.
          if (options.agentReportsUsage) agent.setUsage({ inputTokens: 2500, outputTokens: 500, cacheReadTokens: 400 });
          return answer;
        },
      );
    } finally {
      request.end();
    }
  });
}

test('request -> agent -> LLM -> tool -> LLM is one trace with correct parent links', async () => {
  const t = setupTelemetry();
  try {
    const answer = await agentRun({ agentReportsUsage: false });
    assert.equal(answer, 'Visit the Eiffel tower');

    const spans = t.exporter.getFinishedSpans();
    assert.equal(spans.length, 5);
    const request = spanNamed(t.exporter, 'POST /ask');
    const agent = spanNamed(t.exporter, 'invoke_agent planner');
    const tool = spanNamed(t.exporter, 'execute_tool search');
    const llms = spans.filter((s) => s.name === 'chat gpt-4o-mini');
    assert.equal(llms.length, 2);

    const traceId = request.spanContext().traceId;
    for (const s of spans) assert.equal(s.spanContext().traceId, traceId, `${s.name} in the request's trace`);
    assert.equal(parentId(agent), request.spanContext().spanId);
    for (const s of [...llms, tool]) assert.equal(parentId(s), agent.spanContext().spanId, `${s.name} child of the agent`);

    assert.equal(agent.kind, SpanKind.INTERNAL);
    assert.equal(tool.kind, SpanKind.INTERNAL);
    for (const s of llms) assert.equal(s.kind, SpanKind.CLIENT);
    assert.equal(agent.instrumentationScope.name, 'aimeter');
    assert.equal(agent.instrumentationScope.version, (require('../../../package.json') as { version: string }).version);

    assert.deepEqual(agent.attributes, {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.agent.name': 'planner',
      'gen_ai.agent.id': 'agent-7',
      'gen_ai.agent.description': 'plans trips',
      'gen_ai.conversation.id': 'conv-1',
    });
    assert.deepEqual(tool.attributes, {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'search',
      'gen_ai.tool.type': 'function',
      'gen_ai.tool.call.id': 'call_1',
      // traceAgent({ conversationId }) puts every GenAI span inside into the conversation.
      'gen_ai.conversation.id': 'conv-1',
    });
    assert.deepEqual(llms[0]!.attributes, {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 200,
      'gen_ai.usage.cache_read.input_tokens': 400,
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': 'chatcmpl-1',
      'gen_ai.response.finish_reasons': ['tool_calls'],
      'gen_ai.conversation.id': 'conv-1',
    });
  } finally {
    await t.shutdown();
  }
});

for (const agentReportsUsage of [false, true]) {
  test(`metrics of the run: labels, calls per run, exact tokens and dollars (agent reports usage: ${agentReportsUsage})`, async () => {
    const t = setupTelemetry();
    try {
      await agentRun({ agentReportsUsage });
      const agentSpan = spanNamed(t.exporter, 'invoke_agent planner');
      assert.equal(agentSpan.attributes['gen_ai.usage.input_tokens'], agentReportsUsage ? 2500 : undefined);
      const m = t.scrape();
      const chat = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o-mini' };

      // Both model calls carry the agent's name (and no tool name).
      assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { ...chat, gen_ai_agent_name: 'planner', gen_ai_tool_name: '' }), 2);
      assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', chat), 2);
      // The tool: its own name and the agent's.
      assert.equal(
        sum(m, 'gen_ai_client_operation_duration_seconds_count', {
          gen_ai_operation_name: 'execute_tool',
          gen_ai_tool_name: 'search',
          gen_ai_agent_name: 'planner',
          error_type: '',
        }),
        1,
      );
      // The agent run itself.
      assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { gen_ai_operation_name: 'invoke_agent', gen_ai_agent_name: 'planner' }), 1);

      // Calls per run: 2 model calls, 1 tool call, in the right buckets.
      const run = { gen_ai_agent_name: 'planner' };
      assert.equal(sum(m, 'aimeter_agent_model_calls_count', run), 1);
      assert.equal(sum(m, 'aimeter_agent_model_calls_sum', run), 2);
      assert.equal(sum(m, 'aimeter_agent_model_calls_bucket', { ...run, le: '1' }), 0);
      assert.equal(sum(m, 'aimeter_agent_model_calls_bucket', { ...run, le: '2' }), 1);
      assert.equal(sum(m, 'aimeter_agent_tool_calls_count', run), 1);
      assert.equal(sum(m, 'aimeter_agent_tool_calls_sum', run), 1);
      assert.equal(sum(m, 'aimeter_agent_tool_calls_bucket', { ...run, le: '0' }), 0);
      assert.equal(sum(m, 'aimeter_agent_tool_calls_bucket', { ...run, le: '1' }), 1);

      // Tokens: exactly the two model calls, whether or not the agent also reported a roll-up.
      assert.equal(sum(m, 'aimeter_tokens_total', { gen_ai_token_type: 'input' }), 2500);
      assert.equal(sum(m, 'aimeter_tokens_total', { gen_ai_token_type: 'output' }), 500);
      assert.equal(sum(m, 'aimeter_tokens_total', { gen_ai_token_type: 'cache_read' }), 400);
      assert.equal(sum(m, 'aimeter_tokens_total', { gen_ai_token_type: 'input', gen_ai_agent_name: 'planner' }), 2500);
      assert.equal(sum(m, 'aimeter_tokens_total', { gen_ai_operation_name: 'invoke_agent' }), 0);
      assert.equal(sum(m, 'gen_ai_client_token_usage_count', { gen_ai_token_type: 'input' }), 2);
      assert.equal(sum(m, 'gen_ai_client_token_usage_sum', { gen_ai_token_type: 'input' }), 2500);

      // Dollars, hand-computed from prices/prices.yaml.
      close(sum(m, 'aimeter_cost_usd_total'), COST_1 + COST_2, 'total cost');
      close(COST_1 + COST_2, 0.000645, 'hand arithmetic');
      close(sum(m, 'aimeter_cost_usd_total', { gen_ai_agent_name: 'planner', gen_ai_operation_name: 'chat' }), 0.000645, 'cost per agent');
      assert.equal(sum(m, 'aimeter_cost_usd_total', { gen_ai_operation_name: 'invoke_agent' }), 0);
      assert.equal(sum(m, 'aimeter_operation_cost_usd_count'), 2);
      close(sum(m, 'aimeter_cache_savings_usd_total'), 400 * (IN - CACHED), 'cache savings');
      assert.equal(sum(m, 'aimeter_unpriced_operations_total'), 0);
    } finally {
      await t.shutdown();
    }
  });
}

test('an LLM called inside a tool is labelled with the tool and counted for the agent', async () => {
  const t = setupTelemetry();
  try {
    await traceAgent({ name: 'researcher' }, () =>
      traceTool({ name: 'summarize' }, () =>
        traceLlm({ provider: 'openai', model: 'gpt-4o-mini' }, (call) => {
          call.setUsage({ inputTokens: 10, outputTokens: 5 });
          return 'ok';
        }),
      ),
    );
    const tool = spanNamed(t.exporter, 'execute_tool summarize');
    const llm = spanNamed(t.exporter, 'chat gpt-4o-mini');
    assert.equal(parentId(llm), tool.spanContext().spanId);
    const m = t.scrape();
    assert.equal(
      sum(m, 'aimeter_tokens_total', { gen_ai_token_type: 'input', gen_ai_agent_name: 'researcher', gen_ai_tool_name: 'summarize' }),
      10,
    );
    assert.equal(sum(m, 'aimeter_agent_model_calls_sum', { gen_ai_agent_name: 'researcher' }), 1);
    assert.equal(sum(m, 'aimeter_agent_tool_calls_sum', { gen_ai_agent_name: 'researcher' }), 1);
    assert.equal(find(m, 'aimeter_agent_model_calls_count').length, 1);
  } finally {
    await t.shutdown();
  }
});

test('the tracer is looked up at call time: a provider registered later is used', async () => {
  // No provider: the call runs untraced (and unharmed).
  assert.equal(traceLlm({ provider: 'openai', model: 'gpt-4o-mini' }, () => 7), 7);
  const t = setupTelemetry();
  try {
    assert.equal(traceLlm({ provider: 'openai', model: 'gpt-4o-mini' }, () => 8), 8);
    assert.equal(t.exporter.getFinishedSpans().length, 1);
  } finally {
    await t.shutdown();
  }
});
