/**
 * One store's series as plain data (what a cluster worker sends its primary over IPC), and the
 * exposition of several stores summed: the same families and series as one process that made
 * all the calls. Histograms and counters add up exactly (bucket by bucket, sum, count); a
 * bucket's exemplar is the latest one of any store. Self-metrics: counters add up, gauges take
 * the largest value (aimeter_series_active against the per-process aimeter_series_limit),
 * the cluster self-metrics are the primary's own.
 */
import { METRICS } from '../metrics/catalog';
import { SELF_METRICS, type GenAiMetrics, type SelfMetricKey, type SelfMetricPoint } from '../metrics/genai-metrics';
import type { ExpositionFormat } from '../metrics/openmetrics';
import {
  CounterFamily,
  type Exemplar,
  type Family,
  GaugeFamily,
  HistogramFamily,
  type HistogramSeries,
  type ScalarSeries,
  labelKey,
} from '../metrics/series-store';

export interface SeriesSnapshot {
  /** The rendered labels (`a="1",b="2"`), the series' identity in every store alike. */
  readonly labels: string;
  /** Counters. */
  readonly value?: number;
  /** Histograms: non-cumulative bucket counts, sum, count, the latest exemplar per bucket (null: none). */
  readonly counts?: readonly number[];
  readonly sum?: number;
  readonly count?: number;
  readonly exemplars?: readonly (Exemplar | null)[];
}

export interface StoreSnapshot {
  readonly families: readonly { readonly name: string; readonly series: readonly SeriesSnapshot[] }[];
  readonly self: readonly SelfMetricPoint[];
}

/** What the exposition renders: a GenAiMetrics, or several summed. */
export interface RenderSource {
  renderParts(format: ExpositionFormat): Iterable<string>;
}

const PRIMARY_ONLY: ReadonlySet<SelfMetricKey> = new Set<SelfMetricKey>(['clusterWorkers', 'clusterWorkerMisses']);

export function snapshotOf(metrics: GenAiMetrics): StoreSnapshot {
  return {
    families: metrics.families().map((family) => ({
      name: family.promName,
      series: [...family.entries()].map((s): SeriesSnapshot => {
        if (family instanceof HistogramFamily) {
          const h = s as HistogramSeries;
          return { labels: h.labels, counts: h.counts, sum: h.sum, count: h.count, exemplars: h.exemplars?.map((e) => e ?? null) };
        }
        return { labels: (s as ScalarSeries).labels, value: (s as ScalarSeries).value };
      }),
    })),
    self: [...metrics.selfMetricPoints()],
  };
}

/** `primary`'s store with the `others` summed in. */
export function mergedStore(primary: GenAiMetrics, others: readonly StoreSnapshot[]): RenderSource {
  return { renderParts: (format) => renderMerged(primary, [snapshotOf(primary), ...others], format) };
}

function* renderMerged(primary: GenAiMetrics, stores: readonly StoreSnapshot[], format: ExpositionFormat): Generator<string> {
  const noOverflow = () => undefined;
  const merged = new Map<string, Family<unknown>>();
  for (const family of primary.families()) {
    const copy = family instanceof HistogramFamily ? new HistogramFamily(family.definition, Infinity, noOverflow) : new CounterFamily(family.definition, Infinity, noOverflow);
    merged.set(family.promName, copy as Family<unknown>);
  }
  for (const store of stores) {
    for (const { name, series } of store.families) {
      const family = merged.get(name);
      // A family this version does not have (a worker on another aimeter version) is left out.
      if (family === undefined) continue;
      for (const s of series) {
        if (family instanceof HistogramFamily) addHistogram(family, family.byLabels(s.labels), s);
        else if (typeof s.value === 'number') (family.byLabels(s.labels) as ScalarSeries).value += s.value;
      }
    }
  }
  for (const family of merged.values()) yield* family.parts(format);
  yield renderSelf(stores, format);
}

function addHistogram(family: HistogramFamily, into: HistogramSeries, from: SeriesSnapshot): void {
  // Counts of another bucket layout (a worker on another aimeter version) are left out.
  if (from.counts === undefined || !family.addCounts(into, from.counts)) return;
  into.sum += from.sum ?? 0;
  into.count += from.count ?? 0;
  const exemplars = from.exemplars;
  if (exemplars == null) return;
  const slots = (into.exemplars ??= new Array<Exemplar | undefined>(family.bucketSlots).fill(undefined));
  for (let i = 0; i < exemplars.length && i < slots.length; i++) {
    const e = exemplars[i];
    if (e != null && (slots[i] === undefined || e.timeMs > slots[i]!.timeMs)) slots[i] = { ...e };
  }
}

function renderSelf(stores: readonly StoreSnapshot[], format: ExpositionFormat): string {
  const noOverflow = () => undefined;
  const families = new Map<SelfMetricKey, CounterFamily>(
    SELF_METRICS.map((key) => {
      const def = METRICS[key];
      return [key, def.kind === 'gauge' ? new GaugeFamily(def, Infinity, noOverflow) : new CounterFamily(def, Infinity, noOverflow)];
    }),
  );
  stores.forEach((store, index) => {
    for (const point of store.self) {
      const family = families.get(point.metric);
      if (family === undefined || (index > 0 && PRIMARY_ONLY.has(point.metric))) continue;
      const series = family.get(labelKey(point.values), point.values);
      if (METRICS[point.metric].kind === 'gauge') series.value = Math.max(series.value, point.value);
      else series.value += point.value;
    }
  });
  let out = '';
  for (const family of families.values()) out += family.render(format);
  return out;
}
