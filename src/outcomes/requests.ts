/**
 * Request roll-ups: everything the GenAI calls of one trace added up to, finished when the
 * trace's local root span ends (an incoming HTTP request, else the outermost GenAI span).
 *
 * Fed by the metrics processor with what it already computed per call (cost, tokens), so a
 * request's dollars are exactly the sum of its calls' aimeter_cost_usd_total increments. Only
 * traces with a GenAI call get an entry: a root span without one costs a map lookup.
 *
 * Bounded: at most `maxOpen` traces are open; one whose root never ends (a span lost, a
 * request that never returns) is evicted after `ttlMs`, or when the cap needs room, and counted
 * in aimeter_outcomes_overflow_total{aimeter_tracked="request"}.
 */
import type { RequestPart, RequestSummary } from './request-summary';

export const DEFAULT_MAX_OPEN_REQUESTS = 10_000;
export const DEFAULT_REQUEST_TTL_MS = 10 * 60 * 1000;

interface PartTally {
  calls: number;
  seconds: number;
}

/** The open roll-up of one trace. */
export class RequestRollup {
  costUsd = 0;
  pricedCalls = 0;
  unpricedCalls = 0;
  inputTokens = 0;
  outputTokens = 0;
  modelCalls = 0;
  toolCalls = 0;
  conversationId: string | undefined = undefined;
  endUserId: string | undefined = undefined;
  variant = '';
  /** The outermost agent's name: the route of a request without an HTTP span. */
  rootAgent = '';
  // Made at their first entry: one request of a chat app fills none of them but models, and each
  // collection made per request is an allocation more for every request.
  private models: Set<string> | undefined = undefined;
  private agents: Map<string, PartTally> | undefined = undefined;
  private tools: Map<string, PartTally> | undefined = undefined;
  /** Conversations the request touched (usually one). */
  private conversations: Set<string> | undefined = undefined;

  constructor(readonly openedAtMs: number) {}

  addModel(model: string): void {
    (this.models ??= new Set()).add(model);
  }

  /** True the first time the request touches `conversationId`. */
  addConversation(conversationId: string): boolean {
    const seen = (this.conversations ??= new Set());
    if (seen.has(conversationId)) return false;
    seen.add(conversationId);
    return true;
  }

  addPart(kind: 'agents' | 'tools', name: string, seconds: number): void {
    const map = kind === 'agents' ? (this.agents ??= new Map()) : (this.tools ??= new Map());
    const tally = map.get(name);
    if (tally === undefined) map.set(name, { calls: 1, seconds });
    else {
      tally.calls++;
      tally.seconds += seconds;
    }
  }

  summary(root: {
    traceId: string;
    name: string;
    route: string;
    method: string | undefined;
    statusCode: number | undefined;
    errorType: string;
    variant: string;
    durationSeconds: number;
  }): RequestSummary {
    return {
      ...root,
      costUsd: this.costUsd,
      unpricedCalls: this.unpricedCalls,
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      modelCalls: this.modelCalls,
      toolCalls: this.toolCalls,
      models: this.models ? [...this.models] : [],
      agents: parts(this.agents),
      tools: parts(this.tools),
      conversationId: this.conversationId,
      endUserId: this.endUserId,
    };
  }
}

function parts(map: Map<string, PartTally> | undefined): RequestPart[] {
  return map ? [...map].map(([name, t]) => ({ name, calls: t.calls, durationSeconds: t.seconds })) : [];
}

export class OpenRequests {
  /** By trace id, in the order they opened (so the oldest is first: eviction is O(1)). */
  private readonly open = new Map<string, RequestRollup>();

  constructor(
    private readonly maxOpen: number,
    private readonly ttlMs: number,
    private readonly onEvict: (reason: 'cap' | 'ttl') => void,
  ) {}

  /** The roll-up of a trace, opened on its first GenAI call. */
  of(traceId: string, nowMs: number): RequestRollup {
    let rollup = this.open.get(traceId);
    if (rollup !== undefined) return rollup;
    this.evictExpired(nowMs);
    if (this.open.size >= this.maxOpen) {
      const oldest = this.open.keys().next().value;
      if (oldest !== undefined) {
        this.open.delete(oldest);
        this.onEvict('cap');
      }
    }
    rollup = new RequestRollup(nowMs);
    this.open.set(traceId, rollup);
    return rollup;
  }

  /** Removes and returns the roll-up of a trace whose root ended (undefined: no GenAI call in it). */
  take(traceId: string): RequestRollup | undefined {
    if (this.open.size === 0) return undefined;
    const rollup = this.open.get(traceId);
    if (rollup !== undefined) this.open.delete(traceId);
    return rollup;
  }

  evictExpired(nowMs: number): void {
    for (const [traceId, rollup] of this.open) {
      if (nowMs - rollup.openedAtMs < this.ttlMs) return;
      this.open.delete(traceId);
      this.onEvict('ttl');
    }
  }

  get size(): number {
    return this.open.size;
  }
}
