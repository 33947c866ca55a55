/**
 * LangChain.js (`@langchain/core` 1.x, `@langchain/openai` 1.x over `openai`): a tool loop inside
 * the app's traceAgent, against the loopback fake OpenAI (langchain-scenario.ts). Asserted from
 * the exported spans and the exposition: agent -> model calls, agent -> tool (name, call id),
 * tool -> its own model call, every model call counted once (LangChain adds no chat span of its
 * own), no tool content unless capture is on; the ES module builds in a child (langchain-esm-app.mts).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { setupTelemetry, type TestTelemetry } from '../helpers/telemetry';
import { parseExposition, sum, type Exposition } from '../helpers/exposition';
import { startFakeOpenAI, type FakeOpenAI } from '../../examples/fake-provider/openai';
import { OpenAIInstrumentation } from '../../instrumentations/openai';
import { LangChainInstrumentation } from '../../instrumentations/langchain';
import { setRuntimeSettings } from '../../src/config/runtime';
import { traceAgent } from '../../src/api/trace';
import { runCreateAgentScenario, runLangChainScenario, type LangChainModules } from './langchain-scenario';

let telemetry: TestTelemetry;
let fake: FakeOpenAI;
let modules: LangChainModules;

before(async () => {
  setRuntimeSettings({ captureMessageContent: false });
  telemetry = setupTelemetry({ instrumentations: [new OpenAIInstrumentation(), new LangChainInstrumentation()] });
  fake = await startFakeOpenAI();
  modules = {
    ChatOpenAI: require('@langchain/openai').ChatOpenAI,
    createAgent: require('langchain').createAgent,
    tool: require('@langchain/core/tools').tool,
    HumanMessage: require('@langchain/core/messages').HumanMessage,
    z: require('zod').z,
    traceAgent,
  };
});

after(async () => {
  await fake.close();
  await telemetry.shutdown();
  setRuntimeSettings({ captureMessageContent: false });
});

interface SpanView {
  readonly name: string;
  readonly id: string;
  readonly parentId: string | undefined;
  readonly attributes: Record<string, unknown>;
}

function view(s: ReadableSpan): SpanView {
  return { name: s.name, id: s.spanContext().spanId, parentId: s.parentSpanContext?.spanId, attributes: s.attributes };
}

/** The checks both module systems share: the spans of one run of the scenario and the exposition. */
function assertLangChainRun(spans: readonly SpanView[], m: Exposition, agentName: string, capture: boolean): void {
  const agents = spans.filter((s) => s.name === `invoke_agent ${agentName}`);
  assert.equal(agents.length, 1, JSON.stringify(spans.map((s) => s.name)));
  const agent = agents[0]!;
  assert.equal(agent.attributes['gen_ai.agent.name'], agentName);
  assert.equal(agent.attributes['gen_ai.operation.name'], 'invoke_agent');
  if (!capture) for (const key of Object.keys(agent.attributes)) assert.doesNotMatch(key, /messages|instructions|arguments|result/, `${key} recorded without capture`);
  assert.equal(agent.parentId, undefined, 'the agent run is the root of its trace');
  const tools = spans.filter((s) => s.name === 'execute_tool get_weather');
  assert.equal(tools.length, 1, 'one span per tool invocation (invoke -> call -> _call)');
  const toolSpan = tools[0]!;
  assert.equal(toolSpan.parentId, agent.id, 'agent -> tool');
  assert.equal(toolSpan.attributes['gen_ai.tool.call.id'], 'call_fake_1');
  assert.equal(toolSpan.attributes['gen_ai.tool.type'], 'function');
  const chats = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat');
  assert.equal(chats.length, 3, 'two turns and the tool\'s own call, one span each');
  assert.equal(chats.filter((s) => s.parentId === agent.id).length, 2, 'agent -> model calls');
  assert.equal(chats.filter((s) => s.parentId === toolSpan.id).length, 1, 'tool -> its model call');
  if (capture) {
    assert.equal(toolSpan.attributes['gen_ai.tool.call.arguments'], '{"city":"fake"}');
    assert.match(String(toolSpan.attributes['gen_ai.tool.call.result']), /^sunny in fake: Fake reply to: /);
  } else {
    for (const key of Object.keys(toolSpan.attributes)) assert.doesNotMatch(key, /arguments|result/, `${key} recorded without capture`);
  }
  const a = { gen_ai_agent_name: agentName };
  const duration = 'gen_ai_client_operation_duration_seconds_count';
  assert.equal(sum(m, duration, { ...a, gen_ai_operation_name: 'invoke_agent' }), 1);
  assert.equal(sum(m, duration, { ...a, gen_ai_operation_name: 'chat' }), 3, 'each model call counted once');
  assert.equal(sum(m, duration, { ...a, gen_ai_operation_name: 'chat', gen_ai_tool_name: 'get_weather' }), 1);
  assert.equal(sum(m, duration, { ...a, gen_ai_operation_name: 'execute_tool', gen_ai_tool_name: 'get_weather' }), 1);
  assert.equal(sum(m, 'aimeter_agent_model_calls_sum', a), 3);
  assert.equal(sum(m, 'aimeter_agent_tool_calls_sum', a), 1);
  assert.equal(sum(m, 'aimeter_tokens_total', { ...a, gen_ai_token_type: 'input' }), INPUT_TOKENS);
  assert.equal(sum(m, 'aimeter_tokens_total', { ...a, gen_ai_token_type: 'output' }), OUTPUT_TOKENS);
}

