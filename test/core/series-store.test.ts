/**
 * The histogram store's counts array (src/metrics/series-store.ts): as long as the highest bucket
 * observed, not one slot per bucket from the start (issue 10, memory under hostile labels), with
 * the same exposition, and the cluster merge (src/processes/merge.ts) adding arrays of any length.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricDefinition } from '../../src/metrics/catalog';
import { HistogramFamily, type HistogramSeries } from '../../src/metrics/series-store';

const DEFINITION: MetricDefinition = {
  name: 'test.duration',
  unit: 's',
  kind: 'histogram',
  description: 'A test histogram.',
  labels: ['model'],
  buckets: [0.1, 1, 10],
};

function family(): HistogramFamily {
  return new HistogramFamily(DEFINITION, 100, () => undefined);
}

/** The cumulative bucket lines of one series, `le` -> count. */
function buckets(f: HistogramFamily): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of f.render().matchAll(/_bucket\{[^}]*le="([^"]+)"\} (\d+)/g)) out[m[1]!] = Number(m[2]);
  return out;
}

test('a series holds counts up to the highest bucket it was observed in, and renders every bucket', () => {
  const f = family();
  const s = f.get('a', ['a']);
  assert.deepEqual(s.counts, [], 'nothing observed: no slots');
  f.observe(s, 0.05);
  assert.deepEqual(s.counts, [1]);
  assert.deepEqual(buckets(f), { '0.1': 1, '1': 1, '10': 1, '+Inf': 1 });
  f.observe(s, 5, undefined, 2);
  assert.deepEqual(s.counts, [1, 0, 2]);
  f.observe(s, 0.5);
  assert.deepEqual(s.counts, [1, 1, 2], 'a lower bucket does not grow the array');
  f.observe(s, 1e9);
  assert.deepEqual(s.counts, [1, 1, 2, 1], 'the +Inf slot is the last');
  assert.deepEqual(buckets(f), { '0.1': 1, '1': 2, '10': 4, '+Inf': 5 });
  assert.match(f.render(), /test_duration_seconds_count\{model="a"\} 5\n/);
});

test('merged counts of any length up to the layout are added; longer ones (another layout) are refused', () => {
  const f = family();
  const s: HistogramSeries = f.get('a', ['a']);
  f.observe(s, 0.05);
  assert.equal(f.addCounts(s, [0, 0, 3]), true);
  assert.deepEqual(s.counts, [1, 0, 3]);
  assert.equal(f.addCounts(s, [2]), true, 'a shorter array adds to the low buckets');
  assert.deepEqual(s.counts, [3, 0, 3]);
  assert.equal(f.addCounts(s, [1, 1, 1, 1, 1]), false, 'five slots for a family of four');
  assert.deepEqual(s.counts, [3, 0, 3], 'nothing added from a refused array');
  assert.equal(f.bucketSlots, 4);
});
