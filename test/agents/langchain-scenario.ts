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
  readonly tool: any;
  readonly HumanMessage: any;
  readonly z: any;
  readonly traceAgent: typeof import('../../src/api/trace').traceAgent;
}

export async function runLangChainScenario(m: LangChainModules, fake: FakeOpenAI, agentName: string): Promise<string> {
  const model = new m.ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'sk-test', maxRetries: 0, configuration: { baseURL: fake.url } });
  const weather = m.tool(
    async ({ city }: { city: string }) => {
      const summary = await model.invoke([new m.HumanMessage(`Summarise the weather in ${city}`)]);
      return `sunny in ${city}: ${String(summary.content)}`;
    },
    { name: 'get_weather', description: 'Weather of a city', schema: m.z.object({ city: m.z.string() }) },
  );
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
