/**
 * What aimeter still knows about recent calls, so that an evaluation arriving later (a thumbs
 * click, a judge's score, a CRM conversion) can carry the evaluated call's model, agent and
 * variant labels and be parented to its span. Keyed by span id, gen_ai.response.id and
 * gen_ai.conversation.id (a conversation maps to its latest call).
 *
 * Bounded twice: at most `cap` entries per key kind (the oldest go first) and each entry lives
 * `ttlMs`. The processor feeds it once per model call or agent run (rememberCall), so it must be
 * cheap: one Map delete/set per key, expired entries dropped from the front as new ones arrive.
 */
import type { SpanContext } from '@opentelemetry/api';
import { LINKED_CALL_LABELS } from '../metrics/catalog';

/** Values of LINKED_CALL_LABELS: provider, request model, agent, variant. */
export type LinkedLabels = readonly [string, string, string, string];
export const UNLINKED: LinkedLabels = ['', '', '', ''];
// Kept in step with the catalog: a new linked label must be filled here too.
if (LINKED_CALL_LABELS.length !== UNLINKED.length) throw new Error('call-links: LINKED_CALL_LABELS changed; update LinkedLabels');

export interface CallLink {
  readonly labels: LinkedLabels;
  readonly spanContext: SpanContext;
  readonly expiresAt: number;
}

export interface CallLinksOptions {
  /** Entries per key kind (default 10,000). */
  readonly cap?: number;
  /** How long a call is remembered, in ms (default one hour). */
  readonly ttlMs?: number;
  /** Clock (tests). */
  readonly now?: () => number;
}

export const DEFAULT_LINK_CAP = 10_000;
export const DEFAULT_LINK_TTL_MS = 60 * 60 * 1000;

class BoundedMap {
  private readonly map = new Map<string, CallLink>();
  constructor(private readonly cap: number) {}

  set(key: string, link: CallLink, now: number): void {
    // Re-inserted keys move to the end, so the front is always the oldest.
    this.map.delete(key);
    this.map.set(key, link);
    for (const [first, entry] of this.map) {
      if (this.map.size <= this.cap && entry.expiresAt > now) break;
      this.map.delete(first);
    }
  }

  get(key: string, now: number): CallLink | undefined {
    const link = this.map.get(key);
    if (link === undefined) return undefined;
    if (link.expiresAt <= now) {
      this.map.delete(key);
      return undefined;
    }
    return link;
  }

  get size(): number {
    return this.map.size;
  }
}

export class CallLinks {
  private readonly cap: number;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly bySpan: BoundedMap;
  private readonly byResponse: BoundedMap;
  private readonly byConversation: BoundedMap;

  constructor(options: CallLinksOptions = {}) {
    this.cap = Math.max(1, options.cap ?? DEFAULT_LINK_CAP);
    this.ttlMs = options.ttlMs ?? DEFAULT_LINK_TTL_MS;
    this.now = options.now ?? Date.now;
    this.bySpan = new BoundedMap(this.cap);
    this.byResponse = new BoundedMap(this.cap);
    this.byConversation = new BoundedMap(this.cap);
  }

  remember(spanContext: SpanContext, labels: LinkedLabels, responseId?: string, conversationId?: string): void {
    const now = this.now();
    const link: CallLink = { labels, spanContext, expiresAt: now + this.ttlMs };
    this.bySpan.set(spanContext.spanId, link, now);
    if (responseId) this.byResponse.set(responseId, link, now);
    if (conversationId) this.byConversation.set(conversationId, link, now);
  }

  bySpanId(spanId: string): CallLink | undefined {
    return this.bySpan.get(spanId, this.now());
  }

  byResponseId(responseId: string): CallLink | undefined {
    return this.byResponse.get(responseId, this.now());
  }

  byConversationId(conversationId: string): CallLink | undefined {
    return this.byConversation.get(conversationId, this.now());
  }

  /** Entries held per key kind (tests, benchmarks). */
  sizes(): { spans: number; responses: number; conversations: number } {
    return { spans: this.bySpan.size, responses: this.byResponse.size, conversations: this.byConversation.size };
  }
}
