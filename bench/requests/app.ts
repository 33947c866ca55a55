/**
 * The application of the in-request benchmark (bench/requests/index.ts): an ordinary express app
 * that never requires `http` itself (express does) and calls the real `openai` SDK, as an app
 * run under `node --require aimeter/register app.js` does. Two routes:
 *   GET /chat     one chat completion, its text as JSON
 *   GET /stream   one streaming chat completion, its text written to the response chunk by chunk
 * The same file runs bare, under aimeter's preload and under NodeSDK + contrib (contrib-preload.ts).
 *
 * The bench talks to it over IPC (it is forked): {mark: true} answers with this process's CPU
 * (user + system, microseconds) and calls os.loadavg(), the marker at which the instruction mode
 * has callgrind dump its counters (`--dump-before=uv_loadavg`), so that each interval between
 * two marks is one block of requests. FAKE_OPENAI_URL is the loopback provider.
 *
 * Usage (forked by bench/requests/index.ts): node [preload] dist/bench/requests/app.js
 */
import * as os from 'node:os';
import express from 'express';
import OpenAI from 'openai';

const client = new OpenAI({ apiKey: 'bench', baseURL: process.env.FAKE_OPENAI_URL, maxRetries: 0 });
const messages = [{ role: 'user' as const, content: 'Say hello to the benchmark in a few words' }];

const app = express();
app.get('/chat', async (_req, res, next) => {
  try {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    res.json({ reply: completion.choices[0]?.message.content ?? '' });
  } catch (error) {
    next(error);
  }
});
app.get('/stream', async (_req, res, next) => {
  try {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
    res.type('text/plain');
    for await (const chunk of stream) {
      const text = chunk.choices[0]?.delta?.content;
      if (text) res.write(text);
    }
    res.end();
  } catch (error) {
    next(error);
  }
});

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});

// Idle keep-alive connections stay open (Node's default closes them after 5 s): under valgrind
// the load generator would otherwise race the close of the connections it is about to reuse.
server.keepAliveTimeout = 600_000;

process.on('message', (message: { mark?: boolean; collect?: boolean }) => {
  if (message?.collect) {
    // The instruction mode, before each measured block (node --expose-gc; a no-op without it).
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ collected: true });
    return;
  }
  if (!message?.mark) return;
  os.loadavg(); // the instruction mode's marker (see the header)
  const cpu = process.cpuUsage();
  process.send?.({ cpuUs: cpu.user + cpu.system, heapBytes: process.memoryUsage().heapUsed });
});
process.on('disconnect', () => server.close(() => process.exit(0)));
