/**
 * The one line a process prints when its metrics port is taken: most often a second copy of the
 * app on the same host (or two apps with the default port), whose calls would otherwise go
 * uncounted without a word.
 */
export function portInUseMessage(host: string, port: number): string {
  return (
    `aimeter: cannot serve /metrics on ${host}:${port} (EADDRINUSE): another process holds the port (a second copy of this app?); ` +
    "the application runs on, but this process's GenAI calls are NOT on that /metrics. Give each process its own port " +
    '(OTEL_EXPORTER_PROMETHEUS_PORT=<free port>), or run the copies as one Node cluster, whose primary serves them all ' +
    '(PM2: instances get port + NODE_APP_INSTANCE); see docs/processes.md.'
  );
}
