/**
 * Every process counted (docs/processes.md): what start() does differs with the process's role
 * (role.ts). start() asks placeProcess() once, then serves, pushes and connects its store as told.
 */
import type { AimeterConfig } from '../config/env';
import type { GenAiMetrics } from '../metrics/genai-metrics';
import type { RenderSource } from './merge';
import { currentRole, metricsPortFor, servesMetrics, type ProcessRole } from './role';

export type { ProcessRole } from './role';

export interface Placement {
  readonly role: ProcessRole;
  /** Whether /metrics is served here (not in cluster workers and worker threads), and on which port. */
  readonly serves: boolean;
  readonly port: number;
  /** Whether metrics are pushed from here: not from worker threads, whose records the main thread pushes. */
  readonly pushesMetrics: boolean;
  /** Links the store to the rest of the app: the workers' series, the threads' records. */
  connect(metrics: GenAiMetrics): Links;
}

export interface Links {
  /** What a scrape renders, when it is more than this process's store (a cluster primary). */
  readonly source: (() => Promise<RenderSource>) | undefined;
  close(): void;
}

export function placeProcess(config: AimeterConfig): Placement {
  const role = currentRole(config.processHints);
  return {
    role,
    serves: servesMetrics(role),
    port: metricsPortFor(role, config.prometheusPort),
    pushesMetrics: role.kind !== 'thread',
    connect: (metrics) => connect(role, metrics, config),
  };
}

function connect(role: ProcessRole, metrics: GenAiMetrics, config: AimeterConfig): Links {
  switch (role.kind) {
    case 'thread': {
      const { ThreadForwarder } = require('./threads') as typeof import('./threads');
      metrics.attachMirror(new ThreadForwarder());
      return { source: undefined, close: () => undefined };
    }
    case 'cluster-worker': {
      // Its own threads' records first land here, then go to the primary with the rest.
      const { receiveThreadRecords } = require('./threads') as typeof import('./threads');
      const threads = receiveThreadRecords(metrics);
      const { answerPrimary } = require('./cluster') as typeof import('./cluster');
      answerPrimary(metrics);
      return { source: undefined, close: () => threads.close() };
    }
    case 'main':
    case 'pm2-instance': {
      const { receiveThreadRecords } = require('./threads') as typeof import('./threads');
      const threads = receiveThreadRecords(metrics);
      const source = role.kind === 'main' ? (require('./cluster') as typeof import('./cluster')).clusterSource(metrics, config.clusterCollectTimeoutMs) : undefined;
      return { source, close: () => threads.close() };
    }
    default:
      return { source: undefined, close: () => undefined };
  }
}
