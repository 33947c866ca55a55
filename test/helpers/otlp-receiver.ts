/** An in-process OTLP/HTTP (JSON) receiver on loopback: what an app pushes, as parsed payloads. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  metrics: any[];
  traces: any[];
}

export interface OtlpReceiver {
  /** The base URL, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly url: string;
  readonly received: Received;
  close(): Promise<void>;
}

export async function otlpReceiver(): Promise<OtlpReceiver> {
  const received: Received = { metrics: [], traces: [] };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url === '/v1/metrics') received.metrics.push(JSON.parse(body));
      if (req.url === '/v1/traces') received.traces.push(JSON.parse(body));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The metrics of the given payloads by OTel name (a later payload's metric replaces an earlier one's). */
export function metricsByName(payloads: readonly any[]): Map<string, any> {
  const out = new Map<string, any>();
  for (const payload of payloads)
    for (const rm of payload.resourceMetrics ?? [])
      for (const sm of rm.scopeMetrics ?? []) for (const m of sm.metrics ?? []) out.set(m.name, m);
  return out;
}

/** Every span of the given trace payloads. */
export function spansOf(payloads: readonly any[]): any[] {
  return payloads.flatMap((p) => (p.resourceSpans ?? []).flatMap((rs: any) => (rs.scopeSpans ?? []).flatMap((ss: any) => ss.spans ?? [])));
}

export async function waitFor(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
