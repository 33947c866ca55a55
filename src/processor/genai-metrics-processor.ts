/**
 * GenAiMetricsProcessor: a SpanProcessor that derives token, cost, latency, streaming, speech,
 * agent and tool metrics from any span carrying GenAI semantic-convention attributes.
 *
 * Add it to any tracer provider (OTel JS 2.x or 3.x):
 *   new NodeSDK({ spanProcessors: [new GenAiMetricsProcessor(), ...] })
 */
import type { Context } from '@opentelemetry/api';
import { GenAiMetrics } from '../metrics/genai-metrics';
import { labelKey } from '../metrics/series-store';
import { swallow } from '../internal/errors';
import { warn, warnOnce } from '../internal/log';
import { PriceBook } from '../prices/price-book';
import { computeCost } from '../prices/cost';
import type { ModelPrice, Usage } from '../prices/types';
import { isAggregate, isModelCall, Operation } from '../semconv/operations';
import { agentNameOf, Lineage, type SpanEntry, toolNameOf } from './lineage';
import { mergeCalls, readGenAiSpan, type GenAiCall } from './read-span';
import type { ReadableSpanLike } from './span-like';

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
}

/** Label values longer than this are cut: a label is for grouping, not for content. */
const MAX_LABEL_LENGTH = 128;

export class GenAiMetricsProcessor {
  readonly metrics: GenAiMetrics;
  private readonly prices: PriceLookup | undefined;
  private readonly lineage = new Lineage();

  constructor(options: GenAiMetricsProcessorOptions = {}) {
    this.metrics = options.metrics ?? new GenAiMetrics();
    this.prices = options.prices === false ? undefined : (options.prices ?? PriceBook.load({ onWarning: warn }));
  }

  onStart(span: ReadableSpanLike, _parentContext?: Context): void {
    swallow('span-processor', undefined, () => {
      const parentId = span.parentSpanContext?.spanId ?? span.parentSpanId;
      this.lineage.onStart(span.spanContext().spanId, parentId, span.attributes);
    });
  }

