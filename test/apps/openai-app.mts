// The ESM twin of openai-app.ts: `import OpenAI from 'openai'`, run under `node --import aimeter/register`.
import OpenAI from 'openai';
import fakeProvider from '../../examples/fake-provider/openai.js';

const fake = await fakeProvider.startFakeOpenAI();
const client = new OpenAI({ apiKey: 'test', baseURL: fake.url, maxRetries: 0 });
const messages = [{ role: 'user' as const, content: 'hello there world' }];
await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
for await (const _ of stream);
process.stdout.write('ready\n');
process.stdin.resume();
process.stdin.on('end', () => void fake.close().then(() => process.exit(0)));
