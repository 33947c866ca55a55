/**
 * The KPI events endpoint: POST /api/kpi/events, for events that arrive from other systems (a
 * web front end's thumbs, a CRM's conversion, a survey tool's CSAT). Served by aimeter's metrics
 * server when AIMETER_EVENTS_TOKEN is set, or mounted in an express app (kpi-router.ts).
 *
 * Every request is checked before anything is recorded, in this order: bearer token (401), rate
 * limit per client address (429), content type (415), body size (413), JSON and schema (400 with
 * the path and reason of every problem). A request with any invalid event records nothing.
 * Events with an `id` seen within the dedupe window are counted as duplicates and not recorded
 * again. Replies are JSON with `<`, `>` and `&` escaped, and never contain input beyond
 * clipped, control-free field names.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { recordInternalError } from '../internal/errors';
import type { GenAiMetrics } from '../metrics/genai-metrics';
import { labelKey } from '../metrics/series-store';
import { writeCacheLookup } from './caches';
import { defaultEndConversation, type EndConversation } from './conversation-outcome';
import { writeConversion } from './conversions';
import { writeEvaluation } from './evaluations';
import { DEFAULT_ALLOW_LISTS, EVENT_TYPES, type KpiAllowLists, type KpiEvent, kpiEventSchema, type Problem, validateEvents } from './kpi-schema';
import { retrievalRelevanceValues } from './retrieval-metrics';
import { qualityMetrics } from './state';

export const KPI_EVENTS_PATH = '/api/kpi/events';
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
export const DEFAULT_MAX_EVENTS = 100;
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;
export const DEFAULT_DEDUPE_WINDOW_MS = 24 * 60 * 60 * 1000;
const MAX_DEDUPE_IDS = 100_000;
const MAX_CLIENTS = 10_000;
const COMPONENT = 'kpi-events';

export interface KpiEventsOptions {
  /** The bearer token clients must send (`Authorization: Bearer <token>`). Required. */
  readonly token: string;
  /** Ends a conversation for `conversation_outcome` events (default: src/outcomes' endConversation, when present). */
  readonly endConversation?: EndConversation;
  /** Where to record (default: the running aimeter's metrics). */
  readonly metrics?: GenAiMetrics;
  /** Allow-lists of the names that become labels; each replaces its default (docs/quality.md). */
  readonly allow?: Partial<KpiAllowLists>;
  /** Largest body accepted, in bytes (default 64 KiB). */
  readonly maxBodyBytes?: number;
  /** Most events in one request (default 100). */
  readonly maxEvents?: number;
  /** Requests per minute per client address (default 600). */
  readonly rateLimitPerMinute?: number;
  /** How long an event id is remembered for idempotency, ms (default 24 h). */
  readonly dedupeWindowMs?: number;
  /** Clock (tests). */
  readonly now?: () => number;
}

