/**
 * Disabling the OpenAI instrumentation leaves nothing of aimeter in the SDK: the APIPromise
 * prototype methods it hooks on the first call (`parse`, `_thenUnwrap`, `asResponse`) are the
 * SDK's own functions again after `disable()` (unhookApiPromises), calls are then neither traced
 * nor counted, and after `enable()` calls are traced, counted and hooked again.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sum } from '../helpers/exposition';
import { startHarness, waitForSpans, type Harness } from './harness';

// Loaded before any instrumentation exists: the SDK's own methods. (The harness later loads
// `openai`, which uses this very module.)
const { APIPromise } = require('openai/core/api-promise');
const HOOKED = ['parse', '_thenUnwrap', 'asResponse'] as const;
const ORIGINALS = Object.fromEntries(HOOKED.map((key) => [key, APIPromise.prototype[key]]));

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const labels = { gen_ai_operation_name: 'chat', gen_ai_request_model: 'gpt-4o-mini' };
const request = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello there' }] };

function hookState(): Record<string, 'original' | 'hooked'> {
  return Object.fromEntries(HOOKED.map((key) => [key, APIPromise.prototype[key] === ORIGINALS[key] ? 'original' : 'hooked']));
}
const all = (state: 'original' | 'hooked') => Object.fromEntries(HOOKED.map((key) => [key, state]));

async function chatCall(): Promise<void> {
  const result = await h.client().chat.completions.create(request);
  assert.equal(result.choices[0].message.content, 'Fake reply to: Hello there', 'the caller gets the SDK result');
}

const calls = () => sum(h.telemetry.scrape(), 'gen_ai_client_operation_duration_seconds_count', labels);

test('disable() restores the SDK APIPromise methods; enable() traces and counts again', async () => {
  assert.equal(h.mod.APIPromise, APIPromise, 'the harness openai module uses the APIPromise loaded first');
  for (const key of HOOKED) assert.equal(typeof ORIGINALS[key], 'function', key);
  assert.deepEqual(hookState(), all('original'), 'nothing is hooked before the first call');

  h.reset();
  await chatCall();
  assert.equal((await waitForSpans(h, 1)).length, 1);
  assert.equal(calls(), 1);
  assert.deepEqual(hookState(), all('hooked'), 'hooked by the first instrumented call');

  h.ours!.disable();
  assert.deepEqual(hookState(), all('original'), 'disable() puts the SDK methods back');
  h.reset();
  await chatCall();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(h.genAiSpans().length, 0, 'not traced while disabled');
  assert.equal(calls(), 1, 'not counted while disabled');
  assert.deepEqual(hookState(), all('original'), 'a call while disabled hooks nothing');

  h.ours!.enable();
  h.reset();
  await chatCall();
  const spans = await waitForSpans(h, 1);
  assert.equal(spans.length, 1, 'traced again');
  assert.equal(spans[0]!.attributes['gen_ai.usage.input_tokens'], 5);
  assert.equal(calls(), 2, 'counted again');
  assert.equal(sum(h.telemetry.scrape(), 'aimeter_tokens_total', { ...labels, gen_ai_token_type: 'output' }), 10);
  assert.deepEqual(hookState(), all('hooked'));

  h.ours!.disable();
  assert.deepEqual(hookState(), all('original'), 'and restored again by a second disable()');
  h.ours!.enable(); // leave it as the harness made it
});
