// CommonJS app for preload.test.ts: `node --require aimeter/register` must instrument require('openai').
/* eslint-disable @typescript-eslint/no-require-imports */
const OpenAI = require('openai');
const { startFakeOpenAI } = require('../../../examples/fake-provider/openai.js');

async function main(): Promise<void> {
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
}
void main();
