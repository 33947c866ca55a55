/**
 * What aimeter still knows about recent calls, so that an evaluation arriving later (a thumbs
 * click, a judge's score, a CRM conversion) can carry the evaluated call's model, agent and
 * variant labels and be parented to its span. Keyed by span id, gen_ai.response.id and
 * gen_ai.conversation.id (a conversation maps to its latest call).
 *
 * Bounded twice: at most `cap` entries per key kind (the newest half of that always kept, the
 * oldest dropped first, see Generations) and each entry lives `ttlMs`. The processor feeds it once
 * per model call or agent run (rememberCall), so it must be cheap: one object and one Map set per
 * key, nothing else kept per call.
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
  /** Entries per key kind at most (default 10,000; the newest half of them always kept). */
  readonly cap?: number;
  /** How long a call is remembered, in ms (default one hour). */
  readonly ttlMs?: number;
  /** Clock (tests). */
  readonly now?: () => number;
}

export const DEFAULT_LINK_CAP = 10_000;
export const DEFAULT_LINK_TTL_MS = 60 * 60 * 1000;

/**
 * A Map bounded by `cap` keys, in two generations of up to half of it each: a key is set in the
 * young one; when that is full, the old generation is dropped whole and the young one takes its
 * place. So the newest `ceil(cap / 2)` keys are always there, at most `cap` are held, and a set
 * is one Map.set: no deletion per insertion and no queue of insertions beside the Map. (An exact
 * oldest-first eviction cost a delete per call at the cap, and its queue of insertion order a
 * sort of the whole table every few thousand calls: about 2 us per call in the in-request
 * profile, the largest single cost of a model call's telemetry.) Expiry is checked at read.
 */
class Generations {
  private young = new Map<string, CallLink>();
  private old = new Map<string, CallLink>();
  private readonly half: number;

  constructor(cap: number) {
    this.half = Math.ceil(cap / 2);
  }

  set(key: string, link: CallLink): void {
    if (this.young.size >= this.half && !this.young.has(key)) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, link);
  }

  get(key: string, now: number): CallLink | undefined {
    const link = this.young.get(key) ?? this.old.get(key);
    return link !== undefined && link.expiresAt > now ? link : undefined;
  }

  /** Distinct keys held, expired ones included (tests, benchmarks: walks the old generation). */
  get size(): number {
    let size = this.young.size;
    for (const key of this.old.keys()) if (!this.young.has(key)) size++;
    return size;
  }
}

export class CallLinks {
  private readonly cap: number;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly bySpan: Generations;
  private readonly byResponse: Generations;
  private readonly byConversation: Generations;

  constructor(options: CallLinksOptions = {}) {
    this.cap = Math.max(1, options.cap ?? DEFAULT_LINK_CAP);
    this.ttlMs = options.ttlMs ?? DEFAULT_LINK_TTL_MS;
    this.now = options.now ?? Date.now;
    this.bySpan = new Generations(this.cap);
    this.byResponse = new Generations(this.cap);
    this.byConversation = new Generations(this.cap);
  }

  remember(spanContext: SpanContext, labels: LinkedLabels, responseId?: string, conversationId?: string): void {
    const now = this.now();
    const link: CallLink = { labels, spanContext, expiresAt: now + this.ttlMs };
    this.bySpan.set(spanContext.spanId, link);
    if (responseId) this.byResponse.set(responseId, link);
    if (conversationId) this.byConversation.set(conversationId, link);
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
