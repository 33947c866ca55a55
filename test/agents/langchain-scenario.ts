/**
 * A LangChain.js tool loop as v1 code without LangGraph writes it (langchain.test.ts runs it in
 * process, langchain-esm-app.mts through the ES module builds): a ChatOpenAI model with one tool
 * bound, against the loopback fake OpenAI (the first answer asks for the tool, the second
 * answers), the tool invoked with the model's ToolCall, inside the app's `traceAgent`. The
 * tool's own body makes one model call of its own (a summariser), to show its parenting.
 */
import type { FakeOpenAI } from '../../examples/fake-provider/openai';

export interface LangChainModules {
  readonly ChatOpenAI: any;
  /** `langchain`'s createAgent (v1 agents on LangGraph). */
  readonly createAgent: any;
  readonly tool: any;
  readonly HumanMessage: any;
  readonly z: any;
  readonly traceAgent: typeof import('../../src/api/trace').traceAgent;
}

/** The scenario's tool: its body makes a model call of its own (a summariser). */
function weatherTool(m: LangChainModules, model: any): any {
  return m.tool(
    async ({ city }: { city: string }) => {
      const summary = await model.invoke([new m.HumanMessage(`Summarise the weather in ${city}`)]);
      return `sunny in ${city}: ${String(summary.content)}`;
    },
    { name: 'get_weather', description: 'Weather of a city', schema: m.z.object({ city: m.z.string() }) },
  );
}

/**
 * The same run as an agent built with `createAgent({ name, model, tools })`, no traceAgent
 * around it: run with `invoke()`, or with `stream()` read to its end. Returns the last message.
 */
export async function runCreateAgentScenario(m: LangChainModules, fake: FakeOpenAI, agentName: string, how: 'invoke' | 'stream'): Promise<string> {
  const model = new m.ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'sk-test', maxRetries: 0, configuration: { baseURL: fake.url } });
  const agent = m.createAgent({ name: agentName, model, tools: [weatherTool(m, model)] });
  const input = { messages: [new m.HumanMessage('What is the weather in Paris?')] };
  if (how === 'invoke') {
    const state = await agent.invoke(input);
    return String(state.messages.at(-1).content);
  }
  let last = '';
  for await (const update of await agent.stream(input, { streamMode: 'values' })) last = String(update.messages.at(-1).content);
  return last;
}

export async function runLangChainScenario(m: LangChainModules, fake: FakeOpenAI, agentName: string): Promise<string> {
  const model = new m.ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'sk-test', maxRetries: 0, configuration: { baseURL: fake.url } });
  const weather = weatherTool(m, model);
  return m.traceAgent({ name: agentName }, async () => {
    const withTools = model.bindTools([weather]);
    const question = new m.HumanMessage('What is the weather in Paris?');
    const first = await withTools.invoke([question]);
    const results = [];
    for (const call of first.tool_calls ?? []) results.push(await weather.invoke(call));
    const last = await withTools.invoke([question, first, ...results]);
    return String(last.content);
  });
}
