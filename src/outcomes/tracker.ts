/**
 * OutcomeTracker: the outcome layer of one metrics processor. The processor hands it each GenAI
 * call it recorded (with the dollars it computed) and each local root span that ends; the
 * tracker rolls them up into requests, conversations, turns and agent runs, and records the
 * aimeter_request_*, aimeter_conversation*, aimeter_turn* and aimeter_agent_run* families into
 * the processor's store.
 *
 * Cheap for spans that are not GenAI: the processor asks it something only for GenAI spans and
 * for local roots (one map lookup when the trace made no GenAI call).
 */
import { SpanStatusCode, type Context } from '@opentelemetry/api';
import type { AimeterConfig } from '../config/env';
import { environmentConfig } from '../config/env';
import { swallow } from '../internal/errors';
import { clipCodePoints } from '../internal/text';
import type { GenAiMetrics } from '../metrics/genai-metrics';
import { labelKey, type LabelValues } from '../metrics/series-store';
import type { GenAiCall } from '../processor/read-span';
import type { SpanEntry } from '../processor/lineage';
import type { ReadableSpanLike } from '../processor/span-like';
import * as A from '../semconv/attributes';
import { isModelCall, Operation } from '../semconv/operations';
import { errorTypeLabel } from '../tracing/error-type';
import { DEFAULT_MAX_OPEN_CONVERSATIONS, type EndedConversation, OpenConversations } from './conversations';
import { checkedEnd } from './end-options';
import { IDLE_OUTCOME, OutcomeNames } from './outcome-names';
import { register, unregister } from './registry';
import { emitRequestEnd, hasRequestListeners, summaryLine } from './request-summary';
import { DEFAULT_MAX_OPEN_REQUESTS, DEFAULT_REQUEST_TTL_MS, OpenRequests } from './requests';
import { checkConversationId, scopeOf, type OutcomeScope } from './scope';
import { TURN_PHASES, turnResult } from './turns';
import { DEFAULT_MAX_VARIANTS, Variants } from './variants';

const COMPONENT = 'outcomes';
const MAX_LABEL_LENGTH = 128;

export interface OutcomeTrackerOptions {
  /** The settings from the environment (default: this process's). */
  readonly config?: Pick<AimeterConfig, 'requestSummary' | 'extraOutcomes' | 'conversationIdleTimeoutSeconds' | 'variant'>;
  readonly maxOpenRequests?: number;
  readonly requestTtlMs?: number;
  readonly maxOpenConversations?: number;
  readonly maxVariants?: number;
  /** The clock (ms since the epoch) for endConversation, idleness and eviction; tests set their own. */
  readonly now?: () => number;
  /** Where the AIMETER_REQUEST_SUMMARY line goes (default stdout). */
  readonly printLine?: (line: string) => void;
  /** Sweep idle conversations on a timer (unref'd; default true). */
  readonly idleTimer?: boolean;
}

export interface EndConversationOptions {
  /** resolved, escalated, abandoned, unresolved, or a word listed in AIMETER_OUTCOMES. */
  readonly outcome: string;
  /** Resolved at the first contact (no earlier conversation on the same issue)? */
  readonly firstContact?: boolean;
  /** When the conversation started, if it started before this process saw it (another replica). */
  readonly startedAt?: Date | number;
  /** Its number of turns, if this process did not see them all. */
  readonly turns?: number;
}

export class OutcomeTracker {
  readonly names: OutcomeNames;
  private readonly variants: Variants;
  private readonly requests: OpenRequests;
  private readonly conversations: OpenConversations;
  private readonly now: () => number;
  private readonly summaryLines: boolean;
  private readonly printLine: (line: string) => void;
  private readonly idleTimeoutMs: number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly idleTimer: boolean;

  constructor(
    private readonly metrics: GenAiMetrics,
    options: OutcomeTrackerOptions = {},
  ) {
    const config = options.config ?? environmentConfig().config;
    this.names = new OutcomeNames(config.extraOutcomes);
    this.now = options.now ?? Date.now;
    this.summaryLines = config.requestSummary;
    this.printLine = options.printLine ?? ((line) => void process.stdout.write(`${line}\n`));
    this.idleTimeoutMs = config.conversationIdleTimeoutSeconds * 1000;
    this.idleTimer = options.idleTimer ?? true;
    this.variants = new Variants(config.variant, options.maxVariants ?? DEFAULT_MAX_VARIANTS, () => this.overflow('variant', 'cap'));
    this.requests = new OpenRequests(options.maxOpenRequests ?? DEFAULT_MAX_OPEN_REQUESTS, options.requestTtlMs ?? DEFAULT_REQUEST_TTL_MS, (reason) =>
      this.overflow('request', reason),
    );
    this.conversations = new OpenConversations(options.maxOpenConversations ?? DEFAULT_MAX_OPEN_CONVERSATIONS, () => this.overflow('conversation', 'cap'));
    register(this);
  }

