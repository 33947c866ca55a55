/**
 * What the matrix's smoke apps do (openai-server.ts: CommonJS, openai-server.mts: ESM), given the
 * `OpenAI` class of their own module system: serve GET /ask, which calls OpenAI three times (a
 * chat completion, a streamed one with usage, an embedding); the SDK reads OPENAI_API_KEY itself,
 * the base URL (the loopback fake) is passed from OPENAI_BASE_URL, which the SDK reads itself only
 * since 4.21 (the oldest cell runs 4.0). Prints "listening <port>", ends when stdin closes.
 * Nothing but types of `openai` here: each cell's app brings its own version (test/compat/sandbox.ts
 * copies this file next to it).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What is used of the SDK's class, typed structurally: versions and module systems differ in their typings. */
interface OpenAIClass {
  new (options: { baseURL: string | undefined; maxRetries: number }): {
    chat: {
      completions: {
        create(body: { model: string; messages: Array<{ role: 'user'; content: string }>; stream?: true; stream_options?: { include_usage: boolean } }): Promise<unknown>;
      };
    };
    embeddings: { create(body: { model: string; input: string }): Promise<{ usage: { prompt_tokens: number } }> };
  };
}

export function runApp(OpenAI: OpenAIClass): void {
  const client = new OpenAI({ baseURL: process.env.OPENAI_BASE_URL, maxRetries: 0 });

  async function ask(): Promise<Record<string, unknown>> {
    const chat = (await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello to the world' }] })) as { usage?: { total_tokens?: number } };
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let chunks = 0;
    for await (const _ of stream as AsyncIterable<unknown>) chunks++;
    const embedding = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'one two three' });
    return { node: process.version, chatTokens: chat.usage?.total_tokens, chunks, embeddingTokens: embedding.usage.prompt_tokens };
  }

  const server = http.createServer((_req, res) => {
    ask().then(
      (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
      (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error)),
    );
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`));
  // Ends by itself once stdin closes (no process.exit: a natural exit is the one telemetry flushes on).
  process.stdin.resume();
  process.stdin.on('end', () => {
    server.close();
    server.closeAllConnections();
  });
}
