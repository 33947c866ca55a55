/**
 * openai 4.x (test/fixtures/openai-v4, openai@4.104.0): the core scenarios, differential where the
 * caller's view matters. 4.x differs in its internals (node-fetch Responses with Node.js stream
 * bodies, `parseResponse(props)`, helpers under `beta.chat.completions`).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sum } from '../helpers/exposition';
import { setRuntimeSettings } from '../../src/config/runtime';
import { fakeWav } from '../../examples/fake-provider/openai';
import { errorShape, startHarness, V4_FIXTURE, waitForSpans, type Harness } from './harness';

let h: Harness;
before(async () => {
  h = await startHarness({ fixture: V4_FIXTURE, fake: { chunkDelayMs: 3 } });
  assert.match(String(h.mod.OpenAI.VERSION ?? require('node:fs').readFileSync(require('node:path').join(V4_FIXTURE, 'node_modules/openai/package.json'), 'utf8')), /4\.104\.0/);
});
after(async () => {
  await h.close();
});

const norm = (v: unknown) =>
  JSON.parse(JSON.stringify(v).replace(/(chatcmpl-fake-|resp_fake_|msg_fake_|fc_fake_|req_fake_)\d+/g, '$1N').replace(/"(created|created_at)":\d+/g, '"$1":0'));

async function differential(scenario: () => Promise<unknown>): Promise<unknown> {
  h.ours!.disable();
  let off: unknown;
  try {
    off = norm(await scenario());
  } catch (error) {
    off = { error: errorShape(error) };
  }
  h.ours!.enable();
  h.reset();
  let on: unknown;
  try {
    on = norm(await scenario());
  } catch (error) {
    on = { error: errorShape(error) };
  }
  assert.deepEqual(on, off);
  return on;
}

const messages = [{ role: 'user' as const, content: 'Say hello to the world' }];

test('v4: plain chat, asResponse, exact tokens and dollars', async () => {
  const v: any = await differential(async () => {
    const client = h.client();
    const c = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, prompt_cache_key: 'k' } as any);
    const raw = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).asResponse();
    return { c, raw: await raw.json() };
  });
  assert.equal(v.c.usage.prompt_tokens, 8);
  const spans = await waitForSpans(h, 2);
  assert.equal(spans[0]!.attributes['gen_ai.usage.input_tokens'], 8);
  assert.equal(spans[0]!.attributes['gen_ai.usage.cache_read.input_tokens'], 4);
  assert.equal(spans[1]!.attributes['gen_ai.usage.input_tokens'], 8, 'asResponse() only: usage read from a clone');
  const m = h.telemetry.scrape();
  const where = { gen_ai_operation_name: 'chat', gen_ai_request_model: 'gpt-4o-mini' };
  const cost = 4 * 0.15e-6 + 4 * 0.075e-6 + 8 * 0.6e-6 + (8 * 0.15e-6 + 8 * 0.6e-6);
  assert.ok(Math.abs(sum(m, 'aimeter_cost_usd_total', where) - cost) < 1e-9);
});

test('v4: streams (include_usage opt-in stripped, tee, break), TTFT', async () => {
  setRuntimeSettings({ openaiStreamUsage: true });
  try {
    const v: any = await differential(async () => {
      const client = h.client();
      const s1 = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
      const all: unknown[] = [];
      for await (const c of s1) all.push(c);
      const [l, r] = (await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true })).tee();
      const left: unknown[] = [];
      const right: unknown[] = [];
      for await (const c of l) left.push(c);
      for await (const c of r) right.push(c);
      const s3 = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
      let n = 0;
      for await (const _ of s3) if (++n === 2) break;
      return { all, left, right, aborted: s3.controller.signal.aborted };
    });
    assert.equal(v.all.length, 10);
    assert.deepEqual(v.left, v.all);
    assert.deepEqual(v.right, v.all);
    assert.equal(v.aborted, true);
    const spans = await waitForSpans(h, 3);
    assert.deepEqual(spans.map((s) => s.attributes['gen_ai.usage.input_tokens']), [8, 8, undefined]);
    assert.deepEqual(spans.map((s) => s.attributes['aimeter.response.chunks']), [10, 10, 2]);
    for (const s of spans) {
      const ttft = s.attributes['gen_ai.response.time_to_first_chunk'] as number;
      assert.ok(ttft > 0 && ttft < s.duration[0] + s.duration[1] / 1e9);
    }
  } finally {
    setRuntimeSettings({ openaiStreamUsage: false });
  }
});

test('v4: errors 429 / 500 / timeout keep their class and message', async () => {
  for (const [model, type, options] of [
    ['fail-429', 'rate_limit', {}],
    ['fail-500', '500', {}],
    ['slow-300', 'timeout', { timeout: 50 }],
  ] as const) {
    const v: any = await differential(() => h.client(options).chat.completions.create({ model, messages }));
    assert.ok(v.error);
    const [span] = await waitForSpans(h, 1);
    assert.equal(span!.attributes['error.type'], type);
  }
});

test('v4: helpers (beta.chat.completions.stream / parse / runTools): one span per HTTP call', async () => {
  const v: any = await differential(async () => {
    const client = h.client();
    const stream = client.beta.chat.completions.stream({ model: 'gpt-4o-mini', messages });
    const final = await stream.finalChatCompletion();
    const parsed = await client.beta.chat.completions.parse({ model: 'gpt-4o-mini', messages });
    const runner = client.beta.chat.completions.runTools({
      model: 'gpt-4o-mini',
      messages,
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } }, parse: JSON.parse, function: () => 'found' } }],
    } as any);
    return { final: final.choices[0]!.message.content, parsed: parsed.choices[0]!.message.content, content: await runner.finalContent() };
  });
  assert.equal(v.content, 'Fake reply to: found');
  await waitForSpans(h, 4);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(h.genAiSpans().length, 4, 'stream 1 + parse 1 + runTools 2');
});

test('v4: embeddings, responses, transcription and speech', async () => {
  const v: any = await differential(async () => {
    const client = h.client();
    const e = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'one two three' });
    const r = await client.responses.create({ model: 'gpt-4o-mini', input: 'Hello there' });
    const t = await client.audio.transcriptions.create({ model: 'whisper-1', file: await h.mod.toFile(fakeWav(2), 'a.wav'), response_format: 'text' });
    const speech = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'Twenty characters!!' });
    const audio = Buffer.from(await speech.arrayBuffer());
    return { e, r: r.output_text, t, audioBytes: audio.length, audioSum: audio.reduce((a, b) => a + b, 0) };
  });
  assert.equal(v.r, 'Fake reply to: Hello there');
  assert.equal(v.audioBytes, Math.round((19 / 20) * 16000));
  const spans = await waitForSpans(h, 4);
  const byOp = Object.fromEntries(spans.map((s) => [`${String(s.attributes['gen_ai.operation.name'])}/${String(s.attributes['gen_ai.request.model'])}`, s.attributes]));
  assert.equal(byOp['embeddings/text-embedding-3-small']!['gen_ai.usage.input_tokens'], 3);
  assert.equal(byOp['chat/gpt-4o-mini']!['gen_ai.usage.output_tokens'], 5);
  assert.equal(byOp['speech_to_text/whisper-1']!['aimeter.speech.audio.duration'], 2);
  assert.equal(byOp['text_to_speech/tts-1']!['aimeter.speech.characters'], 19);
  assert.equal(byOp['text_to_speech/tts-1']!['aimeter.speech.audio.size'], v.audioBytes);
  assert.ok((byOp['text_to_speech/tts-1']!['gen_ai.response.time_to_first_chunk'] as number) > 0);
});
