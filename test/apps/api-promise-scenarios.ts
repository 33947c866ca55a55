/**
 * What the api-promise apps run under the preload (test/api/api-promise-child.test.ts): the manual
 * API around real SDK calls whose APIPromise the app then reads with `.asResponse()` and
 * `.withResponse()`, plain and streamed, OpenAI and Anthropic. The SDK classes come from the app,
 * so that the ESM app runs the ESM builds. Throws on the first thing that is not as without aimeter.
 */
import { traceLlm } from 'aimeter';
import { startFakeAnthropic } from '../../examples/fake-provider/anthropic';
import { startFakeOpenAI } from '../../examples/fake-provider/openai';

const messages = [{ role: 'user' as const, content: 'hello there world' }];

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`not as without aimeter: ${what}`);
}

/** Runs the scenarios, prints "ready" (or "FAILED: ..." and exits 1), and exits when stdin closes. */
export function runApp(OpenAI: any, Anthropic: any): void {
  runApiPromiseScenarios(OpenAI, Anthropic).then(
    (close) => {
      process.stdout.write('ready\n');
      process.stdin.resume();
      process.stdin.on('end', () => void close().then(() => process.exit(0)));
    },
    (error: unknown) => {
      process.stdout.write(`FAILED: ${String(error)}\n`);
      process.exit(1);
    },
  );
}

async function runApiPromiseScenarios(OpenAI: any, Anthropic: any): Promise<() => Promise<void>> {
  const openaiFake = await startFakeOpenAI();
  const anthropicFake = await startFakeAnthropic();
  const openai = new OpenAI({ apiKey: 'sk-test', baseURL: openaiFake.url, maxRetries: 0 });
  const anthropic = new Anthropic({ apiKey: 'test-key', baseURL: anthropicFake.url, maxRetries: 0 });
  const o = <T>(fn: () => T) => traceLlm({ provider: 'openai', model: 'gpt-4o-mini' }, fn);
  const a = <T>(fn: () => T) => traceLlm({ provider: 'anthropic', model: 'claude-sonnet-4-5' }, fn);

  const raw = await o(() => openai.chat.completions.create({ model: 'gpt-4o-mini', messages })).asResponse();
  check((await raw.json()).choices[0].message.content === 'Fake reply to: hello there world', 'openai .asResponse()');
  const { data, response } = await o(() => openai.chat.completions.create({ model: 'gpt-4o-mini', messages })).withResponse();
  check(data.choices[0].message.content === 'Fake reply to: hello there world' && response.status === 200, 'openai .withResponse()');
  const rawStream = await o(() => openai.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true })).asResponse();
  check((await rawStream.text()).includes('data: [DONE]'), 'openai streaming .asResponse()');
  const { data: stream } = await o(() => openai.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true })).withResponse();
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  check(text === 'Fake reply to: hello there world', 'openai streaming .withResponse()');

  const ask = { model: 'claude-sonnet-4-5', max_tokens: 64, messages };
  check((await (await a(() => anthropic.messages.create(ask)).asResponse()).json()).type === 'message', 'anthropic .asResponse()');
  check((await a(() => anthropic.messages.create(ask)).withResponse()).data.type === 'message', 'anthropic .withResponse()');
  const rawEvents = await a(() => anthropic.messages.create({ ...ask, stream: true })).asResponse();
  check((await rawEvents.text()).includes('event: message_stop'), 'anthropic streaming .asResponse()');
  const { data: events } = await a(() => anthropic.messages.create({ ...ask, stream: true })).withResponse();
  let deltas = 0;
  for await (const event of events) if (event.type === 'content_block_delta') deltas++;
  check(deltas > 0, 'anthropic streaming .withResponse()');

  return async () => {
    await openaiFake.close();
    await anthropicFake.close();
  };
}
