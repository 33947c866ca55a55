/**
 * SDK helpers (chat.completions.stream / parse / runTools, responses.stream / parse): exactly one
 * span per HTTP call, and the helpers' results unchanged. Provider detection: AzureOpenAI and
 * OpenAI-compatible services recognised from the base URL host.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, waitForSpans, type Harness } from './harness';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

/** Runs `scenario` with the instrumentation off then on; returns both results (JSON-normalised). */
async function differential<T>(scenario: () => Promise<T>): Promise<{ off: unknown; on: unknown }> {
  const norm = (v: unknown) => JSON.parse(JSON.stringify(v).replace(/(chatcmpl-fake-|resp_fake_|msg_fake_|fc_fake_)\d+/g, '$1N').replace(/"(created|created_at)":\d+/g, '"$1":0'));
  h.ours!.disable();
  const off = norm(await scenario());
  h.ours!.enable();
  h.reset();
  const on = norm(await scenario());
  return { off, on };
}

const weatherParams = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } as const;

describe('helpers: one span per HTTP call', () => {
  test('chat.completions.stream(): one span, final completion unchanged', async () => {
    const { off, on } = await differential(async () => {
      const stream = h.client().chat.completions.stream({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] });
      const deltas: string[] = [];
      stream.on('content', (delta: string) => deltas.push(delta));
      const final = await stream.finalChatCompletion();
      return { deltas, final };
    });
    assert.deepEqual(on, off);
    const spans = await waitForSpans(h, 1);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(h.genAiSpans().length, 1);
    assert.equal(spans[0]!.attributes['gen_ai.request.stream'], true);
    assert.ok((spans[0]!.attributes['aimeter.response.chunks'] as number) > 1);
  });

  test('chat.completions.parse() with a strict tool: one span, parsed arguments unchanged', async () => {
    const { off, on } = await differential(async () => {
      const completion = await h.client().chat.completions.parse({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        tools: [{ type: 'function', function: { name: 'get_weather', strict: true, parameters: weatherParams } }],
      });
      return completion.choices[0]!.message.tool_calls;
    });
    assert.deepEqual(on, off);
    assert.deepEqual((on as any)[0].function.parsed_arguments, { city: 'fake' });
    await waitForSpans(h, 1);
    await new Promise((r) => setTimeout(r, 50));
    const spans = h.genAiSpans();
    assert.equal(spans.length, 1);
    assert.equal(spans[0]!.attributes['gen_ai.usage.output_tokens'], 10);
  });

  test('chat.completions.runTools(): two HTTP calls -> two spans (plain and streaming runner)', async () => {
    for (const stream of [false, true]) {
      let calls = 0;
      const { off, on } = await differential(async () => {
        const runner = h.client().chat.completions.runTools({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'Weather in Paris?' }],
          ...(stream ? { stream: true } : {}),
          tools: [
            {
              type: 'function',
              function: {
                name: 'get_weather',
                parameters: weatherParams,
                parse: JSON.parse,
                function: (args: { city: string }) => {
                  calls++;
                  return `Sunny in ${args.city}`;
                },
              },
            },
          ],
        } as any);
        return { content: await runner.finalContent(), messages: runner.messages.length };
      });
      assert.deepEqual(on, off);
      assert.equal((on as any).content, 'Fake reply to: Sunny in fake');
      assert.equal(calls, 2, 'the tool ran once per run');
      const spans = await waitForSpans(h, 2);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(h.genAiSpans().length, 2, `stream=${stream}`);
      assert.deepEqual(spans.map((s) => s.attributes['gen_ai.response.finish_reasons']), [['tool_calls'], ['stop']]);
    }
  });

  test('responses.stream() and responses.parse(): one span each', async () => {
    const { off, on } = await differential(async () => {
      const client = h.client();
      const stream = client.responses.stream({ model: 'gpt-4o-mini', input: 'Hello' });
      const deltas: string[] = [];
      stream.on('response.output_text.delta', (e: { delta: string }) => deltas.push(e.delta));
      const final = await stream.finalResponse();
      const parsed = await client.responses.parse({ model: 'gpt-4o-mini', input: 'Hello again' });
      return { deltas, text: final.output_text, parsedText: parsed.output_text };
    });
    assert.deepEqual(on, off);
    assert.equal((on as any).text, 'Fake reply to: Hello');
    const spans = await waitForSpans(h, 2);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(h.genAiSpans().length, 2);
    assert.deepEqual(
      spans.map((s) => [s.attributes['gen_ai.request.stream'], s.attributes['gen_ai.usage.input_tokens']]),
      [
        [true, 4],
        [false, 5],
      ],
    );
  });
});

