/**
 * Differential: every scenario runs with the instrumentation disabled, then enabled, against the
 * same fake server; what the caller gets (values, chunks in order, raw responses, helper methods,
 * error objects) must be identical. Spans are checked to exist only in the enabled run.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { errorShape, startHarness, waitForSpans, type Harness } from './harness';

let h: Harness;

before(async () => {
  h = await startHarness({ openaiStreamUsage: true });
});
after(async () => {
  await h.close();
});

/** Replaces per-request ids and counters so two runs can be compared. */
function normalise(value: unknown): unknown {
  const text = JSON.stringify(value, (_k, v) => (v instanceof Uint8Array ? Array.from(v) : v));
  if (text === undefined) return value;
  return JSON.parse(text.replace(/(chatcmpl-fake-|resp_fake_|msg_fake_|fc_fake_|req_fake_)\d+/g, '$1N').replace(/"(created|created_at)":\d+/g, '"$1":0'));
}

async function both<T>(scenario: () => Promise<T>): Promise<{ off: { value?: unknown; error?: unknown }; on: { value?: unknown; error?: unknown } }> {
  const run = async () => {
    try {
      return { value: normalise(await scenario()) };
    } catch (error) {
      return { error };
    }
  };
  h.ours!.disable();
  h.reset();
  const off = await run();
  assert.equal(h.genAiSpans().length, 0, 'no spans while disabled');
  h.ours!.enable();
  const on = await run();
  return { off, on };
}

function assertSame(result: { off: { value?: unknown; error?: unknown }; on: { value?: unknown; error?: unknown } }): void {
  if (result.off.error || result.on.error) {
    assert.ok(result.off.error && result.on.error, `one run failed: off=${String(result.off.error)} on=${String(result.on.error)}`);
    assert.deepEqual(errorShape(result.on.error), errorShape(result.off.error));
    assert.equal(Object.getPrototypeOf(result.on.error), Object.getPrototypeOf(result.off.error));
  } else {
    assert.deepEqual(result.on.value, result.off.value);
  }
}

const messages = [{ role: 'user' as const, content: 'Tell me a short story' }];
const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];

