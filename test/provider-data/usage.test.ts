import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BOUNDS, checkedQuantity, checkedTokenCounts } from '../../src/provider-data/usage';
import { rejectionCounts } from '../../src/provider-data/rejections';
import { clipCodePoints, printable, safeText } from '../../src/internal/text';
import { errorTypeLabel, errorTypeOf } from '../../src/tracing/error-type';

const count = (field: string, reason: string) => [...rejectionCounts()].find((r) => r.field === field && r.reason === reason)?.count ?? 0;

test('a quantity is plausible from 0 to its bound; the bound itself passes, the next double does not', () => {
  const field = 'gen_ai.usage.input_tokens';
  assert.equal(BOUNDS[field], 1e9);
  assert.equal(checkedQuantity(1e9, field), 1e9);
  assert.equal(checkedQuantity(0, field), 0);
  assert.equal(checkedQuantity(undefined, field), undefined);
  assert.equal(checkedQuantity(null, field), undefined);
  const before = count(field, 'absurd');
  assert.equal(checkedQuantity(1e9 + 1, field), undefined);
  assert.equal(count(field, 'absurd'), before + 1);
});

test('cache writes are cut to what the cache reads leave of the input; reasoning to the output', () => {
  const u = checkedTokenCounts({ inputTokens: 100, cacheReadTokens: 80, cacheCreationTokens: 50, outputTokens: 10, reasoningTokens: 11 });
  assert.deepEqual(u, { inputTokens: 100, cacheReadTokens: 80, cacheCreationTokens: 20, outputTokens: 10, reasoningTokens: 10 });
  // Without a total there is nothing to cut to.
  const partsOnly = checkedTokenCounts({ cacheReadTokens: 80, reasoningTokens: 5 });
  assert.equal(partsOnly.cacheReadTokens, 80);
  assert.equal(partsOnly.reasoningTokens, 5);
  assert.equal(partsOnly.inputTokens, undefined);
});

test('text helpers: code-point cuts, one quoted line with controls escaped', () => {
  assert.equal(clipCodePoints('ab😀c', 3), 'ab😀');
  assert.equal(clipCodePoints('😀😀', 1), '😀');
  assert.equal(printable('a\nb\u001b[31m"c"', 100), '"a\\nb\\u001b[31m\\"c\\""');
  assert.equal(printable('x'.repeat(10), 4), '"xxxx..."');
  assert.equal(safeText('m\u2028\u202e', 10), 'm\\u2028\\u202e');
});

test('error.type shape: documented values pass, anything else is _OTHER; thrown values always have the shape', () => {
  for (const ok of ['rate_limit', 'timeout', 'cancelled', 'connection_error', '500', '_OTHER', 'APIConnectionError', 'openai.BadRequest']) assert.equal(errorTypeLabel(ok), ok);
  for (const bad of ['a b', 'x"y', '{}', 'a\nb', '1234', '_x', 'E'.repeat(65), 5]) assert.equal(errorTypeLabel(bad), '_OTHER');
  assert.equal(errorTypeLabel(''), '');
  class Weird extends Error {}
  Object.defineProperty(Weird, 'name', { value: 'we"ird\n' });
  assert.equal(errorTypeOf(new Weird('x')), '_OTHER');
  assert.equal(errorTypeOf(Object.assign(new Error('aborted'), { name: 'AbortError' })), 'cancelled');
});

test('error.type of AWS SDK v3 errors: the status in $metadata.httpStatusCode; ThrottlingException is rate_limit with or without one', () => {
  const aws = (name: string, status?: number) => Object.assign(new Error('m'), { name, ...(status !== undefined ? { $metadata: { httpStatusCode: status } } : {}) });
  assert.equal(errorTypeOf(aws('ThrottlingException', 429)), 'rate_limit');
  assert.equal(errorTypeOf(aws('ThrottlingException')), 'rate_limit');
  assert.equal(errorTypeOf(aws('ValidationException', 400)), '400');
  assert.equal(errorTypeOf(aws('ModelStreamErrorException')), 'ModelStreamErrorException');
  assert.equal(errorTypeOf(aws('ServiceUnavailableException', 503)), '503');
});
