/**
 * The quality helpers' formulas on worked examples (docs/quality.md states each definition).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setWarningSink } from '../../src/internal/log';
import { normaliseWords, wordErrorRate, wordErrors } from '../../src/quality/word-error-rate';
import { precisionAtK, recallAtK, reciprocalRank, retrievalRelevanceValues } from '../../src/quality/retrieval-metrics';

const warnings: string[] = [];
setWarningSink((m) => warnings.push(m));
const close = (actual: number | undefined, expected: number) => assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-12, `${actual} != ${expected}`);

test('WER: one substitution and two insertions (the only alignment of cost 3)', () => {
  const r = wordErrors('the quick brown fox', 'the quack brown brown fox jumps');
  assert.deepEqual(r, { substitutions: 1, deletions: 0, insertions: 2, referenceWords: 4, wer: 0.75 });
});

test('WER: three deletions', () => {
  const r = wordErrors('please call me back tomorrow morning', 'call me tomorrow');
  assert.deepEqual(r, { substitutions: 0, deletions: 3, insertions: 0, referenceWords: 6, wer: 0.5 });
});

test('WER: substitutions only, and a hypothesis longer than the reference exceeds 1', () => {
  assert.equal(wordErrorRate('turn the lights off', 'turn the nights on'), 0.5);
  assert.equal(wordErrorRate('yes', 'no no no'), 3);
});

test('WER normalisation: NFKC, lower case, punctuation removed, apostrophes inside words kept', () => {
  assert.deepEqual(normaliseWords("Hello, World! Don't  stop—now…"), ['hello', 'world', "don't", 'stop', 'now']);
  assert.equal(wordErrorRate('Hello, World!', 'hello world'), 0);
  assert.equal(wordErrorRate('Hello world', 'hello world', { caseSensitive: true }), 0.5);
  assert.equal(wordErrorRate('ﬁne', 'fine'), 0, 'NFKC folds the ligature');
  assert.equal(wordErrorRate('a.b', 'a.b', { keepPunctuation: true }), 0);
  assert.equal(wordErrorRate('a.b', 'a b', { keepPunctuation: true }), 2);
});

test('WER: empty reference is 0 against an empty hypothesis, undefined (named) otherwise', () => {
  assert.equal(wordErrorRate('', '  '), 0);
  assert.equal(wordErrorRate('...', 'words'), undefined);
  assert.ok(warnings.some((w) => w.includes('reference has no words')));
  assert.equal(wordErrorRate(42 as unknown as string, 'x'), undefined);
  assert.ok(warnings.some((w) => w.includes('reference: number')));
});

const retrieved = ['d1', 'd2', 'd3', 'd4', 'd5'];
const relevant = ['d2', 'd4', 'd9'];

test('precision@k divides by k, recall@k by the relevant count', () => {
  assert.equal(precisionAtK(retrieved, relevant, 1), 0);
  close(precisionAtK(retrieved, relevant, 3), 1 / 3);
  close(precisionAtK(retrieved, relevant, 5), 2 / 5);
  close(precisionAtK(retrieved, relevant, 10), 2 / 10);
  assert.equal(recallAtK(retrieved, relevant, 1), 0);
  close(recallAtK(retrieved, relevant, 5), 2 / 3);
  assert.equal(reciprocalRank(retrieved, relevant), 1 / 2);
});

test('no relevant documents: precision 0, recall and reciprocal rank undefined; relevant but not retrieved: RR 0', () => {
  assert.equal(precisionAtK(retrieved, [], 5), 0);
  assert.equal(recallAtK(retrieved, [], 5), undefined);
  assert.equal(reciprocalRank(retrieved, new Set<string>()), undefined);
  assert.equal(reciprocalRank(retrieved, ['zz']), 0);
  assert.deepEqual(retrievalRelevanceValues({ retrieved, relevant: [], k: [1, 5] }), { precision_at_1: 0, precision_at_5: 0 });
});

test('ties: equal scores share their ranks (expected values over the orders of the tie)', () => {
  const scored = [
    { id: 'a', score: 0.9 },
    { id: 'b', score: 0.7 },
    { id: 'c', score: 0.7 },
    { id: 'd', score: 0.7 },
    { id: 'e', score: 0.1 },
  ];
  // Given out of order: the scores rank them.
  const shuffled = [scored[4]!, scored[2]!, scored[0]!, scored[3]!, scored[1]!];
  close(precisionAtK(shuffled, ['c'], 2), 1 / 6);
  close(precisionAtK(shuffled, ['c'], 4), 1 / 4);
  close(recallAtK(shuffled, ['c'], 2), 1 / 3);
  close(reciprocalRank(shuffled, ['c']), (1 / 3) * (1 / 2 + 1 / 3 + 1 / 4));
  // Two relevant in the tie: first relevant at rank 2 in 4 of 6 orders, at rank 3 in 2.
  close(reciprocalRank(shuffled, ['c', 'd']), 4 / 9);
  // A tie wholly inside the cut is exact.
  close(precisionAtK(shuffled, ['c', 'd'], 4), 2 / 4);
});

test('a document listed twice counts once, at its first rank', () => {
  assert.equal(precisionAtK(['a', 'a', 'b'], ['a'], 2), 1 / 2);
  assert.equal(recallAtK(['a', 'a'], ['a'], 2), 1);
});

test('bad input is named and yields undefined', () => {
  assert.equal(precisionAtK(['a'], ['a'], 0), undefined);
  assert.ok(warnings.some((w) => w.includes('precisionAtK: k must be an integer')));
  assert.equal(recallAtK([{ id: 'a', score: 1 }, 'b'], ['a'], 1), undefined);
  assert.ok(warnings.some((w) => w.includes('either every document has a score or none')));
  assert.equal(reciprocalRank('abc' as unknown as string[], ['a']), undefined);
  assert.ok(warnings.some((w) => w.includes('retrieved must be an array')));
});
