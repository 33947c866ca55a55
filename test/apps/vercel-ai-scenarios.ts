/**
 * What the Vercel AI SDK apps do (vercel-ai-app.ts: CommonJS, vercel-ai-app.mts: ESM), given the
 * `ai` and `@ai-sdk/openai` modules of their own module system: generateText, streamText, a tool
 * round and embed against the fake OpenAI server, none with `experimental_telemetry`. Prints one
 * JSON line of what the app got (compared with a run without aimeter), then "ready".
 */
import type * as AiSdk from 'ai';
import type * as AiSdkOpenAI from '@ai-sdk/openai';
import { startFakeOpenAI } from '../../examples/fake-provider/openai';

export async function runApp(ai: typeof AiSdk, openaiProvider: typeof AiSdkOpenAI): Promise<void> {
  // fetch keeps connections alive: on a loaded machine a gap between calls can outlast Node's 5 s
  // server keep-alive, and a reused connection the server is closing resets (ECONNRESET).
  const fake = await startFakeOpenAI({ keepAliveTimeoutMs: 60_000 });
  const openai = openaiProvider.createOpenAI({ apiKey: 'test', baseURL: fake.url });
  const model = openai('gpt-4o-mini');
  const generated = await ai.generateText({ model, prompt: 'Say hello', maxRetries: 0 });
  const chunks: string[] = [];
  const streamed = ai.streamText({ model, prompt: 'Say hello there', maxRetries: 0 });
  for await (const chunk of streamed.textStream) chunks.push(chunk);
  const weather = ai.tool({
    description: 'The weather in a city',
    inputSchema: ai.jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
    execute: async ({ city }: { city: string }) => ({ city, celsius: 20 }),
  });
  const tooled = await ai.generateText({ model, prompt: 'Weather?', tools: { weather }, stopWhen: ai.stepCountIs(3), maxRetries: 0 });
  const embedded = await ai.embed({ model: openai.embedding('text-embedding-3-small'), value: 'one two three', maxRetries: 0 });
  const got = {
    generated: [generated.text, generated.usage.inputTokens, generated.usage.outputTokens],
    streamed: [chunks, (await streamed.usage).totalTokens],
    tooled: [tooled.text, tooled.steps.length, tooled.totalUsage.totalTokens],
    embedded: [embedded.embedding, embedded.usage.tokens],
  };
  process.stdout.write(`${JSON.stringify(got)}\nready\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void fake.close().then(() => process.exit(0)));
}