  /**
   * At span start: the conversation and variant of the context (withConversation, withVariant),
   * copied onto a GenAI span that has none of its own, so the exported span carries them too.
   */
  scopeAtStart(span: ReadableSpanLike, parentContext: Context | undefined, genAi: boolean): OutcomeScope | undefined {
    const scope = scopeOf(parentContext);
    if (scope === undefined || !genAi || span.setAttribute === undefined) return scope;
    const a = span.attributes;
    if (scope.conversationId && a[A.ATTR_GEN_AI_CONVERSATION_ID] === undefined) span.setAttribute(A.ATTR_GEN_AI_CONVERSATION_ID, scope.conversationId);
    if (scope.variant && a[A.ATTR_AIMETER_VARIANT] === undefined) span.setAttribute(A.ATTR_AIMETER_VARIANT, scope.variant);
    return scope;
  }

  /** The aimeter_variant label of a call: its span's (at end), else as inherited at start, else AIMETER_VARIANT; capped. */
  variantLabel(span: ReadableSpanLike, entry: SpanEntry | undefined): string {
    const own = span.attributes[A.ATTR_AIMETER_VARIANT];
    return this.variants.label(typeof own === 'string' && own ? own : entry?.variant);
  }

  /**
   * A GenAI call the processor recorded. `agent`/`tool`: its label values; `cost`: the dollars
   * the processor computed (undefined: not a priced model call).
   */
  onCall(span: ReadableSpanLike, call: GenAiCall, entry: SpanEntry | undefined, agent: string, tool: string, variant: string, cost: number | undefined): void {
    const op = call.operation;
    const nowMs = this.now();
    const rollup = this.requests.of(span.spanContext().traceId, nowMs);
    if (variant && !rollup.variant) rollup.variant = variant;
    const endUser = span.attributes[A.ATTR_ENDUSER_ID];
    if (typeof endUser === 'string' && endUser && rollup.endUserId === undefined) rollup.endUserId = endUser;

    const startMs = hrMs(span.startTime) ?? nowMs - call.durationSeconds * 1000;
    const endMs = hrMs(span.endTime) ?? nowMs;
    const conversationId = this.conversationOf(span, entry);
    const conversation = conversationId ? this.conversations.touch(conversationId, startMs, endMs) : undefined;
    if (conversation !== undefined) {
      rollup.conversationId ??= conversationId;
      if (rollup.addConversation(conversationId)) conversation.requests++;
      if (variant) conversation.variant = variant;
      this.startIdleTimer();
    }

    if (op === Operation.InvokeAgent) {
      rollup.addPart('agents', agent, call.durationSeconds);
      if (entry?.parent?.agent === undefined) rollup.rootAgent = agent;
      this.recordAgentRun(span, call, entry, agent, variant);
      return;
    }
    if (op === Operation.ExecuteTool) {
      rollup.toolCalls++;
      rollup.addPart('tools', tool, call.durationSeconds);
      return;
    }
    if (op === Operation.HandleConversationTurn) {
      this.recordTurn(span, call, entry, variant);
      if (conversation !== undefined) conversation.turns++;
      return;
    }
    if (!isModelCall(op)) return;
    rollup.modelCalls++;
    const model = call.responseModel || call.requestModel;
    if (model) rollup.addModel(model);
    rollup.inputTokens += call.usage.inputTokens ?? 0;
    rollup.outputTokens += call.usage.outputTokens ?? 0;
    if (cost !== undefined) {
      rollup.costUsd += cost;
      rollup.pricedCalls++;
      if (entry?.agent !== undefined) entry.agent.cost += cost;
      if (conversation !== undefined) {
        conversation.costUsd += cost;
        this.add('conversationCostTotal', [variant], cost);
      }
    } else if (hasUsage(call)) rollup.unpricedCalls++;
    entry?.turn?.turnPhases?.noteCall(op, startMs, endMs, call.durationSeconds, call.timeToFirstChunk);
  }

