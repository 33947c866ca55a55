// The ES-module twin of app.cjs, run with `node --import aimeter/register app.mjs`.
import OpenAI from 'openai';

const client = new OpenAI({ apiKey: 'test', baseURL: process.env.FAKE_URL, maxRetries: 0 });
const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello from a packed install' }] });
process.stdout.write(`usage ${JSON.stringify(completion.usage)}\nready\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
