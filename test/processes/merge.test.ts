/**
 * The sum of several stores (src/processes/merge.ts) renders exactly what one store holding all
 * the records renders, after the trip through JSON that cluster IPC makes; the series cap's
 * overflow series and exemplars survive it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GenAiMetrics } from '../../src/metrics/genai-metrics';
import { labelKey } from '../../src/metrics/series-store';
import { mergedStore, snapshotOf, type StoreSnapshot } from '../../src/processes/merge';

type Rec = readonly [kind: 'h' | 'c', metric: 'operationDuration' | 'tokenUsage' | 'tokens' | 'cost', values: string[], value: number];

/** Values that are sums of powers of two: float sums are then exact in any order, so the texts can be compared as they are. */
function records(): Rec[] {
  const out: Rec[] = [];
  const models = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-5', 'model-"quoted"\nname'];
  for (let i = 0; i < 40; i++) {
    const call = ['chat', 'openai', models[i % models.length]!, models[i % models.length]!, i % 3 === 0 ? 'support' : '', ''];
    out.push(['h', 'operationDuration', [...call, i % 7 === 0 ? 'rate_limit' : ''], (i % 9) / 64 + 1 / 1024]);
    out.push(['h', 'tokenUsage', [...call, 'input'], 10 + i]);
    out.push(['c', 'tokens', [...call, 'input'], 10 + i]);
    out.push(['c', 'cost', call, (i + 1) / 65536]);
  }
  return out;
}

function record(metrics: GenAiMetrics, [kind, metric, values, value]: Rec, timeMs: number): void {
  if (kind === 'h') metrics.observe(metric as 'operationDuration', labelKey(values), values, value, { traceId: timeMs.toString(16).padStart(32, '0'), spanId: 'a'.repeat(16), timeMs });
  else metrics.add(metric as 'tokens', labelKey(values), values, value);
}

const viaIpc = (s: StoreSnapshot): StoreSnapshot => JSON.parse(JSON.stringify(s)) as StoreSnapshot;

function render(source: { renderParts(format: 'text' | 'openmetrics'): Iterable<string> }, format: 'text' | 'openmetrics'): string {
  let out = '';
  for (const part of source.renderParts(format)) out += part;
  return out;
}

for (const cap of [2000, 5]) {
  test(`three stores summed equal one store with every record (series cap ${cap}), in text and OpenMetrics`, () => {
    const all = new GenAiMetrics({ version: 't', maxSeriesPerMetric: cap });
    const parts = [0, 1, 2].map(() => new GenAiMetrics({ version: 't', maxSeriesPerMetric: cap }));
    records().forEach((rec, i) => {
      record(all, rec, 1000 + i);
      record(parts[i % 3]!, rec, 1000 + i);
    });
    const merged = mergedStore(parts[0]!, [viaIpc(snapshotOf(parts[1]!)), viaIpc(snapshotOf(parts[2]!))]);
    for (const format of ['text', 'openmetrics'] as const) {
      const expected = render(all, format);
      const got = render(merged, format);
      if (cap === 2000) {
        // The same samples (a family's series may come in another order: Prometheus does not mind).
        assert.deepEqual(sortedLines(got), sortedLines(expected));
      } else {
        // Past the cap each store folds different label sets into its overflow series: the
        // totals (every _count, _sum and counter summed over the family) still agree.
        assert.deepEqual(familyTotals(got), familyTotals(expected));
        assert.match(got, /otel_metric_overflow="true"/);
      }
    }
  });
}

test('the cluster self-metrics are the primary own; other self-metric counters add up, gauges take the largest', () => {
  const primary = new GenAiMetrics({ version: 't' });
  const call = ['chat', 'openai', 'gpt-4o', '', '', ''];
  primary.add('cost', labelKey(call), call, 1);
  const other = ['chat', 'openai', 'gpt-4o-mini', '', '', ''];
  primary.cluster.workers = 2;
  primary.cluster.misses = 3;
  const worker = new GenAiMetrics({ version: 't' });
  worker.cluster.misses = 100;
  worker.add('cost', labelKey(call), call, 1);
  worker.add('cost', labelKey(other), other, 1);
  const text = render(mergedStore(primary, [viaIpc(snapshotOf(worker))]), 'text');
  assert.match(text, /^aimeter_cluster_workers 2$/m);
  assert.match(text, /^aimeter_cluster_worker_misses_total 3$/m);
  assert.match(text, /^aimeter_series_limit 2000$/m);
  // Two cost series in all, the worker holds both: the largest, 2 (not 3, the sum of what each holds).
  assert.match(text, /^aimeter_series_active\{aimeter_metric="aimeter_cost_usd_total"\} 2$/m);
  assert.match(text, /^aimeter_cost_usd_total\{[^}]*gen_ai_request_model="gpt-4o"\} 2$/m);
  assert.match(text, /^aimeter_build_info\{version="t"\} 1$/m);
});

/**
 * The sample lines, sorted; the series-cap self-metrics left out: aimeter_series_active is the
 * largest of any process (compared with the per-process limit), not a sum (next test).
 */
const sortedLines = (text: string) =>
  text
    .split('\n')
    .filter((line) => !/^aimeter_series_active\b/.test(line))
    .sort();

/** Sum of every sample value per sample name (bucket lines included); the series-cap self-metrics left out (each store folds on its own). */
function familyTotals(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const sample = line.split(' # ')[0]!;
    const name = sample.slice(0, sample.search(/[{ ]/));
    if (name.startsWith('aimeter_series_')) continue;
    const value = Number(sample.slice(sample.lastIndexOf(' ') + 1));
    out.set(name, (out.get(name) ?? 0) + value);
  }
  return out;
}
