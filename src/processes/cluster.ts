/**
 * A Node `cluster` app serves ONE /metrics, on the primary: at each scrape the primary asks
 * every connected worker for its series over the cluster's IPC channel and sums them into its
 * own (merge.ts), as prom-client's AggregatorRegistry does. Workers never bind the port.
 *
 * The messages' `cmd` starts with `NODE_`: Node delivers such messages as `internalMessage`
 * events, not `message`, so the application's own `process.on('message')` and
 * `worker.on('message')` handlers never see aimeter's traffic (the cluster module's own
 * messages travel the same way). Cluster workers keep their IPC channel referenced anyway, so
 * listening adds nothing that keeps a process alive.
 *
 * A worker that does not answer within AIMETER_CLUSTER_COLLECT_TIMEOUT_MS (one not running the
 * preload, or a busy event loop) is left out of that scrape, counted in
 * aimeter_cluster_worker_misses_total and named once on stderr; the scrape is never held longer.
 */
import type { Cluster, Worker } from 'node:cluster';
import type { EventEmitter } from 'node:events';
import { swallow } from '../internal/errors';
import { warnOnce } from '../internal/log';
import type { GenAiMetrics } from '../metrics/genai-metrics';
import { mergedStore, snapshotOf, type RenderSource, type StoreSnapshot } from './merge';

const COLLECT = 'NODE_AIMETER_COLLECT';
const SERIES = 'NODE_AIMETER_SERIES';

interface CollectMessage {
  readonly cmd: typeof COLLECT;
  readonly id: number;
}
interface SeriesMessage {
  readonly cmd: typeof SERIES;
  readonly id: number;
  readonly snapshot: StoreSnapshot;
}

/** In a cluster worker: answer the primary's collections with this process's series. */
export function answerPrimary(metrics: GenAiMetrics): void {
  (process as unknown as EventEmitter).on('internalMessage', (message: Partial<CollectMessage> | null) => {
    if (message?.cmd !== COLLECT || typeof message.id !== 'number') return;
    const id = message.id;
    swallow('cluster-worker', undefined, () => {
      const reply: SeriesMessage = { cmd: SERIES, id, snapshot: snapshotOf(metrics) };
      process.send?.(reply, undefined, undefined, () => undefined);
    });
  });
}

/**
 * In the primary (any process that is not a worker): what a scrape renders. Without workers (no
 * cluster, or none forked yet) that is the process's own store, at no cost.
 */
export function clusterSource(metrics: GenAiMetrics, timeoutMs: number): () => Promise<RenderSource> {
  let sequence = 0;
  return async () => {
    // Loaded at the first scrape: an app that uses cluster has loaded it long before.
    const cluster = require('node:cluster') as Cluster;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w != null && w.isConnected());
    if (workers.length === 0) {
      metrics.cluster.workers = 0;
      return metrics;
    }
    const id = ++sequence;
    const answers = await Promise.all(workers.map((worker) => collectFrom(worker, id, timeoutMs)));
    const got: StoreSnapshot[] = [];
    answers.forEach((answer, i) => {
      if (answer !== undefined) return void got.push(answer);
      metrics.cluster.misses++;
      const worker = workers[i]!;
      warnOnce(
        `cluster-miss:${worker.id}`,
        `aimeter: cluster worker ${worker.id} (pid ${worker.process.pid}) did not answer within ${timeoutMs} ms ` +
          '(AIMETER_CLUSTER_COLLECT_TIMEOUT_MS); its calls are missing from this scrape (aimeter_cluster_worker_misses_total). ' +
          'Workers must run under the preload too (cluster.setupPrimary execArgv); see docs/processes.md.',
      );
    });
    metrics.cluster.workers = got.length;
    return mergedStore(metrics, got);
  };
}

function collectFrom(worker: Worker, id: number, timeoutMs: number): Promise<StoreSnapshot | undefined> {
  return new Promise((resolve) => {
    const channel = worker.process as unknown as EventEmitter;
    const done = (value: StoreSnapshot | undefined) => {
      clearTimeout(timer);
      channel.off('internalMessage', onMessage);
      worker.off('exit', onExit);
      resolve(value);
    };
    const onMessage = (message: Partial<SeriesMessage> | null) => {
      if (message?.cmd === SERIES && message.id === id && message.snapshot) done(message.snapshot);
    };
    const onExit = () => done(undefined);
    const timer = setTimeout(() => done(undefined), timeoutMs);
    timer.unref();
    channel.on('internalMessage', onMessage);
    worker.once('exit', onExit);
    try {
      const message: CollectMessage = { cmd: COLLECT, id };
      worker.send(message, undefined, (error) => {
        if (error) done(undefined);
      });
    } catch {
      done(undefined);
    }
  });
}
