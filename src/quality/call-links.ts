/**
 * What aimeter still knows about recent calls, so that an evaluation arriving later (a thumbs
 * click, a judge's score, a CRM conversion) can carry the evaluated call's model, agent and
 * variant labels and be parented to its span. Keyed by span id, gen_ai.response.id and
 * gen_ai.conversation.id (a conversation maps to its latest call).
 *
 * Bounded twice: at most `cap` entries per key kind (the oldest go first) and each entry lives
 * `ttlMs`. The processor feeds it once per model call or agent run (rememberCall), so it must be
 * cheap: one Map set per key, expired entries dropped from the front as new ones arrive.
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

/**
 * A Map bounded by `cap` and by each entry's expiry, oldest first out. The order of insertion is
 * kept in a queue beside the Map (each key with the sequence number of its latest insertion), so
 * that finding the oldest entry is one array read: asking the Map itself (its first key) walks
 * over every entry deleted from its front since it last rehashed, which at the cap, where every
 * insertion deletes one, made each set cost microseconds.
 */
class BoundedMap {
  private readonly map = new Map<string, { readonly link: CallLink; readonly seq: number }>();
  private keys: string[] = [];
  private seqs: number[] = [];
  private head = 0;
  private seq = 0;
  constructor(private readonly cap: number) {}

  set(key: string, link: CallLink, now: number): void {
    const seq = ++this.seq;
    this.map.set(key, { link, seq });
    this.keys.push(key);
    this.seqs.push(seq);
    while (this.head < this.keys.length) {
      const first = this.keys[this.head]!;
      const entry = this.map.get(first);
      // A queue slot whose key was inserted again later (or already dropped) is stale: skip it.
      if (entry !== undefined && entry.seq === this.seqs[this.head]) {
        if (this.map.size <= this.cap && entry.link.expiresAt > now) break;
        this.map.delete(first);
      }
      this.head++;
    }
    // Slots before the head are spent; stale ones behind a long-lived front pile up when one key
    // (a conversation) is set again and again: either way, rebuilt from the Map once they
    // outnumber its entries, so the queue stays within about twice the Map.
    if (this.keys.length > 2 * this.map.size + 1024) this.compact();
  }

  private compact(): void {
    const live = [...this.map].sort((a, b) => a[1].seq - b[1].seq);
    this.keys = live.map(([key]) => key);
    this.seqs = live.map(([, entry]) => entry.seq);
    this.head = 0;
  }

  get(key: string, now: number): CallLink | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) return undefined;
    if (entry.link.expiresAt <= now) {
      this.map.delete(key);
      return undefined;
    }
    return entry.link;
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
