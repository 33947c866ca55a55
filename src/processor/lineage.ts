/**
 * Tracks spans that are still open, so that a span ending later can tell which agent and tool
 * it ran under, and so that two spans of one model call (two instrumentations nested around
 * the same SDK method) are counted once.
 *
 * Only GenAI spans and the descendants of GenAI spans get an entry; entries are removed when
 * their span ends, and the table is capped so that spans that never end cannot grow memory.
 */
import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_AIMETER_VARIANT,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_VERCEL_TOOL_CALL_NAME,
} from '../semconv/attributes';
import type { OutcomeScope } from '../outcomes/scope';
import { TurnPhases } from '../outcomes/turns';
import { Operation } from '../semconv/operations';
import type { GenAiCall } from './read-span';
import { looksLikeGenAi, operationAtStart } from './read-span';

export interface SpanEntry {
  /** The live span attributes (the SDK mutates them in place until the span ends). */
  readonly attributes: Attributes;
  readonly agent: SpanEntry | undefined;
  readonly tool: SpanEntry | undefined;
  /** Set when the span was a model call at start: a model-call child is then the same call. */
  readonly modelCall: boolean;
  readonly parent: SpanEntry | undefined;
  /** What a nested span of the same call reported, merged when this span ends. */
  pending: GenAiCall | undefined;
  /** Agent runs only: calls seen below this agent. */
  modelCalls: number;
  toolCalls: number;
  /** Agent runs only: dollars of the priced model calls below this agent (nested agents included). */
  cost: number;
  /** The enclosing conversation turn (handle_conversation_turn), and on the turn itself what its calls told. */
  readonly turn: SpanEntry | undefined;
  readonly turnPhases: TurnPhases | undefined;
  /** gen_ai.conversation.id and aimeter.variant as known at start: the span's own, else its parent's, else the context's. */
  readonly conversationId: string;
  readonly variant: string;
}

export const DEFAULT_MAX_OPEN_SPANS = 50_000;

export class Lineage {
  private readonly open = new Map<string, SpanEntry>();

  constructor(private readonly maxOpenSpans = DEFAULT_MAX_OPEN_SPANS) {}

  onStart(spanId: string, parentId: string | undefined, attributes: Attributes, scope?: OutcomeScope): void {
    const parent = parentId === undefined ? undefined : this.open.get(parentId);
    const genAi = looksLikeGenAi(attributes);
    if (!genAi && parent === undefined) return;
    // gen_ai.operation.name, or what a Vercel AI SDK span is (its wrapper is a workflow, so the
    // model call inside it is a call of its own, not the same call traced twice).
    const operation = operationAtStart(attributes);
    const isAgent = operation === Operation.InvokeAgent;
    const isTool = operation === Operation.ExecuteTool;
    const isTurn = operation === Operation.HandleConversationTurn;
    const conversationId = attributes[ATTR_GEN_AI_CONVERSATION_ID];
    const variant = attributes[ATTR_AIMETER_VARIANT];
    const entry: SpanEntry = {
      attributes,
      parent,
      agent: undefined,
      tool: undefined,
      modelCall:
        genAi &&
        !isAgent &&
        !isTool &&
        !isTurn &&
        operation !== Operation.InvokeWorkflow &&
        operation !== Operation.CreateAgent &&
        // An AI SDK span aimeter does not count (vercel-ai.ts).
        operation !== '',
      pending: undefined,
      modelCalls: 0,
      toolCalls: 0,
      cost: 0,
      turn: undefined,
      turnPhases: isTurn ? new TurnPhases() : undefined,
      conversationId:
        typeof conversationId === 'string' && conversationId ? conversationId : (parent?.conversationId || scope?.conversationId || ''),
      variant: typeof variant === 'string' && variant ? variant : (parent?.variant || scope?.variant || ''),
    };
    (entry as { agent: SpanEntry | undefined }).agent = isAgent ? entry : parent?.agent;
    (entry as { tool: SpanEntry | undefined }).tool = isTool ? entry : parent?.tool;
    (entry as { turn: SpanEntry | undefined }).turn = isTurn ? entry : parent?.turn;
    if (this.open.size >= this.maxOpenSpans) {
      // Spans that never end: forget the oldest rather than grow.
      const oldest = this.open.keys().next().value;
      if (oldest !== undefined) this.open.delete(oldest);
    }
    this.open.set(spanId, entry);
  }

  /** Removes and returns the entry of a span that ended. */
  take(spanId: string): SpanEntry | undefined {
    const entry = this.open.get(spanId);
    if (entry !== undefined) this.open.delete(spanId);
    return entry;
  }

  get size(): number {
    return this.open.size;
  }
}

export function agentNameOf(entry: SpanEntry | undefined): string {
  const name = entry?.attributes[ATTR_GEN_AI_AGENT_NAME];
  return typeof name === 'string' ? name : '';
}

export function toolNameOf(entry: SpanEntry | undefined): string {
  // The Vercel AI SDK's tool spans name the tool ai.toolCall.name.
  const name = entry?.attributes[ATTR_GEN_AI_TOOL_NAME] ?? entry?.attributes[ATTR_VERCEL_TOOL_CALL_NAME];
  return typeof name === 'string' ? name : '';
}