describe('provider detection', () => {
  /** A fetch that sends every request to the fake server, whatever host the client targets. */
  const toFake = (url: string | URL | Request, init?: RequestInit) => {
    const u = new URL(typeof url === 'string' ? url : url instanceof URL ? url.href : url.url);
    const path = u.pathname.replace(/^.*?\/(chat\/completions|responses|embeddings|audio\/.*)$/, '/v1/$1');
    return fetch(`http://127.0.0.1:${h.fake.port}${path}`, init);
  };

  const cases: Array<[string, string, string, number]> = [
    ['https://api.openai.com/v1', 'openai', 'api.openai.com', 443],
    ['https://api.groq.com/openai/v1', 'groq', 'api.groq.com', 443],
    ['https://api.deepseek.com', 'deepseek', 'api.deepseek.com', 443],
    ['https://api.mistral.ai/v1', 'mistral_ai', 'api.mistral.ai', 443],
    ['https://api.x.ai/v1', 'x_ai', 'api.x.ai', 443],
    ['https://api.perplexity.ai', 'perplexity', 'api.perplexity.ai', 443],
    ['https://openrouter.ai/api/v1', 'openrouter', 'openrouter.ai', 443],
    ['https://api.together.xyz/v1', 'together', 'api.together.xyz', 443],
    ['https://api.fireworks.ai/inference/v1', 'fireworks', 'api.fireworks.ai', 443],
    ['http://localhost:11434/v1', 'ollama', 'localhost', 11434],
    ['http://my-gateway.internal:8080/v1', 'openai', 'my-gateway.internal', 8080],
  ];
  for (const [baseURL, provider, address, port] of cases) {
    test(`${baseURL} -> ${provider}`, async () => {
      h.reset();
      const client = h.client({ baseURL, fetch: toFake });
      await client.chat.completions.create({ model: 'some-model', messages: [{ role: 'user', content: 'hi' }] });
      const [span] = await waitForSpans(h, 1);
      assert.equal(span!.attributes['gen_ai.provider.name'], provider);
      assert.equal(span!.attributes['server.address'], address);
      assert.equal(span!.attributes['server.port'], port);
      const m = h.telemetry.scrape();
      assert.ok(m.samples.some((s) => s.name === 'gen_ai_client_operation_duration_seconds_count' && s.labels.gen_ai_provider_name === provider));
    });
  }

  test('AzureOpenAI -> azure.ai.openai (deployment URL), usage recorded', async () => {
    h.reset();
    const client = new h.mod.AzureOpenAI({
      apiKey: 'az-test',
      endpoint: 'https://my-resource.openai.azure.com',
      apiVersion: '2024-10-21',
      deployment: 'my-gpt4o-mini',
      maxRetries: 0,
      fetch: (url: string, init: RequestInit) => {
        const u = new URL(url);
        return fetch(`http://127.0.0.1:${h.fake.port}${u.pathname}${u.search}`, init);
      },
    });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi there' }] });
    const [span] = await waitForSpans(h, 1);
    assert.equal(h.fake.requests.at(-1)!.path, '/v1/chat/completions');
    assert.equal(span!.attributes['gen_ai.provider.name'], 'azure.ai.openai');
    assert.equal(span!.attributes['server.address'], 'my-resource.openai.azure.com');
    assert.equal(span!.attributes['server.port'], 443);
    assert.equal(span!.attributes['gen_ai.usage.input_tokens'], 5);
  });

  test('providerForBaseURL config names a self-hosted server (e.g. vLLM)', async () => {
    h.reset();
    h.ours!.setConfig({ providerForBaseURL: (url: string) => (url.includes(':8000') ? 'vllm' : undefined) });
    try {
      const client = h.client({ baseURL: 'http://gpu-box:8000/v1', fetch: toFake });
      await client.chat.completions.create({ model: 'meta-llama/Llama-3.1-8B-Instruct', messages: [{ role: 'user', content: 'hi' }] });
      const [span] = await waitForSpans(h, 1);
      assert.equal(span!.attributes['gen_ai.provider.name'], 'vllm');
    } finally {
      h.ours!.setConfig({});
    }
  });
});
