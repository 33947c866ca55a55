/**
 * GenAiMetricsProcessor: a SpanProcessor that derives token, cost, latency, streaming, speech,
 * agent and tool metrics from any span carrying GenAI semantic-convention attributes.
 *
 * Add it to any tracer provider (OTel JS 2.x or 3.x):
 *   new NodeSDK({ spanProcessors: [new GenAiMetricsProcessor(), ...] })
 */
import { type Context, TraceFlags } from '@opentelemetry/api';
import { GenAiMetrics } from '../metrics/genai-metrics';
import { type ExemplarContext, labelKey } from '../metrics/series-store';
import { extendedKey, FINISH_REASON_SLOTS, type HistogramSlot, type LabelSet, LabelSets } from './label-set';
import { recordInternalError } from '../internal/errors';
import { syncParentSpanId } from '../tracing/call-scope';
import { warn, warnOnce } from '../internal/log';
import { clipCodePoints, safeText } from '../internal/text';
import { PriceBook } from '../prices/price-book';
import { computeCost } from '../prices/cost';
import type { ModelPrice, Usage } from '../prices/types';
import { isAggregate, isInference, isModelCall, Operation } from '../semconv/operations';
import { emitsLatest, emitsV141 } from '../semconv/conventions';
import type { HistogramKey } from '../metrics/genai-metrics';
import { agentNameOf, Lineage, type SpanEntry, toolNameOf } from './lineage';
import { looksLikeGenAi, mergeCalls, readGenAiSpan, type GenAiCall } from './read-span';
import type { ReadableSpanLike } from './span-like';
import { OutcomeTracker, type OutcomeTrackerOptions } from '../outcomes/tracker';
import { rememberCall } from '../quality/processor-hook';
import { attachProcessorMetrics } from '../quality/state';

/** What the processor needs of a price list. */
export interface PriceLookup {
  lookup(provider: string | undefined, model: string | undefined): ModelPrice | undefined;
}

export interface GenAiMetricsProcessorOptions {
  /** Where metrics are recorded; defaults to a new store with default limits. */
  readonly metrics?: GenAiMetrics;
  /**
   * Prices for cost. Default: the bundled price list merged with AIMETER_PRICES. `false`: derive
   * no cost (and count nothing as unpriced).
   */
  readonly prices?: PriceLookup | false;
  /**
   * Link the latency, time-to-first-chunk and cost histograms to traces with exemplars (default
   * true). Only SAMPLED spans are linked: an unsampled span (recorded for exact metrics, see
   * sdk/sampler.ts) is never exported, so its trace id would lead nowhere.
   */
  readonly exemplars?: boolean;
  /**
   * The outcome layer (requests, conversations, turns, agent runs, variants; docs/outcomes.md):
   * on by default, configured from the environment; `false` records none of it.
   */
  readonly outcomes?: OutcomeTrackerOptions | false;
}

const COMPONENT = 'span-processor';

/** Label values longer than this (in code points) are cut: a label is for grouping, not for content. */
const MAX_LABEL_LENGTH = 128;

export class GenAiMetricsProcessor {
  readonly metrics: GenAiMetrics;
  private readonly prices: PriceLookup | undefined;
  private readonly lineage = new Lineage();
  private readonly labelSets: LabelSets;
  private readonly exemplars: boolean;
  /**
   * The exemplar of the span being recorded, refilled per sampled span instead of allocated: the
   * store copies its fields (see ExemplarContext), and a span is recorded synchronously, so one
   * object serves every span.
   */
  private readonly exemplar = { traceId: '', spanId: '', timeMs: 0 };
  /** Which conventions' metrics are recorded (the store's: src/semconv/conventions.ts). */
  private readonly v141: boolean;
  private readonly latest: boolean;
  /** The outcome layer, undefined when switched off. */
  readonly outcomes: OutcomeTracker | undefined;
  /** Dollars of the model call being recorded (set by recordCost), handed to the outcome layer. */
  private lastCost: number | undefined = undefined;

  constructor(options: GenAiMetricsProcessorOptions = {}) {
    this.metrics = options.metrics ?? new GenAiMetrics();
    this.exemplars = options.exemplars ?? true;
    this.prices = options.prices === false ? undefined : (options.prices ?? PriceBook.load({ onWarning: warn }));
    this.labelSets = new LabelSets(this.metrics, this.metrics.maxSeriesPerMetric);
    this.v141 = emitsV141(this.metrics.conventions);
    this.latest = emitsLatest(this.metrics.conventions);
    this.outcomes = options.outcomes === false ? undefined : new OutcomeTracker(this.metrics, options.outcomes);
    // Quality signals (evaluations, cache lookups) go to these metrics when start() did not run.
    attachProcessorMetrics(this.metrics);
  }

