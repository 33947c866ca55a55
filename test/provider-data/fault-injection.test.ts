/**
 * Fault injection: the real `openai` and `@anthropic-ai/sdk` SDKs against a loopback provider
 * that lies (absurd, non-numeric, negative and inconsistent usage; error codes with quotes,
 * braces and newlines; thousands of long, escape-laden model names). The /metrics text of the
 * affected families is compared exactly.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeOpenAI, type FakeOpenAI } from '../../examples/fake-provider/openai';
import { startFakeAnthropic, type FakeAnthropic } from '../../examples/fake-provider/anthropic';
import { OpenAIInstrumentation } from '../../instrumentations/openai';
import { AnthropicInstrumentation } from '../../instrumentations/anthropic';
import { setWarningSink } from '../../src/internal/log';
import { PriceBook } from '../../src/prices/price-book';
import { setupTelemetry, type TestTelemetry } from '../helpers/telemetry';

/** The exposition lines of one family (its samples, without HELP/TYPE), in order. */
function lines(text: string, family: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${family}{`) || line.startsWith(`${family} `));
}

const chat = (usage: unknown, model = 'gpt-4o-mini') => ({
  id: 'chatcmpl-fault',
  object: 'chat.completion',
  created: 1,
  model,
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok', refusal: null }, finish_reason: 'stop', logprobs: null }],
  usage,
});

const labels = (model: string, responseModel = model) =>
  `gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="${model}",gen_ai_response_model="${responseModel}"`;

describe('a lying provider, through the real SDKs', () => {
  let telemetry: TestTelemetry;
  let fakeOpenAI: FakeOpenAI;
  let fakeAnthropic: FakeAnthropic;
  let reply: (path: string, body: any) => { status?: number; body: unknown } | undefined = () => undefined;
  let openai: any;
  let anthropic: any;
  const warnings: string[] = [];

  before(async () => {
    setWarningSink((message) => warnings.push(message));
    telemetry = setupTelemetry({ instrumentations: [new OpenAIInstrumentation(), new AnthropicInstrumentation()], prices: PriceBook.load({ userFile: null }) });
    fakeOpenAI = await startFakeOpenAI({ script: ({ path, body }) => reply(path, body) });
    fakeAnthropic = await startFakeAnthropic();
    const OpenAI = require('openai').OpenAI;
    const Anthropic = require('@anthropic-ai/sdk').Anthropic;
    openai = new OpenAI({ apiKey: 'sk-test', baseURL: fakeOpenAI.url, maxRetries: 0 });
    // The SDK's own tracing on (its default): its spans reach the processor as foreign spans.
    anthropic = new Anthropic({ apiKey: 'test', baseURL: fakeAnthropic.url, maxRetries: 0 });
  });

  after(async () => {
    setWarningSink((message) => process.stderr.write(`${message}\n`));
    await fakeOpenAI.close();
    await fakeAnthropic.close();
    await telemetry.shutdown();
  });

  const render = () => telemetry.processor.metrics.render();
  const settle = () => new Promise((r) => setTimeout(r, 20));

  test('two responses claiming 1e308 tokens: rejected and counted, never +Inf', async () => {
    reply = () => ({ body: chat({ prompt_tokens: 1e308, completion_tokens: 1e308, total_tokens: 1e308 }, 'm-inf') });
    const first = await openai.chat.completions.create({ model: 'm-inf', messages: [{ role: 'user', content: 'hi' }] });
    await openai.chat.completions.create({ model: 'm-inf', messages: [{ role: 'user', content: 'hi' }] });
    // The caller still sees exactly what the provider sent.
    assert.equal(first.usage.prompt_tokens, 1e308);
    await settle();
    const text = render();
    assert.deepEqual(lines(text, 'aimeter_tokens_total').filter((l) => l.includes('m-inf')), []);
    assert.doesNotMatch(text, / \+Inf$/m);
    assert.ok(lines(text, 'aimeter_provider_data_rejected_total').includes('aimeter_provider_data_rejected_total{aimeter_field="gen_ai.usage.input_tokens",aimeter_reason="absurd"} 2'));
    assert.ok(lines(text, 'aimeter_provider_data_rejected_total').includes('aimeter_provider_data_rejected_total{aimeter_field="gen_ai.usage.output_tokens",aimeter_reason="absurd"} 2'));
    // The calls themselves still count.
    assert.deepEqual(
      lines(text, 'gen_ai_client_operation_duration_seconds_count').filter((l) => l.includes('m-inf')),
      [`gen_ai_client_operation_duration_seconds_count{${labels('m-inf')}} 2`],
    );
  });

  test('negative and non-numeric counts are dropped and counted', async () => {
    reply = () => ({ body: chat({ prompt_tokens: -5, completion_tokens: '7', total_tokens: 2 }, 'm-neg') });
    await openai.chat.completions.create({ model: 'm-neg', messages: [{ role: 'user', content: 'hi' }] });
    await settle();
    const text = render();
    assert.deepEqual(lines(text, 'aimeter_tokens_total').filter((l) => l.includes('m-neg')), []);
    const rejected = lines(text, 'aimeter_provider_data_rejected_total');
    assert.ok(rejected.includes('aimeter_provider_data_rejected_total{aimeter_field="gen_ai.usage.input_tokens",aimeter_reason="negative"} 1'), rejected.join('\n'));
    assert.ok(rejected.includes('aimeter_provider_data_rejected_total{aimeter_field="gen_ai.usage.output_tokens",aimeter_reason="not_a_number"} 1'), rejected.join('\n'));
  });

  test('NaN in the body: the SDK cannot parse it, the failure is counted as one call, nothing else', async () => {
    reply = () => ({ body: '{"id":"x","object":"chat.completion","model":"m-nan","choices":[],"usage":{"prompt_tokens":NaN}}' });
    await assert.rejects(openai.chat.completions.create({ model: 'm-nan', messages: [{ role: 'user', content: 'hi' }] }));
    await settle();
    const text = render();
    assert.deepEqual(lines(text, 'aimeter_tokens_total').filter((l) => l.includes('m-nan')), []);
    const failed = lines(text, 'gen_ai_client_operation_duration_seconds_count').filter((l) => l.includes('m-nan'));
    assert.equal(failed.length, 1);
    assert.match(failed[0]!, /error_type="[A-Za-z_][A-Za-z0-9_.]*"\} 1$/);
  });

  test('cached_tokens above prompt_tokens is cut to the prompt and billed as such (not 1000x)', async () => {
    reply = () => ({ body: chat({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 10_000 } }) });
    await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    await settle();
    const text = render();
    const snapshot = 'gpt-4o-mini';
    assert.deepEqual(
      lines(text, 'aimeter_tokens_total').filter((l) => l.includes(`gen_ai_request_model="gpt-4o-mini"`)),
      [
        `aimeter_tokens_total{${labels('gpt-4o-mini', snapshot)},gen_ai_token_type="input"} 10`,
        `aimeter_tokens_total{${labels('gpt-4o-mini', snapshot)},gen_ai_token_type="output"} 5`,
        `aimeter_tokens_total{${labels('gpt-4o-mini', snapshot)},gen_ai_token_type="cache_read"} 10`,
      ],
    );
    const price = PriceBook.load({ userFile: null }).lookup('openai', 'gpt-4o-mini')!;
    const expected = 10 * price.cacheReadPerToken! + 5 * price.outputPerToken!;
    const cost = lines(text, 'aimeter_cost_usd_total').find((l) => l.includes('gpt-4o-mini'))!;
    assert.ok(Math.abs(Number(cost.split(' ').pop()) - expected) < 1e-15, `${cost} vs ${expected}`);
    assert.ok(lines(text, 'aimeter_provider_data_rejected_total').includes('aimeter_provider_data_rejected_total{aimeter_field="gen_ai.usage.cache_read.input_tokens",aimeter_reason="clamped"} 1'));
  });

  test('Anthropic (the SDK\'s own spans): 1e308 tokens and an error type with quotes, braces and newlines', async () => {
    fakeAnthropic.enqueue(
      {
        kind: 'message',
        content: [{ type: 'text', text: 'ok' }],
        stopReason: 'end_turn',
        usage: { input_tokens: 1e308, output_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      },
      { kind: 'stream_error', errorType: 'bad"}{\nerror_type="x', message: 'boom' },
    );
    await anthropic.messages.create({ model: 'claude-fault', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    const stream = await anthropic.messages.create({ model: 'claude-fault-2', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    await assert.rejects(async () => {
      for await (const _ of stream) void _;
    });
    await settle();
    const text = render();
    assert.doesNotMatch(text, /bad\\"/);
    assert.doesNotMatch(text, /\} \+Inf$/m);
    const failed = lines(text, 'gen_ai_client_operation_duration_seconds_count').filter((l) => l.includes('claude-fault-2'));
    assert.equal(failed.length, 1, text);
    assert.match(failed[0]!, /error_type="(_OTHER|[0-9]{3}|[A-Za-z][A-Za-z0-9_.]{0,63})"\} 1$/);
    assert.deepEqual(lines(text, 'aimeter_tokens_total').filter((l) => l.includes('"claude-fault"') && l.includes('"input"')), []);
  });

  test('5,000 long, escape-laden model names: warnings clipped, escaped and rate-limited; labels cut at code points', async () => {
    warnings.length = 0;
    let n = 0;
    const started = Date.now();
    reply = (_path, body) => ({ body: chat({ prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 }, body.model) });
    // 50 at a time: the same 5,000 calls, in a tenth of the time.
    for (let i = 0; i < 5000; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, j) => {
          const model = `\u001b[2J\u001b[31mFAKE LOG LINE\naimeter: all good ${i + j} ${'😀'.repeat(100)}${'x'.repeat(2000)}`;
          await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
          n++;
        }),
      );
    }
    assert.equal(n, 5000);
    await settle();
    const unpriced = warnings.filter((w) => w.includes('no price for'));
    const bytes = warnings.reduce((sum, w) => sum + Buffer.byteLength(w), 0);
    // A burst of 10, then 10 a minute.
    const allowed = 10 + Math.ceil(((Date.now() - started) / 60_000) * 10);
    assert.ok(unpriced.length <= allowed, `${unpriced.length} unpriced warnings, ${allowed} allowed`);
    assert.ok(bytes < allowed * 600, `${bytes} bytes of warnings`);
    for (const w of warnings) {
      assert.doesNotMatch(w, /\u001b/);
      assert.ok(!w.split('\n').some((line) => line.startsWith('aimeter: all good')), w);
    }
    // Every label value is valid UTF-16 (no lone surrogate) and at most 128 code points.
    const text = render();
    assert.doesNotMatch(text, /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    for (const m of text.matchAll(/gen_ai_request_model="((?:[^"\\]|\\.)*)"/g)) assert.ok([...m[1]!.replace(/\\n/g, '\n')].length <= 128);
  });
});
