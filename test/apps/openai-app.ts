/**
 * An unmodified CommonJS app using the real `openai` SDK against the fake OpenAI server: three
 * chat calls (one streamed), then "ready". Run under `node --require aimeter/register`.
 */
import OpenAI from 'openai';
import { startFakeOpenAI } from '../../examples/fake-provider/openai';

async function main() {
  const fake = await startFakeOpenAI();
  const client = new OpenAI({ apiKey: 'test', baseURL: fake.url, maxRetries: 0 });
  const messages = [{ role: 'user' as const, content: 'hello there world' }];
  await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
  await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
  const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
  for await (const _ of stream);
  process.stdout.write('ready\n');
  process.stdin.resume();
  process.stdin.on('end', () => void fake.close().then(() => process.exit(0)));
}
void main();
