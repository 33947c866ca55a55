/** Loopback OTLP/HTTP (JSON) receivers: a working one that keeps what it gets, and broken ones. */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import assert from 'node:assert/strict';

export interface Received {
  readonly metrics: any[];
  readonly traces: any[];
}

export interface OtlpReceiver {
  readonly url: string;
  readonly received: Received;
  close(): Promise<void>;
}

/** Accepts OTLP/HTTP JSON on /v1/metrics and /v1/traces and keeps every payload. */
export async function otlpReceiver(): Promise<OtlpReceiver> {
  const received: Received = { metrics: [], traces: [] };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
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

/** A collector that accepts connections and never answers (a black hole). */
export async function blackHoleCollector(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
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

/** Names of the metrics in every push received. */
export function pushedMetricNames(received: Received): Set<string> {
  return new Set(metricsByName(received.metrics).keys());
}

/** Every span of the given trace payloads. */
export function spansOf(payloads: readonly any[]): any[] {
  return payloads.flatMap((p) => (p.resourceSpans ?? []).flatMap((rs: any) => (rs.scopeSpans ?? []).flatMap((ss: any) => ss.spans ?? [])));
}

/** Names of the spans in every trace payload received. */
export function exportedSpanNames(received: Received): string[] {
  return spansOf(received.traces).map((s) => s.name as string);
}

/** One exported span, flattened: its resource's attributes and its own, as plain records. */
export interface ExportedSpan {
  readonly name: string;
  readonly kind: number;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly traceId: string;
  readonly attributes: Record<string, unknown>;
  readonly resource: Record<string, unknown>;
}

function plain(attributes: any[] | undefined): Record<string, unknown> {
  const value = (v: any): unknown =>
    v.stringValue ?? v.boolValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.doubleValue ?? v.arrayValue?.values?.map(value);
  return Object.fromEntries((attributes ?? []).map((a: any) => [a.key, value(a.value)]));
}

export function exportedSpans(received: Received): ExportedSpan[] {
  const out: ExportedSpan[] = [];
  for (const payload of received.traces)
    for (const rs of payload.resourceSpans ?? [])
      for (const ss of rs.scopeSpans ?? [])
        for (const s of ss.spans ?? [])
          out.push({
            name: s.name,
            kind: s.kind,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId || undefined,
            traceId: s.traceId,
            attributes: plain(s.attributes),
            resource: plain(rs.resource?.attributes),
          });
  return out;
}

export async function waitFor(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
