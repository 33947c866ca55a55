/**
 * What the OpenAI apps do (openai-app.ts: CommonJS, openai-app.mts: ESM), given the `openai` SDK
 * class of their own module system: three chat calls against the fake OpenAI server (one
 * streamed), then "ready", and up until stdin closes.
 */
import { startFakeOpenAI } from '../../examples/fake-provider/openai';

/** What is used of the SDK's class, typed structurally: its CommonJS and ESM typings are distinct types. */
interface OpenAIClass {
  new (options: { apiKey: string; baseURL: string; maxRetries: number }): {
    chat: {
      completions: {
        create(body: { model: string; messages: Array<{ role: 'user'; content: string }>; stream?: true; stream_options?: { include_usage: boolean } }): Promise<unknown>;
      };
    };
  };
}

export async function runApp(OpenAI: OpenAIClass): Promise<void> {
  const fake = await startFakeOpenAI();
  const client = new OpenAI({ apiKey: 'test', baseURL: fake.url, maxRetries: 0 });
  const messages = [{ role: 'user' as const, content: 'hello there world' }];
  await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
  await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
  const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
  for await (const _ of stream as AsyncIterable<unknown>);
  process.stdout.write('ready\n');
  process.stdin.resume();
  process.stdin.on('end', () => void fake.close().then(() => process.exit(0)));
}