  /** A local root span ended (an incoming request, or a GenAI call outside any trace). */
  onRootEnd(span: ReadableSpanLike): void {
    const traceId = span.spanContext().traceId;
    const rollup = this.requests.take(traceId);
    if (rollup === undefined) return;
    const a = span.attributes;
    const endUser = a[A.ATTR_ENDUSER_ID];
    if (typeof endUser === 'string' && endUser && rollup.endUserId === undefined) rollup.endUserId = endUser;
    const httpRoute = a[A.ATTR_HTTP_ROUTE];
    const route = clip(typeof httpRoute === 'string' && httpRoute ? httpRoute : rollup.rootAgent);
    const errorType = errorTypeLabel(a[A.ATTR_ERROR_TYPE]) || (span.status.code === SpanStatusCode.ERROR ? '_OTHER' : '');
    const ownVariant = a[A.ATTR_AIMETER_VARIANT];
    const variant = rollup.variant || this.variants.label(ownVariant);
    const values = [route, errorType, variant];
    const key = labelKey(values);
    if (rollup.pricedCalls > 0) this.metrics.observe('requestCost', key, values, rollup.costUsd);
    if (rollup.modelCalls > 0) {
      const input = [route, errorType, 'input', variant];
      const output = [route, errorType, 'output', variant];
      this.metrics.observe('requestTokens', labelKey(input), input, rollup.inputTokens);
      this.metrics.observe('requestTokens', labelKey(output), output, rollup.outputTokens);
    }
    this.metrics.observe('requestModelCalls', key, values, rollup.modelCalls);
    if (!this.summaryLines && !hasRequestListeners()) return;
    const method = a[A.ATTR_HTTP_REQUEST_METHOD];
    const status = a[A.ATTR_HTTP_RESPONSE_STATUS_CODE];
    const summary = rollup.summary({
      traceId,
      name: span.name,
      route,
      method: typeof method === 'string' ? method : undefined,
      statusCode: typeof status === 'number' ? status : undefined,
      errorType,
      variant,
      durationSeconds: span.duration[0] + span.duration[1] / 1e9,
    });
    if (this.summaryLines) swallow(COMPONENT, undefined, () => this.printLine(summaryLine(summary)));
    emitRequestEnd(summary);
  }

  /** Ends a conversation in this tracker only (endConversation in ./api.ts ends it in every live one). Never throws. */
  endConversation(id: string, options: EndConversationOptions): void {
    swallow(COMPONENT, undefined, () => {
      const checked = checkedEnd(id, options);
      if (checked !== undefined) this.endChecked(checked, options);
    });
  }

  /** endConversation with arguments already checked. */
  endChecked(id: string, options: EndConversationOptions): void {
    const outcome = this.names.label(options.outcome, 'endConversation');
    const c = this.conversations.take(id);
    const nowMs = this.now();
    const startedAt = options.startedAt instanceof Date ? options.startedAt.getTime() : options.startedAt;
    const firstMs = startedAt ?? c?.firstMs;
    this.recordConversation({
      outcome,
      firstContact: options.firstContact === undefined ? '' : String(options.firstContact),
      variant: c?.variant || this.variants.fallback,
      durationSeconds: firstMs === undefined ? undefined : Math.max(0, nowMs - firstMs) / 1000,
      turns: options.turns ?? (c === undefined ? undefined : c.turns > 0 ? c.turns : c.requests),
      costUsd: c?.costUsd,
    });
  }

  /** Ends the conversations quiet for the idle timeout, with outcome idle (handle time: to their last activity). */
  sweepIdle(): void {
    if (this.idleTimeoutMs <= 0) return;
    for (const [, c] of this.conversations.takeIdle(this.now() - this.idleTimeoutMs)) {
      this.recordConversation({
        outcome: IDLE_OUTCOME,
        firstContact: '',
        variant: c.variant || this.variants.fallback,
        durationSeconds: Math.max(0, c.lastMs - c.firstMs) / 1000,
        turns: c.turns > 0 ? c.turns : c.requests,
        costUsd: c.costUsd,
      });
    }
    if (this.conversations.size === 0) this.stopIdleTimer();
  }

  /** Evicts open requests past their time to live (also done as new ones open). */
  sweepRequests(): void {
    this.requests.evictExpired(this.now());
  }

  get openRequests(): number {
    return this.requests.size;
  }

