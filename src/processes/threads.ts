/**
 * Calls made in worker_threads are counted in the main thread's /metrics. A Worker under the
 * preload (it inherits `--require`/`--import` and NODE_OPTIONS) instruments its own SDK copies
 * and runs its own processor; every record it makes (a histogram observation, a counter
 * increment: label values and a number, never span content) is also sent to the main thread,
 * which records it into the one store /metrics serves (and the OTLP push, when configured).
 *
 * Over a BroadcastChannel of aimeter's own, not the Worker's parentPort: the application's
 * `worker.on('message')` handlers never see aimeter's records. Both ends are unref'd, so neither
 * keeps a thread or the process alive. Records are sent in one message per turn of the thread's
 * event loop (a microtask after the span that made them ends), so a thread that ends right
 * after its last call has already sent it. Exemplars stay in the thread (they are not sent).
 */
import { swallow } from '../internal/errors';
import { METRICS, type MetricKey } from '../metrics/catalog';
import type { CounterKey, GenAiMetrics, HistogramKey, RecordMirror } from '../metrics/genai-metrics';
import { labelKey, type LabelValues } from '../metrics/series-store';

const CHANNEL = 'aimeter:thread-records';

/** [0: observe | 1: add, metric, label values, value] */
type ThreadRecord = readonly [kind: 0 | 1, metric: MetricKey, values: LabelValues, value: number];

/** In a worker thread: mirrors every record to the main thread. */
export class ThreadForwarder implements RecordMirror {
  private readonly channel = new BroadcastChannel(CHANNEL);
  private batch: ThreadRecord[] = [];

  constructor() {
    (this.channel as unknown as { unref?: () => void }).unref?.();
  }

  observe(metric: MetricKey, values: LabelValues, value: number): void {
    this.push([0, metric, values, value]);
  }

  add(metric: MetricKey, values: LabelValues, value: number): void {
    this.push([1, metric, values, value]);
  }

  /** The self-metrics are the main thread's. */
  observeSelfMetrics(): void {}

  private push(record: ThreadRecord): void {
    if (this.batch.push(record) === 1) queueMicrotask(this.flush);
  }

  private readonly flush = (): void => {
    const batch = this.batch;
    this.batch = [];
    swallow('thread-forward', undefined, () => this.channel.postMessage(batch));
  };
}

/**
 * In the main thread: records what the worker threads send into `metrics`. The channel is opened
 * when the first Worker is created (Node's `process` 'worker' event, emitted in the Worker's
 * constructor, before the thread runs a line), not at start: a BroadcastChannel loads Node's
 * worker messaging, which an app without threads has no use for (issue 10, start-up).
 */
export function receiveThreadRecords(metrics: GenAiMetrics): { close(): void } {
  let channel: InstanceType<typeof BroadcastChannel> | undefined;
  let closed = false;
  const open = (): void => {
    if (closed || channel) return;
    channel = new BroadcastChannel(CHANNEL);
    (channel as unknown as { unref?: () => void }).unref?.();
    channel.onmessage = (event: MessageEvent) => {
      swallow('thread-receive', undefined, () => {
        const batch: unknown = event.data;
        if (!Array.isArray(batch)) return;
        for (const record of batch as ThreadRecord[]) applyRecord(metrics, record);
      });
    };
  };
  process.once('worker', open);
  return {
    close: () => {
      closed = true;
      process.removeListener('worker', open);
      channel?.close();
    },
  };
}

function applyRecord(metrics: GenAiMetrics, [kind, metric, values, value]: ThreadRecord): void {
  const def = METRICS[metric];
  // Only this process's threads can post here; checked anyway, so that a malformed record is dropped, not thrown.
  if (def === undefined || !Array.isArray(values) || values.length !== def.labels.length || typeof value !== 'number' || !Number.isFinite(value)) return;
  if (kind === 0 && def.kind === 'histogram') metrics.observe(metric as HistogramKey, labelKey(values), values, value);
  else if (kind === 1 && def.kind === 'counter') metrics.add(metric as CounterKey, labelKey(values), values, value);
}
