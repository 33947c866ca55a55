/**
 * traceTurn: one conversational turn as a span (operation handle_conversation_turn), with a
 * handle to mark when the user stopped speaking, when the agent started speaking, and that the
 * user interrupted. The speech and model calls made inside are its children; when the app does
 * not mark the two moments, their end of speech-to-text and first audio byte stand in (turns.ts).
 */
import { context as otelContext, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { manualTracer } from '../api/tracer';
import { swallow } from '../internal/errors';
import { warnOnce } from '../internal/log';
import * as A from '../semconv/attributes';
import { Operation } from '../semconv/operations';
import { errorTypeOf } from '../tracing/error-type';
import { checkConversationId, withConversation } from './scope';

const COMPONENT = 'outcomes';

export interface TurnOptions {
  /** gen_ai.conversation.id of the conversation the turn belongs to. */
  readonly conversationId?: string;
}

/** The handle of a traced turn. Every method is safe at any time and never throws. */
export interface Turn {
  /** The user stopped speaking (now, or `at`: a Date or ms since the epoch). */
  userStoppedSpeaking(at?: Date | number): void;
  /** The agent started speaking: the caller hears the first audio (now, or `at`). */
  agentStartedSpeaking(at?: Date | number): void;
  /** The user interrupted the agent (barged in): the turn ends as interrupted. */
  interrupted(): void;
  readonly span: Span | undefined;
}

class TurnHandle implements Turn {
  constructor(readonly span: Span | undefined) {}

  userStoppedSpeaking(at?: Date | number): void {
    swallow(COMPONENT, undefined, () => this.mark(A.ATTR_AIMETER_TURN_USER_STOPPED_SPEAKING, at, 'userStoppedSpeaking'));
  }

  agentStartedSpeaking(at?: Date | number): void {
    swallow(COMPONENT, undefined, () => this.mark(A.ATTR_AIMETER_TURN_AGENT_STARTED_SPEAKING, at, 'agentStartedSpeaking'));
  }

  interrupted(): void {
    swallow(COMPONENT, undefined, () => this.span?.setAttribute(A.ATTR_AIMETER_TURN_INTERRUPTED, true));
  }

  private mark(key: string, at: Date | number | undefined, method: string): void {
    const ms = at === undefined ? performance.timeOrigin + performance.now() : at instanceof Date ? at.getTime() : at;
    if (typeof ms !== 'number' || !Number.isFinite(ms)) {
      warnOnce(`turn:${method}`, `aimeter: turn.${method}(at): \`at\` must be a Date or a number of milliseconds since the epoch, got ${at === null ? 'null' : typeof at}; ignored.`);
      return;
    }
    this.span?.setAttribute(key, ms);
  }
}

const NOOP_TURN = new TurnHandle(undefined);

/**
 * Traces one turn: `handle_conversation_turn`. Returns (or rejects with) exactly what `fn` does;
 * a thrown error ends the turn as `error`.
 */
export function traceTurn<T>(options: TurnOptions, fn: (turn: Turn) => T): T {
  const started = swallow(COMPONENT, undefined, () => {
    const id = options?.conversationId === undefined ? undefined : checkConversationId(options.conversationId, 'traceTurn');
    const attributes = { [A.ATTR_GEN_AI_OPERATION_NAME]: Operation.HandleConversationTurn, ...(id ? { [A.ATTR_GEN_AI_CONVERSATION_ID]: id } : {}) };
    const span = manualTracer().startSpan(Operation.HandleConversationTurn, { kind: SpanKind.INTERNAL, attributes });
    return { span, id, handle: new TurnHandle(span) };
  });
  if (started === undefined) return fn(NOOP_TURN);
  const { span, id, handle } = started;
  const run = () => otelContext.with(trace.setSpan(otelContext.active(), span), fn, undefined, handle);
  let result: T;
  try {
    result = id ? withConversation(id, run) : run();
  } catch (error) {
    fail(span, error);
    throw error;
  }
  if (result instanceof Promise) {
    return result.then(
      (value) => {
        swallow(COMPONENT, undefined, () => span.end());
        return value;
      },
      (error: unknown) => {
        fail(span, error);
        throw error;
      },
    ) as T;
  }
  swallow(COMPONENT, undefined, () => span.end());
  return result;
}

function fail(span: Span, error: unknown): void {
  swallow(COMPONENT, undefined, () => {
    span.setAttribute(A.ATTR_ERROR_TYPE, errorTypeOf(error));
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
}
