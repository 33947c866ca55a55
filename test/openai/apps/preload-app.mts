// ESM app for preload.test.ts: `node --import aimeter/register` must instrument `import OpenAI from 'openai'`.
import OpenAI from 'openai';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { startFakeOpenAI } = require('../../../examples/fake-provider/openai.js');

const fake = await startFakeOpenAI({ chunkDelayMs: 2 });
const client = new OpenAI({ apiKey: 'sk-test', baseURL: fake.url, maxRetries: 0 });
await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello to the world' }] });
const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], stream: true });
for await (const _ of stream);
await new Promise((r) => setTimeout(r, 100));
const text = await (await fetch(`http://127.0.0.1:${process.env.OTEL_EXPORTER_PROMETHEUS_PORT}/metrics`)).text();
process.stdout.write(text);
await fake.close();
process.exit(0);
