// Run under Node 24 with `--require aimeter/register` by node24-openai7.test.ts: openai 7.x from
// test/fixtures/openai-v7, instrumented, with chat (plain + stream), responses and embeddings.
import path from 'node:path';

const fixture = path.join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'openai-v7');
const mod = require(require.resolve('openai', { paths: [fixture] }));
const { startFakeOpenAI } = require('../../../examples/fake-provider/openai.js');

async function main(): Promise<void> {
  const fake = await startFakeOpenAI({ chunkDelayMs: 2 });
  const client = new mod.OpenAI({ apiKey: 'sk-test', baseURL: fake.url, maxRetries: 0 });
  await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello to the world' }] });
  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Hi' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  const chunks: unknown[] = [];
  for await (const c of stream) chunks.push(c);
  await client.responses.create({ model: 'gpt-4o-mini', input: 'Hello there' });
  await client.embeddings.create({ model: 'text-embedding-3-small', input: 'one two three' });
  await new Promise((r) => setTimeout(r, 100));
  const text = await (await fetch(`http://127.0.0.1:${process.env.OTEL_EXPORTER_PROMETHEUS_PORT}/metrics`)).text();
  process.stdout.write(JSON.stringify({ version: require(path.join(fixture, 'node_modules', 'openai', 'package.json')).version, node: process.version, chunks: chunks.length }) + '\n');
  process.stdout.write(text);
  await fake.close();
  process.exit(0);
}
void main();