  get openConversations(): number {
    return this.conversations.size;
  }

  shutdown(): void {
    this.stopIdleTimer();
    unregister(this);
  }

  private recordConversation(c: EndedConversation): void {
    const values = [c.outcome, c.firstContact, c.variant];
    const key = labelKey(values);
    this.metrics.add('conversations', key, values, 1);
    if (c.durationSeconds !== undefined) this.metrics.observe('conversationDuration', key, values, c.durationSeconds);
    if (c.turns !== undefined) this.metrics.observe('conversationTurns', key, values, c.turns);
    if (c.costUsd !== undefined) this.metrics.observe('conversationCost', key, values, c.costUsd);
  }

  private recordAgentRun(span: ReadableSpanLike, call: GenAiCall, entry: SpanEntry | undefined, agent: string, variant: string): void {
    const raw = span.attributes[A.ATTR_AIMETER_OUTCOME];
    const outcome = raw === undefined || raw === '' ? '' : this.names.label(raw, `agent ${agent}: aimeter.outcome`);
    const values = [agent, outcome, call.errorType, variant];
    const key = labelKey(values);
    this.metrics.add('agentRuns', key, values, 1);
    const cost = entry?.cost ?? 0;
    this.metrics.add('agentRunCost', key, values, cost);
    // A nested agent's dollars are also its caller's.
    const outer = entry?.parent?.agent;
    if (outer !== undefined) outer.cost += cost;
  }

  private recordTurn(span: ReadableSpanLike, call: GenAiCall, entry: SpanEntry | undefined, variant: string): void {
    const phases = entry?.turnPhases;
    const result = turnResult(span.attributes, phases, call.errorType);
    this.add('turns', [result.endReason, variant], 1);
    if (result.latencySeconds !== undefined) this.observe('turnLatency', [variant], result.latencySeconds);
    if (phases === undefined) return;
    if (phases.sttSeconds !== undefined) this.observe('turnPhaseDuration', [TURN_PHASES.speechToText, variant], phases.sttSeconds);
    if (phases.llmFirstTokenSeconds !== undefined) this.observe('turnPhaseDuration', [TURN_PHASES.llmTimeToFirstToken, variant], phases.llmFirstTokenSeconds);
    if (phases.ttsFirstByteSeconds !== undefined) this.observe('turnPhaseDuration', [TURN_PHASES.textToSpeechTimeToFirstByte, variant], phases.ttsFirstByteSeconds);
  }

  private conversationOf(span: ReadableSpanLike, entry: SpanEntry | undefined): string {
    const own = span.attributes[A.ATTR_GEN_AI_CONVERSATION_ID];
    if (typeof own === 'string' && own) return checkConversationId(own, `span ${clipCodePoints(span.name, 60)}: gen_ai.conversation.id`) ?? '';
    return entry?.conversationId ?? '';
  }

  private overflow(tracked: 'request' | 'conversation' | 'variant', reason: 'cap' | 'ttl'): void {
    this.add('outcomesOverflow', [tracked, reason], 1);
  }

  private add(metric: 'conversationCostTotal' | 'turns' | 'outcomesOverflow', values: LabelValues, value: number): void {
    this.metrics.add(metric, labelKey(values), values, value);
  }

  private observe(metric: 'turnLatency' | 'turnPhaseDuration', values: LabelValues, value: number): void {
    this.metrics.observe(metric, labelKey(values), values, value);
  }

  private startIdleTimer(): void {
    if (this.timer !== undefined || !this.idleTimer || this.idleTimeoutMs <= 0) return;
    // A quiet process still ends its idle conversations; unref'd: it never keeps the process up.
    this.timer = setInterval(() => swallow(COMPONENT, undefined, () => this.sweepIdle()), Math.min(this.idleTimeoutMs, 60_000));
    this.timer.unref?.();
  }

  private stopIdleTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}

function hrMs(t: readonly [number, number] | undefined): number | undefined {
  return t === undefined ? undefined : t[0] * 1000 + t[1] / 1e6;
}

function hasUsage(call: GenAiCall): boolean {
  const u = call.usage;
  return (u.inputTokens ?? 0) > 0 || (u.outputTokens ?? 0) > 0 || (u.audioSeconds ?? 0) > 0 || (u.characters ?? 0) > 0;
}

function clip(value: string): string {
  return clipCodePoints(value, MAX_LABEL_LENGTH);
}
