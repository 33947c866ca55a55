import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeCost } from '../../src/prices/cost';
import { PriceBook } from '../../src/prices/price-book';
import type { ModelPrice } from '../../src/prices/types';

function close(actual: number | undefined, expected: number, what = ''): void {
  assert.ok(actual !== undefined, `${what}: no cost`);
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: expected ${expected}, got ${actual}`);
}

// Rates in the file's units (per 1M tokens), matching the providers' published prices.
const book = PriceBook.fromEntries([
  { provider: 'openai', model: 'gpt-4o', input_per_mtok: 2.5, cache_read_per_mtok: 1.25, output_per_mtok: 10, source: 's', date: '2026-11-21' },
  { provider: 'openai', model: 'o4-mini', input_per_mtok: 1.1, cache_read_per_mtok: 0.275, output_per_mtok: 4.4, source: 's', date: '2026-11-21' },
  { provider: 'openai', model: 'text-embedding-3-small', input_per_mtok: 0.02, source: 's', date: '2026-11-21' },
  { provider: 'openai', model: 'whisper-1', audio_per_minute: 0.006, source: 's', date: '2026-11-21' },
  { provider: 'openai', model: 'tts-1', per_million_characters: 15, source: 's', date: '2026-11-21' },
  { provider: 'openai', model: 'gpt-4o-mini-tts', input_per_mtok: 0.6, output_per_mtok: 12, source: 's', date: '2026-11-21' },
  {
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    input_per_mtok: 3,
    cache_write_per_mtok: 3.75,
    cache_read_per_mtok: 0.3,
    output_per_mtok: 15,
    source: 's',
    date: '2026-11-21',
  },
  { provider: 'acme', model: 'thinker', input_per_mtok: 1, output_per_mtok: 10, reasoning_per_mtok: 20, source: 's', date: '2026-11-21' },
  { provider: 'deepgram', model: 'nova-3', audio_per_minute: 0.0043, source: 's', date: '2026-11-21' },
  { provider: 'elevenlabs', model: 'eleven_flash_v2_5', per_million_characters: 50, source: 's', date: '2026-11-21' },
]);

function price(provider: string, model: string): ModelPrice {
  const found = book.lookup(provider, model);
  assert.ok(found, `${provider}/${model}`);
  return found;
}

test('OpenAI with cached input', () => {
  // 10,000 input of which 4,000 cached, 500 output:
  // 6,000 x $2.50/M = 0.015; 4,000 x $1.25/M = 0.005; 500 x $10/M = 0.005 -> $0.025.
  const cost = computeCost({ inputTokens: 10_000, cacheReadTokens: 4_000, outputTokens: 500 }, price('openai', 'gpt-4o'));
  close(cost?.total, 0.025, 'total');
  // Savings: 4,000 x ($2.50 - $1.25)/M = 0.005.
  close(cost?.cacheSavings, 0.005, 'savings');
});

test('plain input and output, no cache', () => {
  // 1,234 x $2.50/M + 567 x $10/M = 0.003085 + 0.00567 = 0.008755.
  const cost = computeCost({ inputTokens: 1_234, outputTokens: 567 }, price('openai', 'gpt-4o'));
  close(cost?.total, 0.008755, 'total');
  close(cost?.cacheSavings, 0, 'savings');
});

test('Anthropic cache read and cache write', () => {
  // 20,000 input = 3,000 uncached + 12,000 cache read + 5,000 cache write; 1,000 output.
  // 3,000 x $3/M = 0.009; 12,000 x $0.30/M = 0.0036; 5,000 x $3.75/M = 0.01875; 1,000 x $15/M = 0.015
  // -> $0.04635.
  const cost = computeCost(
    { inputTokens: 20_000, cacheReadTokens: 12_000, cacheCreationTokens: 5_000, outputTokens: 1_000 },
    price('anthropic', 'claude-sonnet-4-5-20250929'),
  );
  close(cost?.total, 0.04635, 'total');
  // Savings: 12,000 x ($3 - $0.30)/M = 0.0324.
  close(cost?.cacheSavings, 0.0324, 'savings');
  // Write premium: 5,000 x ($3.75 - $3)/M = 0.00375; net return of the cache 0.0324 - 0.00375.
  close(cost?.cacheWritePremium, 0.00375, 'write premium');
});

test('cache counts larger than input are clamped, never negative', () => {
  // uncached = max(0, 100 - 500) = 0; 500 x $0.30/M = 0.00015.
  const cost = computeCost({ inputTokens: 100, cacheReadTokens: 500 }, price('anthropic', 'claude-sonnet-4-5'));
  close(cost?.total, 0.00015, 'total');
});

test('reasoning tokens at the output rate by default', () => {
  // 1,000 input x $1.10/M = 0.0011; output 3,000 of which 2,000 reasoning, all at $4.40/M = 0.0132
  // -> $0.0143.
  const cost = computeCost({ inputTokens: 1_000, outputTokens: 3_000, reasoningTokens: 2_000 }, price('openai', 'o4-mini'));
  close(cost?.total, 0.0143, 'total');
});

test('reasoning tokens at their own rate when the price has one', () => {
  // 1,000 x $1/M = 0.001; (3,000 - 2,000) x $10/M = 0.01; 2,000 x $20/M = 0.04 -> $0.051.
  const cost = computeCost({ inputTokens: 1_000, outputTokens: 3_000, reasoningTokens: 2_000 }, price('acme', 'thinker'));
  close(cost?.total, 0.051, 'total');
});

test('speech-to-text minutes', () => {
  // 90 s = 1.5 min x $0.006 = 0.009.
  close(computeCost({ audioSeconds: 90 }, price('openai', 'whisper-1'))?.total, 0.009, 'whisper');
  // 30 s = 0.5 min x $0.0043 = 0.00215.
  close(computeCost({ audioSeconds: 30 }, price('deepgram', 'nova-3'))?.total, 0.00215, 'nova-3');
  // Token counts reported next to the audio have no rate here and add nothing.
  close(computeCost({ audioSeconds: 30, outputTokens: 50 }, price('deepgram', 'nova-3'))?.total, 0.00215, 'nova-3 + tokens');
});

test('text-to-speech characters', () => {
  // 1,234 chars x $15/M = 0.01851.
  close(computeCost({ characters: 1_234 }, price('openai', 'tts-1'))?.total, 0.01851, 'tts-1');
  // 2,000 chars x $50/M = 0.1.
  close(computeCost({ characters: 2_000 }, price('elevenlabs', 'eleven_flash_v2_5'))?.total, 0.1, 'flash');
});

test('embeddings: input only', () => {
  // 1,000 x $0.02/M = 0.00002.
  close(computeCost({ inputTokens: 1_000, outputTokens: 0 }, price('openai', 'text-embedding-3-small'))?.total, 0.00002, 'embed');
});

test('zero usage with a rate is $0, not unpriced', () => {
  const cost = computeCost({ inputTokens: 0, outputTokens: 0 }, price('openai', 'gpt-4o'));
  assert.deepEqual(cost, { total: 0, cacheSavings: 0, cacheWritePremium: 0 });
});

test('undefined when nothing reported has a rate', () => {
  assert.equal(computeCost({ inputTokens: 100, outputTokens: 10 }, price('openai', 'whisper-1')), undefined);
  assert.equal(computeCost({ audioSeconds: 12 }, price('openai', 'gpt-4o')), undefined);
  assert.equal(computeCost({ characters: 500 }, price('openai', 'gpt-4o-mini-tts')), undefined);
  assert.equal(computeCost({}, price('openai', 'gpt-4o')), undefined);
  assert.equal(computeCost({ inputTokens: Number.NaN, outputTokens: -5 }, price('openai', 'gpt-4o')), undefined);
});

test('bundled prices give the same dollars', () => {
  const bundled = PriceBook.load({ userFile: null });
  const cost = computeCost(
    { inputTokens: 20_000, cacheReadTokens: 12_000, cacheCreationTokens: 5_000, outputTokens: 1_000 },
    bundled.lookup('aws.bedrock', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0')!,
  );
  close(cost?.total, 0.04635, 'bedrock sonnet 4.5');
  close(computeCost({ inputTokens: 10_000, cacheReadTokens: 4_000, outputTokens: 500 }, bundled.lookup('azure.ai.openai', 'gpt-4o')!)?.total, 0.025, 'azure gpt-4o');
});
