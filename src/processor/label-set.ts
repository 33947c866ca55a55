/**
 * The series one label set (operation, provider, request model, response model, agent, tool)
 * records into, resolved once and remembered.
 *
 * Why: almost every call of an application carries one of a handful of label sets, and the
 * processor records up to a dozen metrics per call. Building each metric's key string, hashing it
 * in the family's map and looking the price up again for every call was most of the processor's
 * cost inside a real application (cold caches, not the tight loop of bench/processor.ts). With
 * the label set remembered, a call costs one map lookup; each record is a direct bucket update.
 *
 * Remembered series live as long as the store's own (series are never dropped). A family that is
 * full resolves nothing here, and its records go through GenAiMetrics.observe/add, which fold
 * them into the overflow series and count them, exactly as before.
 */
import type { GenAiMetrics, CounterKey, HistogramKey } from '../metrics/genai-metrics';
import { type ExemplarContext, keyPart, labelKey, type HistogramSeries, type LabelValues, type ScalarSeries } from '../metrics/series-store';
import type { ModelPrice } from '../prices/types';
import type { FinishReason } from './finish-reasons';

/** Where a model call records with its label set: the metric, and the value of its one extra label, if any. */
interface SlotDef<K> {
  readonly metric: K;
  readonly extra?: string;
}

const HISTOGRAMS = {
  duration: { metric: 'operationDuration', extra: '' }, // error.type '' (success); failures take the keyed path
  tokenUsageInput: { metric: 'tokenUsage', extra: 'input' },
  tokenUsageOutput: { metric: 'tokenUsage', extra: 'output' },
  operationCost: { metric: 'operationCost' },
  timeToFirstChunk: { metric: 'timeToFirstChunk' },
  timePerOutputChunk: { metric: 'timePerOutputChunk' },
  speechToTextRealTimeFactor: { metric: 'speechToTextRealTimeFactor' },
  textToSpeechTimeToFirstAudio: { metric: 'textToSpeechTimeToFirstAudio' },
  speechToTextTimeToFirstTranscript: { metric: 'speechToTextTimeToFirstTranscript' },
  // Newest conventions (src/semconv/conventions.ts).
  inferenceDuration: { metric: 'inferenceDuration', extra: '' },
  embeddingsDuration: { metric: 'embeddingsDuration', extra: '' },
  invokeAgentDuration: { metric: 'invokeAgentDuration', extra: '' },
  executeToolDuration: { metric: 'executeToolDuration', extra: '' },
  inferenceInputTokens: { metric: 'inferenceInputTokens' },
  inferenceOutputTokens: { metric: 'inferenceOutputTokens' },
  inferenceTimeToFirstChunk: { metric: 'inferenceTimeToFirstChunk' },
  inferenceTimePerOutputChunk: { metric: 'inferenceTimePerOutputChunk' },
} as const satisfies Record<string, SlotDef<HistogramKey>>;


const COUNTERS = {
  tokensInput: { metric: 'tokens', extra: 'input' },
  tokensOutput: { metric: 'tokens', extra: 'output' },
  tokensCacheRead: { metric: 'tokens', extra: 'cache_read' },
  tokensCacheCreation: { metric: 'tokens', extra: 'cache_creation' },
  tokensReasoning: { metric: 'tokens', extra: 'reasoning' },
  unpriced: { metric: 'unpricedOperations' },
  cost: { metric: 'cost' },
  cacheSavings: { metric: 'cacheSavings' },
  cacheWritePremium: { metric: 'cacheWritePremium' },
  speechToTextAudio: { metric: 'speechToTextAudio' },
  textToSpeechCharacters: { metric: 'textToSpeechCharacters' },
  textToSpeechAudioSize: { metric: 'textToSpeechAudioSize' },
  // Newest conventions: gen_ai.token.modality is required; aimeter's spans do not split usage by modality (yet).
  usageInput: { metric: 'inferenceUsageInput', extra: 'unknown' },
  usageOutput: { metric: 'inferenceUsageOutput', extra: 'unknown' },
  usageCacheRead: { metric: 'inferenceUsageCacheRead', extra: 'unknown' },
  usageCacheWrite: { metric: 'inferenceUsageCacheWrite', extra: 'unknown' },
  usageReasoning: { metric: 'inferenceUsageReasoning', extra: 'unknown' },
  // aimeter_finish_reasons_total: one slot per reason of the allow-list (finish-reasons.ts).
  finishStop: { metric: 'finishReasons', extra: 'stop' },
  finishLength: { metric: 'finishReasons', extra: 'length' },
  finishContentFilter: { metric: 'finishReasons', extra: 'content_filter' },
  finishToolCalls: { metric: 'finishReasons', extra: 'tool_calls' },
  finishError: { metric: 'finishReasons', extra: 'error' },
  finishOther: { metric: 'finishReasons', extra: 'other' },
} as const satisfies Record<string, SlotDef<CounterKey>>;

