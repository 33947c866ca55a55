/**
 * The Node.js process and runtime families /metrics serves beside aimeter's own, from
 * prom-client's default collectors (server/exposition.ts). They are prom-client's names, not
 * ours; this is the one place the dashboards and docs take them from (test/observability checks
 * that a real exposition serves each one).
 */
export const PROCESS_METRICS = {
  cpuSeconds: 'process_cpu_seconds_total',
  residentMemory: 'process_resident_memory_bytes',
  heapUsed: 'nodejs_heap_size_used_bytes',
  heapTotal: 'nodejs_heap_size_total_bytes',
  eventLoopLagP99: 'nodejs_eventloop_lag_p99_seconds',
  eventLoopLagMean: 'nodejs_eventloop_lag_mean_seconds',
  gcDuration: 'nodejs_gc_duration_seconds',
  activeHandles: 'nodejs_active_handles_total',
  activeRequests: 'nodejs_active_requests_total',
  openFds: 'process_open_fds',
  maxFds: 'process_max_fds',
} as const;

/** The label prom-client puts on nodejs_gc_duration_seconds. */
export const LABEL_GC_KIND = 'kind';
