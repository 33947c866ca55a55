/**
 * AIMETER_OPENAI_STREAM_USAGE=true never turns a call that succeeds into one that fails: against a
 * server that refuses `stream_options` (400 "Unrecognized request argument supplied"), the call is
 * retried once with the caller's own body, transparently, and the server is remembered. And what
 * the caller reads is what they asked for (docs/instrumentations/openai.md says where the raw body
 * cannot be cleaned). Real `openai` SDK, loopback fake.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeOpenAI, type FakeOpenAI } from '../../examples/fake-provider/openai';
import { collect, errorShape, settle, startHarness, waitForSpans, type Harness } from './harness';

let h: Harness;
/** A server that does know stream_options. */
let accepting: FakeOpenAI;

before(async () => {
  h = await startHarness({ openaiStreamUsage: true, fake: { rejectStreamOptions: true } });
  accepting = await startFakeOpenAI();
});

after(async () => {
  await accepting.close();
  await h.close();
});

const messages = [{ role: 'user' as const, content: 'hello there world' }];

test('a refused stream_options is retried once without it: the caller gets the stream, the server is remembered', async () => {
  h.reset();
  h.fake.requests.length = 0;
  const stream = await h.client().chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
  const chunks = await collect(stream);
  assert.equal(chunks.map((c: any) => c.choices[0]?.delta?.content ?? '').join(''), 'Fake reply to: hello there world');
  assert.ok(chunks.every((c: any) => !('usage' in c)), 'no usage field the caller did not ask for');
  assert.equal(h.fake.requests.length, 2, 'one refused request, one retry');
  assert.deepEqual(h.fake.requests[0]!.body.stream_options, { include_usage: true });
  assert.equal(h.fake.requests[1]!.body.stream_options, undefined, 'the retry is the caller\'s own body');
  const [span] = await waitForSpans(h, 1);
  assert.equal(span!.status.code, 0, 'the call succeeded');
  assert.equal(span!.attributes['error.type'], undefined);
  assert.equal(typeof span!.attributes['gen_ai.response.time_to_first_chunk'], 'number');

  // The next call to the same server goes out as the caller wrote it: one request.
  h.fake.requests.length = 0;
  await collect(await h.client().chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }));
  assert.equal(h.fake.requests.length, 1);
  assert.equal(h.fake.requests[0]!.body.stream_options, undefined);
});

test('refusing server: .asResponse() and .withResponse() see the retry\'s clean answer', async () => {
  const fake = await startFakeOpenAI({ rejectStreamOptions: true });
  try {
    const client = h.client({ baseURL: fake.url });
    const raw = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }).asResponse();
    assert.equal(raw.status, 200);
    const text = await raw.text();
    assert.match(text, /data: \[DONE\]/);
    assert.doesNotMatch(text, /usage/);
    const { data, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }).withResponse();
    assert.equal(response.status, 200);
    assert.ok((await collect(data)).length > 0);
  } finally {
    await fake.close();
  }
});

test('a 400 for another reason reaches the caller as it would without aimeter', async () => {
  const fake = await startFakeOpenAI({ rejectStreamOptions: true });
  try {
    const client = h.client({ baseURL: fake.url });
    const withAimeter = await settle(() => client.chat.completions.create({ model: 'fail-400', messages, stream: true }));
    const shape = errorShape(withAimeter.error);
    assert.equal(shape.status, 400);
    assert.equal(shape.class, 'BadRequestError');
    assert.equal(shape.message, "400 Invalid value for 'model' (fake).", 'the error of the caller\'s own request');
  } finally {
    await fake.close();
  }
});

test('accepting server: usage is counted and the parsed stream shows none of it; the raw body is the documented exception', async () => {
  h.reset();
  const client = h.client({ baseURL: accepting.url });
  const chunks = await collect(await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }));
  assert.ok(chunks.every((c: any) => c.choices.length > 0 && !('usage' in c)), 'the usage-only chunk and the usage fields are taken out');
  const [span] = await waitForSpans(h, 1);
  assert.equal(span!.attributes['gen_ai.usage.input_tokens'], 6);
  assert.equal(span!.attributes['gen_ai.usage.output_tokens'], 6);
  // .asResponse() hands out the SDK's raw Response, whose body is the server's answer to the request
  // that was sent with include_usage (docs/instrumentations/openai.md, "Stream usage").
  const raw = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }).asResponse();
  assert.match(await raw.text(), /"usage":\{"/);
});
