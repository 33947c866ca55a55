/**
 * Open conversations of this process: first and last activity, turns, requests and dollars,
 * from the calls that carried their gen_ai.conversation.id; ended by endConversation() or, once
 * quiet for the idle timeout, with outcome `idle`.
 *
 * What is exact across replicas (docs/outcomes.md): aimeter_conversations_total is counted once,
 * by the process that ends the conversation, and aimeter_conversations_cost_usd_total is added by
 * every process as its calls end; their ratio is the spend per conversation. The histograms
 * (duration, turns, cost) describe the conversation as far as the ending process saw it:
 * `startedAt` and `turns` given to endConversation() complete the first two.
 *
 * Bounded: at most `maxOpen` open; past it the least recently active is forgotten (its dollars
 * are already counted; an endConversation() for it later still counts it) and counted in
 * aimeter_outcomes_overflow_total{aimeter_tracked="conversation", aimeter_reason="cap"}.
 */

export const DEFAULT_MAX_OPEN_CONVERSATIONS = 10_000;

export class OpenConversation {
  turns = 0;
  requests = 0;
  costUsd = 0;
  variant = '';

  constructor(
    public firstMs: number,
    public lastMs: number,
  ) {}
}

/** What an ended conversation records. */
export interface EndedConversation {
  readonly outcome: string;
  /** 'true', 'false' or '' (not said). */
  readonly firstContact: string;
  readonly variant: string;
  readonly durationSeconds: number | undefined;
  readonly turns: number | undefined;
  /** Undefined when this process served none of it (the cost histogram is then left alone). */
  readonly costUsd: number | undefined;
}

export class OpenConversations {
  /** By id, least recently active first (an update moves it to the end). */
  private readonly open = new Map<string, OpenConversation>();

  constructor(
    private readonly maxOpen: number,
    private readonly onEvict: () => void,
  ) {}

  /** Activity of a conversation between `startMs` and `endMs` (a span's times). */
  touch(id: string, startMs: number, endMs: number): OpenConversation {
    let c = this.open.get(id);
    if (c === undefined) {
      if (this.open.size >= this.maxOpen) {
        const oldest = this.open.keys().next().value;
        if (oldest !== undefined) {
          this.open.delete(oldest);
          this.onEvict();
        }
      }
      c = new OpenConversation(startMs, endMs);
    } else {
      this.open.delete(id);
      if (startMs < c.firstMs) c.firstMs = startMs;
      if (endMs > c.lastMs) c.lastMs = endMs;
    }
    this.open.set(id, c);
    return c;
  }

  take(id: string): OpenConversation | undefined {
    const c = this.open.get(id);
    if (c !== undefined) this.open.delete(id);
    return c;
  }

  /** Removes and returns the conversations whose last activity is at or before `cutoffMs`. */
  takeIdle(cutoffMs: number): [string, OpenConversation][] {
    const idle: [string, OpenConversation][] = [];
    for (const [id, c] of this.open) {
      // Least recently active first: the first active one ends the scan.
      if (c.lastMs > cutoffMs) break;
      idle.push([id, c]);
    }
    for (const [id] of idle) this.open.delete(id);
    return idle;
  }

  get size(): number {
    return this.open.size;
  }
}
