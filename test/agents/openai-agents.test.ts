/**
 * OpenAI Agents SDK (`@openai/agents` 0.20, which needs openai 7 and so Node >= 22): one child
 * under `npx -y node@22` (its binary located once, then run directly) runs apps/agents-app.mts,
 * the same agent with one function tool through the SDK's CommonJS and ES module builds, against
 * the loopback fake OpenAI. Asserted from the exported spans and the exposition: the parent chain
 * (agent -> model call, agent -> tool, tool -> model call), agent and tool labels, each model
 * call counted once (the SDK's own response spans are not counted beside the openai spans), no
 * content unless capture is on, a failed tool call. Skipped with a message when npx cannot fetch
 * Node 22.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseExposition, sum } from '../helpers/exposition';

interface ChildSpan {
  readonly name: string;
  readonly id: string;
  readonly traceId: string;
  readonly parentId: string | undefined;
  readonly attributes: Record<string, unknown>;
}

function node22(): string | undefined {
  try {
    const bin = execFileSync('npx', ['-y', 'node@22', '-p', 'process.execPath'], { timeout: 60_000, encoding: 'utf8' }).trim();
    return execFileSync(bin, ['--version'], { encoding: 'utf8' }).startsWith('v22.') ? bin : undefined;
  } catch {
    return undefined;
  }
}

const NODE22 = node22();
/**
 * Input and output tokens of the streamed Chat Completions run (the fake: 3 per message + its
 * words, 8 per tool): turn 1 system + user + tool = 4 + 9 + 8 in, a tool call 10 out; turn 2 with
 * the tool call and its result 4 + 9 + 4 + 6 + 8 in, "Fake reply to: sunny in fake" 6 out.
 */
const CHAT_USAGE = [21 + 31, 10 + 6];
const APP = path.join(__dirname, 'apps', 'agents-app.mjs');

