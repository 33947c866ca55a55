/**
 * What aimeter knows of one request once its root span ends: the roll-up behind the
 * aimeter_request_* histograms, the AIMETER_REQUEST_SUMMARY line and onRequestEnd. It also
 * carries the ids that must never be metric labels (trace, conversation, end user), so that an
 * application can store a row per request in its own database.
 */
import { swallow } from '../internal/errors';

/** One agent or tool of the request: how often it ran and for how long in total. */
export interface RequestPart {
  readonly name: string;
  readonly calls: number;
  readonly durationSeconds: number;
}

export interface RequestSummary {
  readonly traceId: string;
  /** The root span's name, e.g. `POST /chat` or `invoke_agent support`. */
  readonly name: string;
  /** The low-cardinality route: http.route of the HTTP server span, else the root agent's name, else ''. */
  readonly route: string;
  /** http.request.method and http.response.status_code of an HTTP root. */
  readonly method: string | undefined;
  readonly statusCode: number | undefined;
  /** '' on success; as the error_type label. */
  readonly errorType: string;
  readonly variant: string;
  readonly durationSeconds: number;
  /** Dollars of the priced model calls; `unpricedCalls` were not priced (their cost is unknown, not 0). */
  readonly costUsd: number;
  readonly unpricedCalls: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly modelCalls: number;
  readonly toolCalls: number;
  /** Response (else request) models of the model calls, in order of first use. */
  readonly models: readonly string[];
  readonly agents: readonly RequestPart[];
  readonly tools: readonly RequestPart[];
  /** gen_ai.conversation.id of the request's calls, when one was set. Never a label. */
  readonly conversationId: string | undefined;
  /** enduser.id, when the application set it on a span of the request. Never a label. */
  readonly endUserId: string | undefined;
}

export type RequestListener = (summary: RequestSummary) => void;

const listeners = new Set<RequestListener>();

/**
 * Calls `listener` with the summary of every request that made at least one GenAI call, when its
 * root span ends. A listener that throws is counted (aimeter_internal_errors_total) and the
 * others still run. Returns a function that removes the listener.
 */
export function onRequestEnd(listener: RequestListener): () => void {
  if (typeof listener !== 'function') {
    swallow('outcomes', undefined, () => {
      throw new TypeError(`onRequestEnd: the listener must be a function, got ${listener === null ? 'null' : typeof listener}`);
    });
    return () => undefined;
  }
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

export function hasRequestListeners(): boolean {
  return listeners.size > 0;
}

export function emitRequestEnd(summary: RequestSummary): void {
  for (const listener of listeners) swallow('request-listener', undefined, () => listener(summary));
}

/**
 * The one-line form: `POST /chat 200  2.3 s  tokens 1,250 (800 in / 450 out)  $0.012
 * agents support(1, 500 ms)  tools lookup_order(1, 300 ms)`.
 */
export function summaryLine(s: RequestSummary): string {
  const head = s.method !== undefined ? [s.method, s.route || s.name, s.statusCode ?? ''].join(' ').trim() : s.route || s.name;
  const parts = [head + (s.errorType && s.method === undefined ? ` ${s.errorType}` : ''), seconds(s.durationSeconds)];
  const tokens = s.inputTokens + s.outputTokens;
  parts.push(`tokens ${thousands(tokens)} (${thousands(s.inputTokens)} in / ${thousands(s.outputTokens)} out)`);
  parts.push(dollars(s.costUsd) + (s.unpricedCalls > 0 ? ` (+${s.unpricedCalls} unpriced)` : ''));
  if (s.agents.length > 0) parts.push(`agents ${s.agents.map(part).join(' ')}`);
  if (s.tools.length > 0) parts.push(`tools ${s.tools.map(part).join(' ')}`);
  return parts.join('  ');
}

function part(p: RequestPart): string {
  return `${p.name}(${p.calls}, ${seconds(p.durationSeconds)})`;
}

function seconds(s: number): string {
  return s < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(1)} s`;
}

function thousands(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function dollars(d: number): string {
  if (d === 0) return '$0';
  if (d >= 1) return `$${d.toFixed(2)}`;
  if (d >= 0.01) return `$${d.toFixed(3)}`;
  return `$${d.toPrecision(2)}`;
}
