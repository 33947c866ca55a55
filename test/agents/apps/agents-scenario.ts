/**
 * The OpenAI Agents SDK run that agents-app.mts makes (under Node 22), once with the SDK's
 * CommonJS build and once with its ES module build: one agent with one function tool against the
 * loopback fake OpenAI (the first response asks for the tool, the second answers). The SDK's own
 * exporter to OpenAI's backend is replaced by no processor at all (aimeter sees the spans
 * anyway), and its client is pointed at the fake, so nothing leaves loopback.
 */
import type { FakeOpenAI } from '../../../examples/fake-provider/openai';

/**
 * `toolModel`, when given, is called by the tool itself (a model call made from inside a tool,
 * through the openai client the SDK uses); `stream`: a streamed run, read to its end; `failTool`:
 * the tool throws (the SDK tells the model so, and the run goes on).
 */
export async function runAgentsScenario(
  agents: any,
  z: any,
  fake: FakeOpenAI,
  agentName: string,
  toolModel?: () => Promise<unknown>,
  stream = false,
  failTool = false,
): Promise<unknown> {
  agents.setTraceProcessors([]);
  agents.setDefaultOpenAIKey('sk-test');
  process.env.OPENAI_BASE_URL = fake.url;
  const weather = agents.tool({
    name: 'get_weather',
    description: 'Weather of a city',
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }: { city: string }) => {
      if (toolModel) await toolModel();
      return `sunny in ${city}`;
    },
    ...(failTool ? { execute: () => Promise.reject(new Error('weather service down')) } : {}),
  });
  const agent = new agents.Agent({ name: agentName, instructions: 'Help', model: 'gpt-4o-mini', tools: [weather] });
  const result = await agents.run(agent, 'What is the weather in Paris?', { stream });
  if (stream) {
    for await (const event of result) void event;
    await result.completed;
  }
  return result.finalOutput;
}