test('OpenAI Agents SDK (CJS and ESM builds, Node 22): agent runs, tools and model calls in one trace, counted once', { skip: NODE22 ? false : 'npx -y node@22 could not fetch Node 22' }, async () => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The SDK turns its tracing off under NODE_ENV=test or OPENAI_AGENTS_DISABLE_TRACING.
  delete env.NODE_ENV;
  delete env.OPENAI_AGENTS_DISABLE_TRACING;
  delete env.OPENAI_API_KEY;
  const { stdout } = await promisify(execFile)(NODE22!, [APP], { timeout: 60_000, env, maxBuffer: 16 * 1024 * 1024 });
  const out = JSON.parse(stdout.trim().split('\n').pop()!) as { node: string; outputs: unknown[]; requests: string[]; spans: ChildSpan[]; metrics: string };
  assert.match(out.node, /^v22\./);
  // Every run: the model asks for the tool, then answers with its result.
  assert.deepEqual(out.outputs, [...Array(4).fill('Fake reply to: sunny in fake'), 'Fake reply to: An error occurred while running the tool. Please try again.']);
  // 2 Responses API calls per run, the capture run's tool makes one chat completion, the streamed
  // run uses the Chat Completions model.
  const responses = '/v1/responses';
  const completions = '/v1/chat/completions';
  assert.deepEqual(out.requests, [responses, responses, responses, responses, responses, completions, responses, completions, completions, responses, responses]);

  for (const agentName of ['cjs-agent', 'esm-agent', 'capture-agent', 'stream-agent', 'failing-agent']) {
    const agents = out.spans.filter((s) => s.name === `invoke_agent ${agentName}`);
    assert.equal(agents.length, 1, agentName);
    const agent = agents[0]!;
    assert.equal(agent.parentId, undefined, 'the run is the root of its trace');
    assert.equal(agent.attributes['gen_ai.agent.name'], agentName);
    const inTrace = out.spans.filter((s) => s.traceId === agent.traceId);
    const tools = inTrace.filter((s) => s.name === 'execute_tool get_weather');
    assert.equal(tools.length, 1);
    assert.equal(tools[0]!.parentId, agent.id, 'agent -> tool');
    assert.equal(tools[0]!.attributes['gen_ai.tool.type'], 'function');
    // The SDK's span error (the tool threw) fails the tool's span; its message stays out.
    assert.equal(tools[0]!.attributes['error.type'], agentName === 'failing-agent' ? '_OTHER' : undefined);
    const calls = inTrace.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat');
    const fromAgent = calls.filter((s) => s.parentId === agent.id);
    assert.equal(fromAgent.length, 2, 'agent -> model call, for both turns');
    for (const call of fromAgent) {
      assert.equal(call.attributes['gen_ai.provider.name'], 'openai');
      assert.equal(call.attributes['gen_ai.request.stream'], agentName === 'stream-agent');
    }
    // Nothing else: no span of the SDK's task/turn/response spans of its own.
    const fromTool = calls.filter((s) => s.parentId === tools[0]!.id);
    assert.equal(inTrace.length, 1 + 1 + 2 + fromTool.length, JSON.stringify(inTrace.map((s) => s.name)));
    if (agentName === 'capture-agent') {
      assert.equal(fromTool.length, 1, 'tool -> model call');
      assert.equal(tools[0]!.attributes['gen_ai.tool.call.arguments'], '{"city":"fake"}');
      assert.equal(tools[0]!.attributes['gen_ai.tool.call.result'], 'sunny in fake');
    } else {
      assert.equal(fromTool.length, 0);
      for (const s of inTrace) {
        for (const key of Object.keys(s.attributes)) assert.doesNotMatch(key, /arguments|result|messages|instructions/, `${s.name}: ${key} recorded without capture`);
      }
    }
  }

  const m = parseExposition(out.metrics);
  const duration = 'gen_ai_client_operation_duration_seconds_count';
  for (const agentName of ['cjs-agent', 'esm-agent', 'stream-agent']) {
    const agent = { gen_ai_agent_name: agentName };
    assert.equal(sum(m, duration, { ...agent, gen_ai_operation_name: 'invoke_agent' }), 1);
    assert.equal(sum(m, duration, { ...agent, gen_ai_operation_name: 'chat' }), 2, 'each model call counted once');
    assert.equal(sum(m, duration, { ...agent, gen_ai_operation_name: 'execute_tool', gen_ai_tool_name: 'get_weather' }), 1);
    // The fake's usage (the SDK's own roll-ups are not added): Responses API 18 + 28 input,
    // 10 + 6 output; Chat Completions (instructions as a system message): CHAT_USAGE.
    const [input, output] = agentName === 'stream-agent' ? CHAT_USAGE : [18 + 28, 10 + 6];
    assert.equal(sum(m, 'aimeter_tokens_total', { ...agent, gen_ai_token_type: 'input' }), input);
    assert.equal(sum(m, 'aimeter_tokens_total', { ...agent, gen_ai_token_type: 'output' }), output);
    assert.equal(sum(m, 'aimeter_agent_model_calls_sum', agent), 2);
    assert.equal(sum(m, 'aimeter_agent_tool_calls_sum', agent), 1);
  }
  // The tool's own model call carries the agent and the tool.
  assert.equal(sum(m, duration, { gen_ai_agent_name: 'capture-agent', gen_ai_operation_name: 'chat', gen_ai_tool_name: 'get_weather' }), 1);
  assert.equal(sum(m, duration, { gen_ai_agent_name: 'capture-agent', gen_ai_operation_name: 'chat' }), 3);
  assert.equal(sum(m, duration, { gen_ai_operation_name: 'chat' }), 11, 'one sample per HTTP call to the fake');
  assert.equal(sum(m, duration, { gen_ai_operation_name: 'execute_tool', error_type: '_OTHER' }), 1);
  assert.equal(sum(m, duration, { gen_ai_agent_name: 'failing-agent', gen_ai_operation_name: 'invoke_agent', error_type: '_OTHER' }), 0, 'the run itself succeeded');
  assert.equal(sum(m, 'gen_ai_client_operation_time_to_first_chunk_seconds_count', { gen_ai_agent_name: 'stream-agent' }), 2);
});
