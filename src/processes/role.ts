/**
 * Which part a process (or thread) plays, and so what aimeter does in it (docs/processes.md):
 *
 * | role | what it does |
 * |---|---|
 * | `wrapper` (npm, npx, yarn, pnpm, corepack, PM2's CLI and daemon) | nothing: the app it starts is measured |
 * | `internal-thread` (Node's loader-hooks thread) | nothing: it runs no application code |
 * | `thread` (a worker_threads Worker) | instruments its calls and sends each record to the main thread's store |
 * | `cluster-worker` (a worker of the app's own `cluster` primary) | no port; answers the primary's collection at each scrape |
 * | `pm2-instance` (PM2 cluster or fork mode) | serves its own /metrics on the port + NODE_APP_INSTANCE |
 * | `main` (anything else, a cluster primary included) | serves /metrics, with its cluster workers' series summed in |
 */
import type { AimeterConfig } from '../config/env';
import { packageManagerWrapper } from './package-managers';

export type ProcessRole =
  | { readonly kind: 'wrapper'; readonly tool: string }
  | { readonly kind: 'internal-thread' }
  | { readonly kind: 'thread' }
  | { readonly kind: 'cluster-worker' }
  | { readonly kind: 'pm2-instance'; readonly instance: number }
  | { readonly kind: 'main' };

export interface ProcessFacts {
  readonly isMainThread: boolean;
  /** null in Node's own internal threads (the loader hooks'); a user's Worker always has one. */
  readonly parentPort: unknown;
  /** A Node `cluster` worker (of the app's primary, or of PM2's daemon). */
  readonly clusterWorker: boolean;
}

export function processRole(hints: AimeterConfig['processHints'], facts: ProcessFacts, script: string | undefined = process.argv[1]): ProcessRole {
  if (!facts.isMainThread) return facts.parentPort == null ? { kind: 'internal-thread' } : { kind: 'thread' };
  const tool = packageManagerWrapper(script, hints.packageManagerExecpath);
  if (tool !== undefined) return { kind: 'wrapper', tool };
  // PM2 before the cluster check: its cluster-mode instances are cluster workers too, of PM2's
  // daemon, which does not answer aimeter's collection.
  if (hints.pm2Instance !== undefined) return { kind: 'pm2-instance', instance: hints.pm2Instance };
  if (facts.clusterWorker) return { kind: 'cluster-worker' };
  return { kind: 'main' };
}

/** The role of this thread of this process. */
export function currentRole(hints: AimeterConfig['processHints']): ProcessRole {
  const thread = inWorkerThread() ? (require('node:worker_threads') as typeof import('node:worker_threads')) : { isMainThread: true, parentPort: null };
  return processRole(hints, { isMainThread: thread.isMainThread, parentPort: thread.parentPort, clusterWorker: isClusterWorker(thread.isMainThread) });
}

/**
 * Whether this is a worker thread (a user's Worker or Node's loader-hooks thread), without loading
 * node:worker_threads in the main thread (about 1.5 MB and a few milliseconds at every start):
 * Node bootstraps every worker thread, and only those, with the built-in module named here
 * (Node 20, 22 and 24; the worker-thread tests of test/processes/ fail if a release renames it).
 * Where the module list is not there, worker_threads tells.
 */
export function inWorkerThread(moduleLoadList: unknown = (process as { moduleLoadList?: unknown }).moduleLoadList): boolean {
  if (!Array.isArray(moduleLoadList)) return !(require('node:worker_threads') as typeof import('node:worker_threads')).isMainThread;
  return moduleLoadList.includes('NativeModule internal/process/worker_thread_only');
}

/**
 * Node removes NODE_UNIQUE_ID from a cluster worker's environment before any preload runs, so
 * the cluster module tells. Asked only of a process with an IPC channel (every cluster worker
 * has one): there node:child_process is loaded already and node:cluster costs little, while in a
 * plain process loading it would cost tens of milliseconds of start-up.
 */
function isClusterWorker(isMainThread: boolean): boolean {
  if (!isMainThread || (process as { channel?: unknown }).channel == null) return false;
  return (require('node:cluster') as import('node:cluster').Cluster).isWorker;
}

/** The metrics port a role serves on: PM2 instances side by side from the configured port. */
export function metricsPortFor(role: ProcessRole, port: number): number {
  if (role.kind !== 'pm2-instance' || port === 0) return port;
  return Math.min(port + role.instance, 65535);
}

/** Whether the role serves /metrics itself. */
export function servesMetrics(role: ProcessRole): boolean {
  return role.kind === 'main' || role.kind === 'pm2-instance';
}
