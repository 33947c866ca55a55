/**
 * aimeter_finish_reasons_total: why model calls stopped, from gen_ai.response.finish_reasons,
 * through the real openai SDK against the loopback fake (a truncated answer, a tool call, a normal
 * stop, streamed and not), and the folding of other providers' spellings into the allow-list.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sum } from '../helpers/exposition';
import { FINISH_REASONS, normaliseFinishReason, finishReasonsOf } from '../../src/processor/finish-reasons';
import { startHarness, waitForSpans, collect, type Harness } from './harness';

let h: Harness;
before(async () => {
  h = await startHarness({ fake: { latencyMs: 1, chunkDelayMs: 1 } });
});
after(async () => {
  await h.close();
});

const METRIC = 'aimeter_finish_reasons_total';
const reasons = () => {
  const m = h.telemetry.scrape();
  return Object.fromEntries(FINISH_REASONS.map((r) => [r, sum(m, METRIC, { gen_ai_response_finish_reason: r })]));
};

describe('finish reasons', () => {
  test('truncation (length), tool calls and stop are counted per choice with the call labels', async () => {
    h.reset();
    const start = reasons();
    const client = h.client();
    // Cut to 2 words: finish_reason "length", on both of n=2 choices.
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'tell me a long story please' }], max_completion_tokens: 2, n: 2 });
    // A tool call, streamed.
    await collect(
      await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'weather?' }],
        tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
        stream: true,
      }),
    );
    // A normal answer.
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    await waitForSpans(h, 3);
    const end = reasons();
    const delta = Object.fromEntries(FINISH_REASONS.map((r) => [r, (end[r] ?? 0) - (start[r] ?? 0)]));
    assert.deepEqual(delta, { stop: 1, length: 2, content_filter: 0, tool_calls: 1, error: 0, other: 0 });
    const m = h.telemetry.scrape();
    assert.equal(
      sum(m, METRIC, { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o-mini', gen_ai_response_finish_reason: 'length' }) -
        (start.length ?? 0),
      2,
    );
  });

  test('providers\' spellings fold into stop, length, content_filter, tool_calls, error, other', () => {
    const cases: [string, string][] = [
      ['stop', 'stop'], ['end_turn', 'stop'], ['STOP', 'stop'], ['stop_sequence', 'stop'],
      ['length', 'length'], ['max_tokens', 'length'], ['MAX_TOKENS', 'length'],
      ['content_filter', 'content_filter'], ['refusal', 'content_filter'], ['SAFETY', 'content_filter'],
      ['tool_calls', 'tool_calls'], ['tool_call', 'tool_calls'], ['tool_use', 'tool_calls'], ['function_call', 'tool_calls'],
      ['error', 'error'], ['something-new', 'other'], ['', 'other'],
    ];
    for (const [raw, expected] of cases) assert.equal(normaliseFinishReason(raw), expected, raw);
    assert.deepEqual(finishReasonsOf(['stop', 'max_tokens']), ['stop', 'length']);
    assert.deepEqual(finishReasonsOf('end_turn'), ['stop']);
    assert.equal(finishReasonsOf(undefined), undefined);
    assert.equal(finishReasonsOf([]), undefined);
    assert.equal(finishReasonsOf([42]), undefined);
  });
});