  // try/catch rather than swallow(): no closure per span on the hot path.
  onStart(span: ReadableSpanLike, parentContext?: Context): void {
    try {
      // The fast path for the spans that are not ours to read (an HTTP server span, a database
      // call): with no GenAI span open, a non-GenAI span has no GenAI ancestor to inherit from,
      // so it gets no entry (the same answer as lineage.onStart's, without reading ids).
      if (this.lineage.size === 0 && !looksLikeGenAi(span.attributes)) return;
      // A root span started synchronously inside an aimeter call belongs to it (see call-scope.ts).
      const parentId = span.parentSpanContext?.spanId ?? span.parentSpanId ?? syncParentSpanId();
      // The conversation and variant of withConversation / withVariant (one context read).
      const scope = this.outcomes?.scopeAtStart(span, parentContext, looksLikeGenAi(span.attributes));
      this.lineage.onStart(span.spanContext().spanId, parentId, span.attributes, scope);
    } catch (error) {
      recordInternalError(COMPONENT, error);
    }
  }

  onEnd(span: ReadableSpanLike): void {
    try {
      // Nothing open, no GenAI attributes and no request roll-up waiting for its root (an HTTP
      // server span ends after every GenAI span of its request): nothing to take or record.
      if (this.lineage.size === 0 && !looksLikeGenAi(span.attributes) && !(this.outcomes !== undefined && this.outcomes.openRequests > 0)) return;
      this.handleEnd(span);
    } catch (error) {
      recordInternalError(COMPONENT, error);
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.outcomes?.shutdown();
    return Promise.resolve();
  }

  private handleEnd(span: ReadableSpanLike): void {
    const entry = this.lineage.take(span.spanContext().spanId);
    let call = readGenAiSpan(span);
    if (call !== undefined) {
      if (entry?.pending) call = mergeCalls(call, entry.pending);
      // A model-call span nested directly in another model-call span is the same call traced
      // twice (e.g. the contrib OpenAI instrumentation around ours): hand it to the outer one.
      if (entry?.parent?.modelCall && isModelCall(call.operation)) {
        entry.parent.pending = entry.parent.pending ? mergeCalls(entry.parent.pending, call) : call;
        return;
      }
      const linked = this.record(call, entry, this.exemplarOf(span), span);
      // Model calls and agent runs are remembered for a while, so that an evaluation arriving
      // later carries their labels (src/quality/call-links.ts).
      if (linked) rememberCall(span, linked);
    }
    // The local root of a trace (no parent, or a remote one): its request roll-up, if it made a
    // GenAI call, is complete. A root without one costs a map lookup.
    if (this.outcomes !== undefined && isLocalRoot(span)) this.outcomes.onRootEnd(span);
  }

  /** The span as an exemplar when its trace is sampled (exported), else undefined: see `exemplars`. */
  private exemplarOf(span: ReadableSpanLike): ExemplarContext | undefined {
    if (!this.exemplars) return undefined;
    const context = span.spanContext();
    if ((context.traceFlags & TraceFlags.SAMPLED) === 0) return undefined;
    const exemplar = this.exemplar;
    exemplar.traceId = context.traceId;
    exemplar.spanId = context.spanId;
    // The span's end, already taken by the SDK: cheaper than a clock read per record.
    exemplar.timeMs = span.endTime ? span.endTime[0] * 1000 + span.endTime[1] / 1e6 : Date.now();
    return exemplar;
  }

  /** Records the call; returns its label values when it is a model call or an agent run (what evaluations link to). */
  private record(call: GenAiCall, entry: SpanEntry | undefined, exemplar: ExemplarContext | undefined, span: ReadableSpanLike): readonly string[] | undefined {
    const op = call.operation;
    const agent = clip(op === Operation.InvokeAgent ? call.agentName || agentNameOf(entry?.agent) : agentNameOf(entry?.agent) || call.agentName);
    const tool = clip(op === Operation.ExecuteTool ? call.toolName || toolNameOf(entry?.tool) : toolNameOf(entry?.tool));
    const outcomes = this.outcomes;
    const variant = outcomes === undefined ? '' : outcomes.variantLabel(span, entry);
    const values = [clip(op), clip(call.provider), clip(call.requestModel), clip(call.responseModel), agent, tool, variant];
    const labels = this.labelSets.get(values);

    // Newest conventions: model calls, embeddings, agents and tools each have their own duration;
    // gen_ai.client.operation.duration stays for the other operations (speech, workflows).
    const latestDuration = this.latest ? LATEST_DURATIONS.get(op) : undefined;
    if (this.v141 || latestDuration === undefined) this.recordDuration('operationDuration', 'duration', call, labels, values, exemplar);
    if (latestDuration !== undefined) this.recordDuration(latestDuration, latestDuration, call, labels, values, exemplar);

    if (op === Operation.InvokeAgent) {
      const runValues = [agent, call.errorType];
      const runKey = labelKey(runValues);
      this.metrics.observe('agentModelCalls', runKey, runValues, entry?.modelCalls ?? 0);
      this.metrics.observe('agentToolCalls', runKey, runValues, entry?.toolCalls ?? 0);
      outcomes?.onCall(span, call, entry, agent, tool, variant, undefined);
      return values;
    }
    if (op === Operation.ExecuteTool) {
      if (entry?.agent) entry.agent.toolCalls++;
      outcomes?.onCall(span, call, entry, agent, tool, variant, undefined);
      return undefined;
    }
    if (isAggregate(op) || !isModelCall(op)) {
      outcomes?.onCall(span, call, entry, agent, tool, variant, undefined);
      return undefined;
    }
    if (entry?.agent) entry.agent.modelCalls++;
    // A failed call is billed only for what the provider reported using (tokens); the
    // request-side speech quantities (characters sent, seconds uploaded) were not processed.
    if (call.errorType) call = { ...call, usage: { ...call.usage, characters: undefined, audioSeconds: undefined }, audioBytes: undefined };

    this.recordUsage(call.usage, labels);
    this.lastCost = undefined;
    this.recordCost(call, labels, exemplar);
    this.recordStreaming(call, labels, exemplar);
    this.recordSpeech(call, labels);
    this.recordFinishReasons(call, labels);
    // The outcome layer consumes the dollars computed here, never prices the call again.
    outcomes?.onCall(span, call, entry, agent, tool, variant, this.lastCost);
    return values;
  }

  /** Success through the label set's series; a failure takes one label more (error.type). */
  private recordDuration(
    metric: HistogramKey,
    slot: HistogramSlot,
    call: GenAiCall,
    labels: LabelSet,
    values: string[],
    exemplar: ExemplarContext | undefined,
  ): void {
    if (call.errorType === '') labels.observe(slot, call.durationSeconds, exemplar);
    else this.metrics.observe(metric, extendedKey(labels.key, call.errorType), [...values, call.errorType], call.durationSeconds, exemplar);
  }

  /**
   * One count per choice; the reason is one label more than the label set (like error_type). The
   * reasons are a closed list, so each has a slot of the label set: no key built per call.
   */
  private recordFinishReasons(call: GenAiCall, labels: LabelSet): void {
    const reasons = call.finishReasons;
    if (reasons === undefined) return;
    for (let i = 0; i < reasons.length; i++) labels.add(FINISH_REASON_SLOTS[reasons[i]!], 1);
  }

  private recordUsage(usage: Usage, labels: LabelSet): void {
    if (usage.inputTokens !== undefined) {
      if (this.v141) labels.observe('tokenUsageInput', usage.inputTokens);
      labels.add('tokensInput', usage.inputTokens);
    }
    if (usage.outputTokens !== undefined) {
      if (this.v141) labels.observe('tokenUsageOutput', usage.outputTokens);
      labels.add('tokensOutput', usage.outputTokens);
    }
    if (usage.cacheReadTokens !== undefined) labels.add('tokensCacheRead', usage.cacheReadTokens);
    if (usage.cacheCreationTokens !== undefined) labels.add('tokensCacheCreation', usage.cacheCreationTokens);
    if (usage.reasoningTokens !== undefined) labels.add('tokensReasoning', usage.reasoningTokens);
    if (this.latest) this.recordLatestUsage(usage, labels);
  }

  /** Newest conventions: a counter per token kind (by modality) and per-call input/output histograms. */
  private recordLatestUsage(usage: Usage, labels: LabelSet): void {
    if (usage.inputTokens !== undefined) {
      labels.observe('inferenceInputTokens', usage.inputTokens);
      labels.add('usageInput', usage.inputTokens);
    }
    if (usage.outputTokens !== undefined) {
      labels.observe('inferenceOutputTokens', usage.outputTokens);
      labels.add('usageOutput', usage.outputTokens);
    }
    if (usage.cacheReadTokens !== undefined) labels.add('usageCacheRead', usage.cacheReadTokens);
    if (usage.cacheCreationTokens !== undefined) labels.add('usageCacheWrite', usage.cacheCreationTokens);
    if (usage.reasoningTokens !== undefined) labels.add('usageReasoning', usage.reasoningTokens);
  }

  private recordCost(call: GenAiCall, labels: LabelSet, exemplar: ExemplarContext | undefined): void {
    if (this.prices === undefined || !hasUsage(call.usage)) return;
    // The label set holds provider and both models, so its price is looked up once.
    if (labels.price === undefined) labels.price = this.priceOf(call) ?? null;
    const cost = labels.price ? computeCost(call.usage, labels.price) : undefined;
    if (cost === undefined) {
      labels.add('unpriced', 1);
      const model = call.responseModel || call.requestModel || '(no model)';
      // Provider and model are provider-chosen text: quoted, clipped and escaped (safeText), and
      // warnOnce rate-limits the topic kind, so 5,000 hostile names cannot flood stderr.
      warnOnce(
        `unpriced:${call.provider}/${model}`,
        `aimeter: no price for ${safeText(call.provider || '(no provider)', 64)}/${safeText(model, 64)}; its calls are counted in aimeter_unpriced_operations_total, not costed at $0. Add it with AIMETER_PRICES (see docs/prices.md).`,
      );
      return;
    }
    this.lastCost = cost.total;
    labels.add('cost', cost.total);
    labels.observe('operationCost', cost.total, exemplar);
    labels.add('cacheSavings', cost.cacheSavings);
    labels.add('cacheWritePremium', cost.cacheWritePremium);
  }

  private priceOf(call: GenAiCall): ModelPrice | undefined {
    return (
      (call.responseModel ? this.prices?.lookup(call.provider, call.responseModel) : undefined) ??
      this.prices?.lookup(call.provider, call.requestModel)
    );
  }

  private recordStreaming(call: GenAiCall, labels: LabelSet, exemplar: ExemplarContext | undefined): void {
    const ttfc = call.timeToFirstChunk;
    if (ttfc === undefined) return;
    // Text-to-speech's first audio byte is aimeter's own metric; v1.41's time_to_first_chunk keeps
    // it too until the release after next (docs/conventions.md).
    if (call.operation === Operation.TextToSpeech) labels.observe('textToSpeechTimeToFirstAudio', ttfc, exemplar);
    // A streaming speech-to-text session's first transcript (Deepgram live), in both conventions.
    else if (call.operation === Operation.SpeechToText) labels.observe('speechToTextTimeToFirstTranscript', ttfc, exemplar);
    const chunks = call.chunks;
    // Time to first chunk may come from another clock with millisecond granularity (the
    // Anthropic SDK's own spans), so it can exceed the span duration by a fraction: clamp.
    const meanGap = chunks !== undefined && chunks > 1 ? Math.max(0, call.durationSeconds - ttfc) / (chunks - 1) : undefined;
    if (this.v141) {
      labels.observe('timeToFirstChunk', ttfc, exemplar);
      if (meanGap !== undefined) labels.observe('timePerOutputChunk', meanGap);
    }
    // Newest conventions: streaming inference only, and one time-per-chunk observation per chunk
    // after the first. A span tells the number of chunks and the time they took, not each gap:
    // each gap is observed as their mean (exact count and sum; the buckets see the call's mean).
    if (this.latest && isInference(call.operation)) {
      labels.observe('inferenceTimeToFirstChunk', ttfc, exemplar);
      if (meanGap !== undefined) labels.observe('inferenceTimePerOutputChunk', meanGap, undefined, chunks! - 1);
    }
  }

  private recordSpeech(call: GenAiCall, labels: LabelSet): void {
    const { audioSeconds, characters } = call.usage;
    if (call.operation === Operation.SpeechToText && audioSeconds !== undefined && audioSeconds > 0) {
      labels.add('speechToTextAudio', audioSeconds);
      if (!call.errorType) labels.observe('speechToTextRealTimeFactor', call.durationSeconds / audioSeconds);
    }
    if (call.operation === Operation.TextToSpeech) {
      if (characters !== undefined) labels.add('textToSpeechCharacters', characters);
      if (call.audioBytes !== undefined) labels.add('textToSpeechAudioSize', call.audioBytes);
    }
  }
}

/** The newest conventions' own duration histogram per operation (others: gen_ai.client.operation.duration). */
const LATEST_DURATIONS: ReadonlyMap<string, HistogramKey & HistogramSlot> = new Map<string, HistogramKey & HistogramSlot>([
  [Operation.Chat, 'inferenceDuration'],
  [Operation.TextCompletion, 'inferenceDuration'],
  [Operation.GenerateContent, 'inferenceDuration'],
  [Operation.Embeddings, 'embeddingsDuration'],
  [Operation.InvokeAgent, 'invokeAgentDuration'],
  [Operation.ExecuteTool, 'executeToolDuration'],
]);
/** No parent, or a parent in another process (an incoming request that carried trace context). */
function isLocalRoot(span: ReadableSpanLike): boolean {
  const parent = span.parentSpanContext;
  if (parent !== undefined) return parent.isRemote === true;
  return !span.parentSpanId;
}

function hasUsage(u: Usage): boolean {
  return (
    (u.inputTokens ?? 0) > 0 || (u.outputTokens ?? 0) > 0 || (u.audioSeconds ?? 0) > 0 || (u.characters ?? 0) > 0
  );
}

/** At most MAX_LABEL_LENGTH code points: never half an emoji (a lone surrogate is not valid UTF-8). */
function clip(value: string): string {
  return clipCodePoints(value, MAX_LABEL_LENGTH);
}
