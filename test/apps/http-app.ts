/**
 * An unmodified CommonJS app for test/config/disabled-http.test.ts, run under the preload with
 * OTEL_TRACES_EXPORTER=console: it serves one request to itself over node:http (an incoming and
 * an outgoing HTTP span when the http instrumentation is on) and makes one chat call with the
 * real openai SDK to the loopback fake provider. It prints the headers its server received as
 * one `headers {...}` line, then "ready", and stays up until its stdin closes.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { startFakeOpenAI } from '../../examples/fake-provider/openai';

async function main(): Promise<void> {
  const fake = await startFakeOpenAI();
  let received: http.IncomingHttpHeaders = {};
  const server = http.createServer((req, res) => {
    received = req.headers;
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => {
    http.get(`http://127.0.0.1:${port}/hello`, (res) => res.resume().on('end', resolve)).on('error', reject);
  });
  const client = new OpenAI({ apiKey: 'test', baseURL: fake.url, maxRetries: 0 });
  await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
  process.stdout.write(`headers ${JSON.stringify(received)}\nready\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    server.close();
    void fake.close().then(() => process.exit(0));
  });
}

void main();