export type KpiEventsHandler = (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => void;

type EventResult = 'accepted' | 'rejected' | 'duplicate';

/** A handler for node:http (or express: it also reads a body an earlier json() parser consumed). */
export function createKpiEventsHandler(options: KpiEventsOptions): KpiEventsHandler {
  if (typeof options?.token !== 'string' || options.token.length === 0) throw new TypeError('kpi events: options.token must be a non-empty string');
  const allow: KpiAllowLists = { ...DEFAULT_ALLOW_LISTS, ...options.allow };
  const endConversation = options.endConversation ?? defaultEndConversation();
  const schema = kpiEventSchema(allow, endConversation !== undefined);
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
  const rateLimit = options.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE;
  const window = options.dedupeWindowMs ?? DEFAULT_DEDUPE_WINDOW_MS;
  const now = options.now ?? Date.now;
  const tokenDigest = digest(options.token);
  const seen = new Map<string, number>(); // event id -> expiry
  const clients = new Map<string, { start: number; count: number }>();
  const metrics = () => options.metrics ?? qualityMetrics();

  const count = (type: string, result: EventResult, n = 1) => {
    const m = metrics();
    const values = [type, result];
    if (n > 0) m?.add('kpiEvents', labelKey(values), values, n);
  };
  const refuse = (res: ServerResponse, status: number, error: string, headers: Record<string, string> = {}) => {
    count('unparsed', 'rejected');
    sendJson(res, status, { error }, headers);
  };

  const overRate = (address: string): boolean => {
    const t = now();
    let c = clients.get(address);
    if (c === undefined || t - c.start >= 60_000) {
      if (clients.size >= MAX_CLIENTS) clients.clear();
      c = { start: t, count: 0 };
      clients.set(address, c);
    }
    c.count++;
    return c.count > rateLimit;
  };

  const isDuplicate = (id: string, t: number): boolean => {
    const expiry = seen.get(id);
    return expiry !== undefined && expiry > t;
  };
  const remember = (id: string, t: number) => {
    seen.delete(id);
    seen.set(id, t + window);
    for (const [first, expiry] of seen) {
      if (seen.size <= MAX_DEDUPE_IDS && expiry > t) break;
      seen.delete(first);
    }
  };

  const apply = (event: KpiEvent, m: GenAiMetrics | undefined) => {
    switch (event.type) {
      case 'evaluation':
      case 'feedback':
        return writeEvaluation(event, m);
      case 'retrieval_relevance':
        for (const [name, score] of Object.entries(retrievalRelevanceValues(event))) {
          writeEvaluation({ name, score, conversationId: event.conversationId, responseId: event.responseId }, m);
        }
        return;
      case 'cache_lookup':
        return writeCacheLookup(event, m);
      case 'conversion':
        return writeConversion(event, m);
      case 'conversation_outcome':
        try {
          endConversation!(event.conversationId, event.firstContact === undefined ? { outcome: event.outcome } : { outcome: event.outcome, firstContact: event.firstContact });
        } catch (error) {
          recordInternalError(COMPONENT, error);
        }
        return;
    }
  };

  const handleBody = (res: ServerResponse, body: unknown) => {
    let list: unknown[];
    let prefix: (i: number) => string;
    if (Array.isArray(body)) {
      list = body;
      prefix = (i) => `[${i}]`;
    } else if (typeof body === 'object' && body !== null && 'events' in body) {
      const events = (body as { events: unknown }).events;
      const extra = Object.keys(body).filter((k) => k !== 'events');
      if (!Array.isArray(events) || extra.length > 0) {
        count('unparsed', 'rejected');
        return sendProblems(res, [{ path: 'events', reason: !Array.isArray(events) ? 'must be an array of events' : 'a batch has only the field "events"' }]);
      }
      list = events;
      prefix = (i) => `events[${i}]`;
    } else {
      list = [body];
      prefix = () => '';
    }
    if (list.length === 0 || list.length > maxEvents) {
      count('unparsed', 'rejected');
      return sendProblems(res, [{ path: prefix(0).replace(/\[0\]$/, '') || '(body)', reason: `a request holds 1 to ${maxEvents} events, got ${list.length}` }]);
    }
    const { events, problems } = validateEvents(list, prefix, schema);
    if (problems.length > 0) {
      for (const raw of list) count(typeOf(raw), 'rejected');
      return sendProblems(res, problems);
    }
    const m = metrics();
    const t = now();
    let accepted = 0;
    let duplicates = 0;
    for (const event of events) {
      if (event.id !== undefined && isDuplicate(event.id, t)) {
        duplicates++;
        count(event.type, 'duplicate');
        continue;
      }
      if (event.id !== undefined) remember(event.id, t);
      apply(event, m);
      accepted++;
      count(event.type, 'accepted');
    }
    sendJson(res, 200, { accepted, duplicates });
  };

  return (req, res) => {
    try {
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'method not allowed: POST events as JSON' }, { allow: 'POST' });
      if (!authorised(req.headers.authorization, tokenDigest)) return refuse(res, 401, 'missing or wrong bearer token', { 'www-authenticate': 'Bearer' });
      if (overRate(req.socket?.remoteAddress ?? '')) return refuse(res, 429, `rate limit: at most ${rateLimit} requests per minute`, { 'retry-after': '60' });
      if (!isJson(req.headers['content-type'])) return refuse(res, 415, 'content type must be application/json');
      // A body an express json() parser already read.
      if (req.body !== undefined && req.readableEnded) {
        const size = Buffer.byteLength(JSON.stringify(req.body) ?? '');
        if (size > maxBody) return refuse(res, 413, `body over ${maxBody} bytes`);
        return handleBody(res, req.body);
      }
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBody) {
        refuse(res, 413, `body over ${maxBody} bytes`, { connection: 'close' });
        req.resume();
        return;
      }
      readBody(req, maxBody).then(
        (text) => {
          if (text === undefined) return refuse(res, 413, `body over ${maxBody} bytes`, { connection: 'close' });
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            count('unparsed', 'rejected');
            return sendProblems(res, [{ path: '(body)', reason: 'not valid JSON' }]);
          }
          handleBody(res, body);
        },
        (error: unknown) => {
          recordInternalError(COMPONENT, error);
          if (!res.headersSent) sendJson(res, 400, { error: 'the request body could not be read' });
        },
      );
    } catch (error) {
      recordInternalError(COMPONENT, error);
      if (!res.headersSent) sendJson(res, 500, { error: 'aimeter: internal error' });
    }
  };
}

function typeOf(raw: unknown): string {
  const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
  return typeof type === 'string' && (EVENT_TYPES as readonly string[]).includes(type) ? type : 'unknown';
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function authorised(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  // Digests compared in constant time: the token's length and content do not leak by timing.
  return match !== null && timingSafeEqual(digest(match[1]!), expected);
}

function isJson(type: string | undefined): boolean {
  return typeof type === 'string' && /^application\/json\s*(;|$)/i.test(type.trim());
}

/** The body as text, or undefined once it passes `max` bytes (reading stops there). */
function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > max) {
        over = true;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function sendProblems(res: ServerResponse, problems: readonly Problem[]): void {
  sendJson(res, 400, { error: 'invalid events: nothing from this request was recorded', problems });
}

/** JSON with `<`, `>`, `&` and the JS line separators escaped, so no reply renders as markup. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = safeJson(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(body);
}