describe('differential: caller sees the same with and without aimeter', () => {
  test('plain chat completion, incl. _request_id', async () => {
    const r = await both(async () => {
      const c = await h.client().chat.completions.create({ model: 'gpt-4o-mini', messages });
      return { c, requestId: c._request_id };
    });
    assertSame(r);
    assert.equal(((r.on.value as any).c.choices[0].message.content), 'Fake reply to: Tell me a short story');
    assert.equal((await waitForSpans(h, 1)).length, 1);
  });

  test('.withResponse() and .asResponse() (raw body still readable)', async () => {
    const r = await both(async () => {
      const client = h.client();
      const { data, response, request_id } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
      const raw = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).asResponse();
      const rawBody = await raw.json();
      return { data, status: response.status, request_id, rawStatus: raw.status, rawBody };
    });
    assertSame(r);
    const spans = await waitForSpans(h, 2);
    assert.equal(spans.length, 2);
    // The asResponse()-only call still has its usage (read from a clone of the body).
    for (const s of spans) assert.equal(s.attributes['gen_ai.usage.input_tokens'], 8);
  });

  test('streaming chunks in order (opt-in include_usage is invisible to the caller)', async () => {
    const r = await both(async () => {
      const stream = await h.client().chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
      const chunks: unknown[] = [];
      for await (const c of stream) chunks.push(c);
      return chunks;
    });
    assertSame(r);
    const chunks = r.on.value as any[];
    assert.equal(chunks.length, 10); // role chunk + 8 words + finish chunk; no usage chunk
    assert.ok(chunks.every((c) => !('usage' in c)));
    // ...but the request did ask for usage, and the span has it.
    assert.deepEqual(h.fake.requests.at(-1)!.body.stream_options, { include_usage: true });
    const [span] = await waitForSpans(h, 1);
    assert.equal(span!.attributes['gen_ai.usage.input_tokens'], 8);
    assert.equal(span!.attributes['gen_ai.usage.output_tokens'], 8);
  });

  test('caller-requested include_usage: usage chunk delivered as without aimeter', async () => {
    const r = await both(async () => {
      const stream = await h.client().chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
      const chunks: any[] = [];
      for await (const c of stream) chunks.push(c);
      return chunks;
    });
    assertSame(r);
    const chunks = r.on.value as any[];
    assert.equal(chunks.length, 11);
    assert.deepEqual(chunks.at(-1).choices, []);
    assert.equal(chunks.at(-1).usage.prompt_tokens, 8);
  });

  test('stream.tee() and toReadableStream()', async () => {
    const r = await both(async () => {
      const client = h.client();
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
      const [left, right] = stream.tee();
      const a: unknown[] = [];
      const b: unknown[] = [];
      await Promise.all([
        (async () => {
          for await (const c of left) a.push(c);
        })(),
        (async () => {
          for await (const c of right) b.push(c);
        })(),
      ]);
      const s2 = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
      const text = await new Response(s2.toReadableStream()).text();
      return { a, b, lines: text.split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
    });
    assertSame(r);
    const v = r.on.value as any;
    assert.deepEqual(v.a, v.b);
    assert.equal(v.a.length, 10);
    assert.deepEqual(v.lines, v.a);
    const spans = await waitForSpans(h, 2);
    assert.equal(spans.length, 2);
    assert.deepEqual(spans.map((s) => s.attributes['aimeter.response.chunks']), [10, 10]);
  });

  test('break out of a stream early: controller aborted the same way, span ends with what was seen', async () => {
    const r = await both(async () => {
      const stream = await h.client().chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
      const seen: unknown[] = [];
      for await (const c of stream) {
        seen.push(c);
        if (seen.length === 3) break;
      }
      return { seen, aborted: stream.controller.signal.aborted };
    });
    assertSame(r);
    assert.equal((r.on.value as any).aborted, true);
    const [span] = await waitForSpans(h, 1);
    assert.equal(span!.attributes['aimeter.response.chunks'], 3);
    assert.equal(span!.attributes['aimeter.response.abandoned'], true);
    assert.equal(span!.attributes['error.type'], undefined);
  });

  test('tool calls (plain and streamed)', async () => {
    const r = await both(async () => {
      const client = h.client();
      const plain = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools });
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools, stream: true });
      const chunks: unknown[] = [];
      for await (const c of stream) chunks.push(c);
      return { plain, chunks };
    });
    assertSame(r);
    assert.equal((r.on.value as any).plain.choices[0].message.tool_calls[0].function.arguments, '{"city":"fake"}');
    const spans = await waitForSpans(h, 2);
    assert.deepEqual(spans.map((s) => s.attributes['gen_ai.response.finish_reasons']), [['tool_calls'], ['tool_calls']]);
  });

  for (const [model, status, errorType] of [
    ['fail-429', 429, 'rate_limit'],
    ['fail-500', 500, '500'],
    ['fail-400', 400, '400'],
  ] as const) {
    test(`HTTP ${status}: same error class, status and message; span error.type=${errorType}`, async () => {
      const r = await both(() => h.client().chat.completions.create({ model, messages }));
      assertSame(r);
      assert.equal((r.on.error as any).status, status);
      const [span] = await waitForSpans(h, 1);
      assert.equal(span!.attributes['error.type'], errorType);
      assert.equal(span!.status.code, 2);
    });
  }

  test('the very same error object reaches the caller (identity)', async () => {
    let fromCatch: unknown;
    const p = h.client().chat.completions.create({ model: 'fail-429', messages });
    const [viaAwait] = await Promise.allSettled([p]);
    await p.catch((e: unknown) => (fromCatch = e));
    assert.equal(viaAwait.status, 'rejected');
    assert.equal((viaAwait as PromiseRejectedResult).reason, fromCatch);
    assert.ok((fromCatch as object) instanceof h.mod.RateLimitError);
  });

  test('client timeout option', async () => {
    const r = await both(() => h.client({ timeout: 50 }).chat.completions.create({ model: 'slow-300', messages }));
    assertSame(r);
    assert.ok(r.on.error instanceof h.mod.APIConnectionTimeoutError);
    const [span] = await waitForSpans(h, 1);
    assert.equal(span!.attributes['error.type'], 'timeout');
  });

  test('abort signal', async () => {
    const r = await both(() => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);
      return h.client().chat.completions.create({ model: 'slow-300', messages }, { signal: controller.signal });
    });
    assertSame(r);
    assert.ok(r.on.error instanceof h.mod.APIUserAbortError);
    const [span] = await waitForSpans(h, 1);
    assert.equal(span!.attributes['error.type'], 'cancelled');
  });

  test('error in the middle of a stream: same error after the same chunks', async () => {
    const r = await both(async () => {
      const stream = await h.client().chat.completions.create({ model: 'fail-midstream', messages, stream: true });
      const seen: unknown[] = [];
      try {
        for await (const c of stream) seen.push(c);
      } catch (error) {
        return { seen, error: errorShape(error) };
      }
      return { seen };
    });
    assertSame(r);
    assert.equal((r.on.value as any).seen.length, 2);
    assert.ok((r.on.value as any).error, 'the stream failed');
    const [span] = await waitForSpans(h, 1);
    assert.equal(span!.attributes['aimeter.response.chunks'], 2);
    assert.ok(span!.attributes['error.type']);
  });

  test('embeddings (SDK default base64 decoding, and float)', async () => {
    const r = await both(async () => {
      const client = h.client();
      const a = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['one two', 'three'] });
      const b = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'four five six', encoding_format: 'float' });
      return { a, b };
    });
    assertSame(r);
    assert.equal((r.on.value as any).a.data[0].embedding.length, 8);
    const spans = await waitForSpans(h, 2);
    assert.deepEqual(spans.map((s) => s.attributes['gen_ai.usage.input_tokens']), [3, 3]);
  });

  test('responses API plain and streamed', async () => {
    const r = await both(async () => {
      const client = h.client();
      const plain = await client.responses.create({ model: 'gpt-4o-mini', input: 'Hello there' });
      const stream = await client.responses.create({ model: 'gpt-4o-mini', input: 'Hello there', stream: true });
      const events: unknown[] = [];
      for await (const e of stream) events.push(e);
      return { plain, outputText: plain.output_text, events };
    });
    assertSame(r);
    assert.equal((r.on.value as any).outputText, 'Fake reply to: Hello there');
  });
});