/** The counter slot of each finish reason (every FinishReason has one). */
export const FINISH_REASON_SLOTS: Readonly<Record<FinishReason, CounterSlot>> = {
  stop: 'finishStop',
  length: 'finishLength',
  content_filter: 'finishContentFilter',
  tool_calls: 'finishToolCalls',
  error: 'finishError',
  other: 'finishOther',
};

export type HistogramSlot = keyof typeof HISTOGRAMS;
export type CounterSlot = keyof typeof COUNTERS;

/** The key of a metric with one label more than the label set (same rule as labelKey). */
export function extendedKey(key: string, extra: string): string {
  return `${key}\u0001${keyPart(extra)}`;
}

export class LabelSet {
  /** The price of (provider, response model, else request model): undefined until looked up, null for none. */
  price: ModelPrice | null | undefined = undefined;
  /** Resolved series by slot name; a slot whose family was full stays unresolved (keyed path). */
  private readonly histograms = new Map<HistogramSlot, HistogramSeries>();
  private readonly counters = new Map<CounterSlot, ScalarSeries>();

  /** `remember` false: a one-off (the cache is full): every record takes the keyed path. */
  constructor(
    private readonly metrics: GenAiMetrics,
    readonly key: string,
    readonly values: LabelValues,
    private readonly remember: boolean,
  ) {}

  /** `exemplar`: the sampled span of the call, for the histograms that link to traces. */
  observe(slot: HistogramSlot, value: number, exemplar?: ExemplarContext, times = 1): void {
    const def: SlotDef<HistogramKey> = HISTOGRAMS[slot];
    if (this.fast()) {
      let series = this.histograms.get(slot);
      if (series === undefined) {
        series = this.metrics.histogramSeries(def.metric, this.keyOf(def), this.valuesOf(def));
        if (series !== undefined) this.histograms.set(slot, series);
      }
      if (series !== undefined) return this.metrics.observeSeries(def.metric, series, value, exemplar, times);
    }
    this.metrics.observe(def.metric, this.keyOf(def), this.valuesOf(def), value, exemplar, times);
  }

  add(slot: CounterSlot, value: number): void {
    if (!(value > 0)) return;
    const def: SlotDef<CounterKey> = COUNTERS[slot];
    if (this.fast()) {
      let series = this.counters.get(slot);
      if (series === undefined) {
        series = this.metrics.counterSeries(def.metric, this.keyOf(def), this.valuesOf(def));
        if (series !== undefined) this.counters.set(slot, series);
      }
      if (series !== undefined) return this.metrics.addSeries(def.metric, series, value);
    }
    this.metrics.add(def.metric, this.keyOf(def), this.valuesOf(def), value);
  }

  /** Remembered series skip the OTLP mirror, which needs the label values: not when mirroring. */
  private fast(): boolean {
    return this.remember && !this.metrics.mirrored;
  }

  private keyOf(def: SlotDef<unknown>): string {
    return def.extra === undefined ? this.key : extendedKey(this.key, def.extra);
  }

  private valuesOf(def: SlotDef<unknown>): LabelValues {
    return def.extra === undefined ? this.values : [...this.values, def.extra];
  }
}

/** How many recently used label sets are checked by value before building a key. */
const RECENT = 8;

/**
 * Label sets by key, at most `limit` of them (the series cap: more could not get series anyway).
 * The few most recently used are found by comparing their values, without building and hashing
 * the key string: an application's calls mostly repeat a handful of label sets.
 */
export class LabelSets {
  private readonly sets = new Map<string, LabelSet>();
  private readonly recent: LabelSet[] = [];
  private next = 0;

  constructor(
    private readonly metrics: GenAiMetrics,
    private readonly limit: number,
  ) {}

  get(values: LabelValues): LabelSet {
    for (let i = 0; i < this.recent.length; i++) {
      const set = this.recent[i]!;
      if (sameValues(set.values, values)) return set;
    }
    const key = labelKey(values);
    let set = this.sets.get(key);
    if (set === undefined) {
      const remember = this.sets.size < this.limit;
      set = new LabelSet(this.metrics, key, values, remember);
      if (!remember) return set;
      this.sets.set(key, set);
    }
    this.recent[this.next] = set;
    this.next = (this.next + 1) % RECENT;
    return set;
  }
}

function sameValues(a: LabelValues, b: LabelValues): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