/**
 * The fake's usage (examples/fake-provider/openai.ts: input 3 per message + its words, 8 per tool;
 * output the reply's words, 10 for a tool call): turn 1 (question + tool) 17 in / 10 out, the
 * tool's summariser 8 / 8, turn 2 (question, tool call, tool result + tool) 35 / 14.
 */
const INPUT_TOKENS = 17 + 8 + 35;
const OUTPUT_TOKENS = 10 + 8 + 14;

test('LangChain tool loop (CommonJS): agent -> model calls, agent -> tool -> model call, counted once, no content', async () => {
  telemetry.exporter.reset();
  const answer = await runLangChainScenario(modules, fake, 'lc-agent');
  assert.match(answer, /^Fake reply to: sunny in fake/);
  assertLangChainRun(telemetry.exporter.getFinishedSpans().map(view), telemetry.scrape(), 'lc-agent', false);
});

for (const how of ['invoke', 'stream'] as const) {
  test(`LangChain createAgent, ${how === 'invoke' ? 'invoke()' : 'stream() read to its end'} (CommonJS): invoke_agent -> model calls, -> tool -> model call, counted once, no content`, async () => {
    telemetry.exporter.reset();
    const answer = await runCreateAgentScenario(modules, fake, `lc-create-${how}`, how);
    assert.match(answer, /^Fake reply to: sunny in fake/);
    assertLangChainRun(telemetry.exporter.getFinishedSpans().map(view), telemetry.scrape(), `lc-create-${how}`, false);
  });
}

test('LangChain createAgent whose model cannot be reached: the same error to the caller, error.type on the agent span', async () => {
  telemetry.exporter.reset();
  // A loopback port nothing listens on: the model call fails before any answer.
  const model = new modules.ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'sk-test', maxRetries: 0, configuration: { baseURL: 'http://127.0.0.1:1/v1' } });
  const agent = modules.createAgent({ name: 'lc-down', model, tools: [] });
  let thrown: unknown;
  await agent.invoke({ messages: [new modules.HumanMessage('hello')] }).catch((e: unknown) => (thrown = e));
  assert.ok(thrown instanceof Error, String(thrown));
  const spans = telemetry.exporter.getFinishedSpans().filter((s) => s.name === 'invoke_agent lc-down');
  assert.equal(thrown.constructor.name, 'APIConnectionError');
  // The openai SDK's connection error, as the kit names it (src/tracing/error-type.ts), on the run and on its model call.
  assert.deepEqual(spans.map((s) => s.attributes['error.type']), ['connection_error']);
  const m = telemetry.scrape();
  const failed = { gen_ai_agent_name: 'lc-down', error_type: 'connection_error' };
  assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { ...failed, gen_ai_operation_name: 'invoke_agent' }), 1);
  assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { ...failed, gen_ai_operation_name: 'chat' }), 1);
});

test('LangChain tool with content capture on: arguments and result recorded', async () => {
  telemetry.exporter.reset();
  setRuntimeSettings({ captureMessageContent: true });
  try {
    await runLangChainScenario(modules, fake, 'lc-capture-agent');
  } finally {
    setRuntimeSettings({ captureMessageContent: false });
  }
  assertLangChainRun(telemetry.exporter.getFinishedSpans().map(view), telemetry.scrape(), 'lc-capture-agent', true);
});

test('LangChain through its ES module builds (import): the same spans and metrics', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(__dirname, 'apps', 'langchain-esm-app.mjs')], { timeout: 30_000, maxBuffer: 8 * 1024 * 1024 });
  const out = JSON.parse(stdout.trim().split('\n').pop()!) as { spans: SpanView[]; agentSpans: SpanView[]; metrics: string; toolFile: string; agentFile: string };
  assert.match(out.toolFile, /dist\/tools\/index\.js(\?|$)/, 'the ES module build of @langchain/core/tools');
  assert.match(out.agentFile, /langchain\/dist\/index\.js(\?|$)/, 'the ES module build of langchain');
  const m = parseExposition(out.metrics);
  assertLangChainRun(out.spans, m, 'lc-esm-agent', false);
  assertLangChainRun(out.agentSpans, m, 'lc-esm-create-agent', false);
});

test('LangChain tool that throws, or gets input its schema rejects: the same error to the caller, error.type on the span', async () => {
  telemetry.exporter.reset();
  class WeatherDown extends Error {}
  const failing = modules.tool(
    () => {
      throw new WeatherDown('no weather today');
    },
    { name: 'get_weather', description: 'Weather of a city', schema: modules.z.object({ city: modules.z.string() }) },
  );
  const thrown = new WeatherDown('unused');
  await assert.rejects(failing.invoke({ type: 'tool_call', id: 'call_1', name: 'get_weather', args: { city: 'Paris' } }), (e: unknown) => e instanceof WeatherDown && e !== thrown);
  await assert.rejects(failing.invoke({ city: 42 }), (e: unknown) => (e as Error).constructor.name === 'ToolInputParsingException');
  const spans = telemetry.exporter.getFinishedSpans().filter((s) => s.name === 'execute_tool get_weather');
  assert.deepEqual(
    spans.map((s) => [s.attributes['error.type'], s.attributes['gen_ai.tool.call.id']]),
    [
      ['WeatherDown', 'call_1'],
      ['ToolInputParsingException', undefined],
    ],
  );
  const m = telemetry.scrape();
  assert.equal(sum(m, 'gen_ai_client_operation_duration_seconds_count', { gen_ai_operation_name: 'execute_tool', error_type: 'WeatherDown' }), 1);
});
