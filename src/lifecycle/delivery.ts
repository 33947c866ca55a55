/**
 * Exports that never hold the application, and a ledger of what is not delivered yet.
 *
 * The SDK's batch span processor and periodic metric reader guard each export with a ref'd
 * timer (OTEL_BSP_EXPORT_TIMEOUT, OTEL_METRIC_EXPORT_TIMEOUT) that lives as long as the OTLP
 * exporter takes to answer: up to OTEL_EXPORTER_OTLP_TIMEOUT (10 s) against a collector that
 * is down, forever in effect with a short push interval. A finished app then never reaches
 * 'beforeExit'. Here the exporter the SDK sees takes each batch at once and delivers it in the
 * background, one export at a time, through the real exporter (whose sockets and retry timers
 * are detached too, see detached-export.ts). forceFlush()/shutdown() wait for the queue, and
 * shutdown() is bounded by the caller (lifecycle/shutdown.ts).
 *
 * The ledger side says what an exit that skips the flush would lose (see exit-hooks.ts).
 */
import type { ExportResult, ExportResultCode } from '@opentelemetry/core';
import { TraceFlags } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { recordInternalError } from '../internal/errors';

/**
 * ExportResultCode.SUCCESS, spelled out: importing the enum's value would load the top-level copy
 * of @opentelemetry/core (32 modules, about 30 ms of start-up) where the SDK packages bring
 * their own pinned copies (docs/performance.md, start-up).
 */
const SUCCESS = 0 as ExportResultCode.SUCCESS;

/** The part of SpanExporter / PushMetricExporter this needs. */
export interface BatchExporter<T> {
  export(batch: T, done: (result: ExportResult) => void): void;
  forceFlush?(): Promise<void>;
  shutdown(): Promise<void>;
}

export class DetachedExporter<T> {
  private readonly queue: T[] = [];
  private queuedItems = 0;
  private inFlight: T | undefined;
  private idle: (() => void)[] = [];
  /** Items the real exporter has handed back, delivered or failed. */
  settledItems = 0;
  /** The real exporter's last failure, for the message at shutdown. */
  lastFailure: string | undefined;

  /**
   * @param size items in a batch (spans; 1 for a metrics collection)
   * @param maxQueuedItems past it the oldest batches are dropped (and counted): a collector
   *   that is down must not grow memory without bound.
   */
  constructor(
    private readonly inner: BatchExporter<T>,
    private readonly size: (batch: T) => number,
    private readonly maxQueuedItems: number,
    private readonly component: string,
  ) {}

  export(batch: T, done: (result: ExportResult) => void): void {
    this.queue.push(batch);
    this.queuedItems += this.size(batch);
    while (this.queuedItems > this.maxQueuedItems && this.queue.length > 1) {
      this.queuedItems -= this.size(this.queue.shift()!);
      recordInternalError(this.component, new Error('export queue full: the oldest batch was dropped'));
    }
    done({ code: SUCCESS });
    this.pump();
  }

  /** Items taken but not yet handed back by the real exporter. */
  undelivered(): number {
    return this.queuedItems + (this.inFlight === undefined ? 0 : this.size(this.inFlight));
  }

  /** Resolves once every batch taken so far has been tried. */
  forceFlush(): Promise<void> {
    if (this.inFlight === undefined && this.queue.length === 0) return this.inner.forceFlush?.() ?? Promise.resolve();
    return new Promise<void>((resolve) => this.idle.push(resolve));
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    await this.closeInner();
  }

  /**
   * Gives up on what is queued or in flight (shutdown ran out of time): the real exporter is
   * shut down, which cancels what it can (the gRPC exporter's client holds the loop until its
   * deadline otherwise).
   */
  abandon(): void {
    this.queue.length = 0;
    this.queuedItems = 0;
    for (const resolve of this.idle.splice(0)) resolve();
    void this.closeInner().catch((error: unknown) => recordInternalError(this.component, error));
  }

  private closed: Promise<void> | undefined;
  private closeInner(): Promise<void> {
    return (this.closed ??= this.inner.shutdown());
  }

  private pump(): void {
    if (this.inFlight !== undefined) return;
    const batch = this.queue.shift();
    if (batch === undefined) {
      for (const resolve of this.idle.splice(0)) resolve();
      return;
    }
    this.queuedItems -= this.size(batch);
    this.inFlight = batch;
    const settle = (result?: ExportResult): void => {
      this.settledItems += this.size(batch);
      if (result !== undefined && result.code !== SUCCESS) this.lastFailure = firstLine(result.error);
      this.inFlight = undefined;
      this.pump();
    };
    try {
      this.inner.export(batch, settle);
    } catch (error) {
      recordInternalError(this.component, error);
      settle();
    }
  }
}

/** What an exit now would lose, for the one line at exit. */
export class DeliveryLedger {
  private readonly spans: DetachedExporter<unknown>[] = [];
  private spansEnded = 0;
  private readonly metrics: DetachedExporter<unknown>[] = [];
  // A logical clock orders span ends and metric collections without reading the time.
  private tick = 0;
  private lastSpanEnd = 0;
  private lastCollection = 0;

  /**
   * Follows the spans of one batching processor: counted when they end (the processor's own
   * buffer is not visible) and settled when `exporter` hands them back.
   */
  trackSpans(processor: SpanProcessor, exporter: DetachedExporter<unknown>): SpanProcessor {
    this.spans.push(exporter);
    return {
      onStart: (span, parent) => processor.onStart(span, parent),
      onEnd: (span) => {
        if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0) this.spansEnded++;
        processor.onEnd(span);
      },
      forceFlush: () => processor.forceFlush(),
      shutdown: () => processor.shutdown(),
    };
  }

  trackMetrics(exporter: DetachedExporter<unknown>): void {
    this.metrics.push(exporter);
  }

  /** Marks a metric collection handed to a push exporter. */
  collected(): void {
    this.lastCollection = ++this.tick;
  }

  /** Marks a span end: its metrics wait for the next collection. */
  spanEnded(): void {
    this.lastSpanEnd = ++this.tick;
  }

  /** The exporters' last failures ("connect ECONNREFUSED 127.0.0.1:4318"). */
  failures(): string | undefined {
    const all = [...new Set([...this.spans, ...this.metrics].map((e) => e.lastFailure).filter((f): f is string => f !== undefined))];
    return all.length > 0 ? all.join('; ') : undefined;
  }

  /** Shutdown ran out of time: let go of everything still queued or in flight. */
  abandon(): void {
    for (const exporter of [...this.spans, ...this.metrics]) exporter.abandon();
  }

  describe(): string | undefined {
    const spans = Math.max(0, this.spansEnded - this.spans.reduce((n, e) => n + e.settledItems, 0));
    const metrics =
      this.metrics.length > 0 && (this.lastSpanEnd > this.lastCollection || this.metrics.some((e) => e.undelivered() > 0));
    const parts: string[] = [];
    if (spans > 0) parts.push(`${spans} span${spans === 1 ? '' : 's'}`);
    if (metrics) parts.push('the metrics recorded since the last push');
    return parts.length > 0 ? parts.join(' and ') : undefined;
  }
}

function firstLine(error: Error | undefined): string {
  const text = error === undefined ? 'failed' : error.message || error.name;
  const line = text.split('\n', 1)[0]!.trim();
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}