  onEnd(span: ReadableSpanLike): void {
    swallow('span-processor', undefined, () => this.handleEnd(span));
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  private handleEnd(span: ReadableSpanLike): void {
    const entry = this.lineage.take(span.spanContext().spanId);
    let call = readGenAiSpan(span);
    if (call === undefined) return;
    if (entry?.pending) call = mergeCalls(call, entry.pending);
    // A model-call span nested directly in another model-call span is the same call traced
    // twice (e.g. the contrib OpenAI instrumentation around ours): hand it to the outer one.
    if (entry?.parent?.modelCall && isModelCall(call.operation)) {
      entry.parent.pending = entry.parent.pending ? mergeCalls(entry.parent.pending, call) : call;
      return;
    }
    this.record(call, entry);
  }

  private record(call: GenAiCall, entry: SpanEntry | undefined): void {
    const op = call.operation;
    const agent = clip(op === Operation.InvokeAgent ? call.agentName || agentNameOf(entry?.agent) : agentNameOf(entry?.agent) || call.agentName);
    const tool = clip(op === Operation.ExecuteTool ? call.toolName || toolNameOf(entry?.tool) : toolNameOf(entry?.tool));
    const values = [clip(op), clip(call.provider), clip(call.requestModel), clip(call.responseModel), agent, tool];
    const key = labelKey(values);
    const m = this.metrics;

    const withError = [...values, call.errorType];
    m.observe('operationDuration', `${key}\u0001${call.errorType}`, withError, call.durationSeconds);

    if (op === Operation.InvokeAgent) {
      const runValues = [agent, call.errorType];
      const runKey = labelKey(runValues);
      m.observe('agentModelCalls', runKey, runValues, entry?.modelCalls ?? 0);
      m.observe('agentToolCalls', runKey, runValues, entry?.toolCalls ?? 0);
      return;
    }
    if (op === Operation.ExecuteTool) {
      if (entry?.agent) entry.agent.toolCalls++;
      return;
    }
    if (isAggregate(op) || !isModelCall(op)) return;
    if (entry?.agent) entry.agent.modelCalls++;
    // A failed call is billed only for what the provider reported using (tokens); the
    // request-side speech quantities (characters sent, seconds uploaded) were not processed.
    if (call.errorType) call = { ...call, usage: { ...call.usage, characters: undefined, audioSeconds: undefined }, audioBytes: undefined };

    this.recordUsage(call.usage, values, key);
    this.recordCost(call, values, key);
    this.recordStreaming(call, values, key);
    this.recordSpeech(call, values, key);
  }

  private recordUsage(usage: Usage, values: string[], key: string): void {
    const m = this.metrics;
    const tokenTypes: Array<[string, number | undefined, boolean]> = [
      ['input', usage.inputTokens, true],
      ['output', usage.outputTokens, true],
      ['cache_read', usage.cacheReadTokens, false],
      ['cache_creation', usage.cacheCreationTokens, false],
      ['reasoning', usage.reasoningTokens, false],
    ];
    for (const [type, count, histogram] of tokenTypes) {
      if (count === undefined) continue;
      const typed = [...values, type];
      const typedKey = `${key}\u0001${type}`;
      if (histogram) m.observe('tokenUsage', typedKey, typed, count);
      m.add('tokens', typedKey, typed, count);
    }
  }

  private recordCost(call: GenAiCall, values: string[], key: string): void {
    if (this.prices === undefined || !hasUsage(call.usage)) return;
    const price =
      (call.responseModel ? this.prices.lookup(call.provider, call.responseModel) : undefined) ??
      this.prices.lookup(call.provider, call.requestModel);
    const cost = price ? computeCost(call.usage, price) : undefined;
    if (cost === undefined) {
      this.metrics.add('unpricedOperations', key, values, 1);
      const model = call.responseModel || call.requestModel || '(no model)';
      warnOnce(
        `unpriced:${call.provider}/${model}`,
        `aimeter: no price for ${call.provider || '(no provider)'}/${model}; its calls are counted in aimeter_unpriced_operations_total, not costed at $0. Add it with AIMETER_PRICES (see docs/prices.md).`,
      );
      return;
    }
    this.metrics.add('cost', key, values, cost.total);
    this.metrics.observe('operationCost', key, values, cost.total);
    this.metrics.add('cacheSavings', key, values, cost.cacheSavings);
  }

  private recordStreaming(call: GenAiCall, values: string[], key: string): void {
    const ttfc = call.timeToFirstChunk;
    if (ttfc === undefined) return;
    this.metrics.observe('timeToFirstChunk', key, values, ttfc);
    if (call.chunks !== undefined && call.chunks > 1) {
      // Time to first chunk may come from another clock with millisecond granularity (the
      // Anthropic SDK's own spans), so it can exceed the span duration by a fraction: clamp.
      const streaming = Math.max(0, call.durationSeconds - ttfc);
      this.metrics.observe('timePerOutputChunk', key, values, streaming / (call.chunks - 1));
    }
  }

  private recordSpeech(call: GenAiCall, values: string[], key: string): void {
    const m = this.metrics;
    const { audioSeconds, characters } = call.usage;
    if (call.operation === Operation.SpeechToText && audioSeconds !== undefined && audioSeconds > 0) {
      m.add('speechToTextAudio', key, values, audioSeconds);
      if (!call.errorType) m.observe('speechToTextRealTimeFactor', key, values, call.durationSeconds / audioSeconds);
    }
    if (call.operation === Operation.TextToSpeech) {
      if (characters !== undefined) m.add('textToSpeechCharacters', key, values, characters);
      if (call.audioBytes !== undefined) m.add('textToSpeechAudioSize', key, values, call.audioBytes);
    }
  }
}

function hasUsage(u: Usage): boolean {
  return (
    (u.inputTokens ?? 0) > 0 || (u.outputTokens ?? 0) > 0 || (u.audioSeconds ?? 0) > 0 || (u.characters ?? 0) > 0
  );
}

function clip(value: string): string {
  return value.length > MAX_LABEL_LENGTH ? value.slice(0, MAX_LABEL_LENGTH) : value;
}
