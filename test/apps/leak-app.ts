/**
 * An unmodified CommonJS app for test/privacy/preload-leaks.test.ts, run under
 * `node --require aimeter/register` with OTEL_TRACES_EXPORTER=console (every exported span on
 * stdout): provider 400s that quote the prompt (openai, @anthropic-ai/sdk with its own tracing),
 * and a request with the prompt and an API key in its query string, served by the app itself.
 * The markers come from the environment (PROMPT_MARKER, KEY_MARKER).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeAnthropic } from '../../examples/fake-provider/anthropic';
import { startFakeOpenAI } from '../../examples/fake-provider/openai';

const PROMPT = process.env.PROMPT_MARKER ?? 'prompt';
const KEY = process.env.KEY_MARKER ?? 'key';

async function fails(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch {
    return;
  }
  throw new Error('the call was expected to fail');
}

async function main(): Promise<void> {
  const openaiFake = await startFakeOpenAI();
  const anthropicFake = await startFakeAnthropic();
  const server = http.createServer((req, res) => {
    req.resume();
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const openai = new OpenAI({ apiKey: 'sk-test', baseURL: openaiFake.url, maxRetries: 0 });
  await fails(() => openai.chat.completions.create({ model: 'fail-400-quote', messages: [{ role: 'user', content: `summarise ${PROMPT}` }] }));
  const anthropic = new Anthropic({ apiKey: 'test-key', baseURL: anthropicFake.url, maxRetries: 0 });
  await fails(() =>
    anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: `[scenario:invalid_prompt] ${PROMPT}` }] }),
  );
  await new Promise<void>((resolve, reject) => {
    http.get(`http://127.0.0.1:${port}/search?q=${PROMPT}&api_key=${KEY}`, (res) => res.resume().on('end', resolve)).on('error', reject);
  });
  // The console exporter prints each span as it ends; give the server span its turn.
  await new Promise((r) => setTimeout(r, 200));
  process.stdout.write('ready\n');
  process.stdin.resume();
  process.stdin.on('end', () => {
    server.close();
    void Promise.all([openaiFake.close(), anthropicFake.close()]).then(() => process.exit(0));
  });
}

void main();
