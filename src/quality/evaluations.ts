/**
 * recordEvaluation(): any score about a model call, conversation or agent run (user feedback
 * such as CSAT or thumbs, an automated judge, WER, MOS, precision@k) as
 *  - the semconv event `gen_ai.evaluation.result` (a log record through the OTel Logs API,
 *    parented to the evaluated span; also a span event when that span is still recording, so a
 *    trace viewer shows it without a logs pipeline), and
 *  - aimeter_evaluation_score (histogram) and aimeter_evaluations_total (counter), by
 *    gen_ai.evaluation.name and, when the evaluation is linked to a call aimeter still knows
 *    (call-links.ts), by that call's provider, model, agent and variant.
 * The explanation is free text: it goes on the event only, and only with content capture on.
 */
import { context as otelContext, ROOT_CONTEXT, trace, type Attributes, type Span, type SpanContext } from '@opentelemetry/api';
import * as otelApi from '@opentelemetry/api';
import { runtimeSettings } from '../config/runtime';
import { recordInternalError } from '../internal/errors';
import { warnOnce } from '../internal/log';
import type { GenAiMetrics } from '../metrics/genai-metrics';
import { labelKey } from '../metrics/series-store';
import * as A from '../semconv/attributes';
import { aimeterVersion } from '../api/tracer';
import { UNLINKED, type CallLink, type LinkedLabels } from './call-links';
import { nameProblem, SCORE_LABEL_PATTERN } from './labels';
import { callLinks, qualityMetrics } from './state';

const COMPONENT = 'quality';

export interface EvaluationInput {
  /** gen_ai.evaluation.name: `csat`, `thumbs`, `relevance`, `groundedness`, `wer`, `mos` ... (a short identifier). */
  readonly name: string;
  /** gen_ai.evaluation.score.value: any finite number (0-1 scores, 1-5 ratings, WER). */
  readonly score?: number;
  /** gen_ai.evaluation.score.label: low-cardinality (`up`/`down`, `pass`/`fail`, `relevant`). */
  readonly label?: string;
  /** gen_ai.evaluation.explanation: free text, on the event only, and only with content capture on. */
  readonly explanation?: string;
  /** gen_ai.conversation.id of the evaluated conversation (links to its latest call). */
  readonly conversationId?: string;
  /** gen_ai.response.id of the evaluated response. */
  readonly responseId?: string;
  /** The evaluated span (a live or ended Span), or its SpanContext. */
  readonly span?: Span | SpanContext;
}

/** Why the input cannot be recorded: one message per culprit (empty when it can). */
export function evaluationProblems(input: EvaluationInput): string[] {
  if (input === null || typeof input !== 'object') return [`recordEvaluation expects an object, got ${input === null ? 'null' : typeof input}`];
  const problems: string[] = [];
  const name = nameProblem('name', input.name);
  if (name) problems.push(name);
  if (input.score !== undefined && (typeof input.score !== 'number' || !Number.isFinite(input.score))) {
    problems.push(`score must be a finite number, got ${typeof input.score === 'number' ? String(input.score) : typeof input.score}`);
  }
  if (input.label !== undefined) {
    const label = nameProblem('label', input.label, SCORE_LABEL_PATTERN);
    if (label) problems.push(label);
  }
  if (input.score === undefined && input.label === undefined) problems.push('an evaluation needs a score, a label or both');
  for (const field of ['explanation', 'conversationId', 'responseId'] as const) {
    if (input[field] !== undefined && typeof input[field] !== 'string') problems.push(`${field} must be a string, got ${typeof input[field]}`);
  }
  return problems;
}

/**
 * Records one evaluation. Returns true when it was recorded; on bad input records nothing,
 * warns once naming the culprit and returns false. Never throws.
 */
export function recordEvaluation(input: EvaluationInput): boolean {
  try {
    const problems = evaluationProblems(input);
    if (problems.length > 0) {
      warnOnce(`quality-input:evaluation:${problems[0]}`, `aimeter: recordEvaluation ignored: ${problems.join('; ')}`);
      return false;
    }
    writeEvaluation(input, qualityMetrics());
    return true;
  } catch (error) {
    recordInternalError(COMPONENT, error);
    return false;
  }
}

/** The call an evaluation (or a conversion) refers to, if aimeter still knows it. */
export function linkOf(input: Pick<EvaluationInput, 'span' | 'responseId' | 'conversationId'>): CallLink | undefined {
  const links = callLinks();
  const sc = spanContextOf(input.span);
  return (
    (sc && links.bySpanId(sc.spanId)) ||
    (input.responseId ? links.byResponseId(input.responseId) : undefined) ||
    (input.conversationId ? links.byConversationId(input.conversationId) : undefined)
  );
}

/** Records a VALID evaluation (evaluationProblems() found nothing). */
export function writeEvaluation(input: EvaluationInput, metrics: GenAiMetrics | undefined): void {
  const link = linkOf(input);
  const labels: LinkedLabels = link?.labels ?? UNLINKED;
  emitEvent(input, link);
  if (metrics === undefined) return;
  if (input.score !== undefined) {
    const values = [input.name, ...labels];
    metrics.observe('evaluationScore', labelKey(values), values, input.score);
  }
  const values = [input.name, input.label ?? '', ...labels];
  metrics.add('evaluations', labelKey(values), values, 1);
}

function emitEvent(input: EvaluationInput, link: CallLink | undefined): void {
  const attributes: Attributes = { [A.ATTR_GEN_AI_EVALUATION_NAME]: input.name };
  if (input.score !== undefined) attributes[A.ATTR_GEN_AI_EVALUATION_SCORE_VALUE] = input.score;
  if (input.label !== undefined) attributes[A.ATTR_GEN_AI_EVALUATION_SCORE_LABEL] = input.label;
  if (input.explanation !== undefined && runtimeSettings().captureMessageContent) attributes[A.ATTR_GEN_AI_EVALUATION_EXPLANATION] = input.explanation;
  if (input.responseId) attributes[A.ATTR_GEN_AI_RESPONSE_ID] = input.responseId;
  if (input.conversationId) attributes[A.ATTR_GEN_AI_CONVERSATION_ID] = input.conversationId;

  const live = isSpan(input.span) && input.span.isRecording() ? input.span : undefined;
  if (live) live.addEvent(A.EVENT_GEN_AI_EVALUATION_RESULT, attributes);
  const parent = spanContextOf(input.span) ?? link?.spanContext;
  const ctx = parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : otelContext.active();
  const logsApi = loadLogsApi();
  logsApi?.logs.getLogger('aimeter', aimeterVersion()).emit({
    eventName: A.EVENT_GEN_AI_EVALUATION_RESULT,
    severityNumber: logsApi.SeverityNumber.INFO,
    attributes: attributes as import('@opentelemetry/api-logs').AnyValueMap,
    context: ctx,
  });
}

type LogsApi = Pick<typeof import('@opentelemetry/api-logs'), 'logs' | 'SeverityNumber'>;
let logsApiModule: LogsApi | null | undefined;
/**
 * The OTel Logs API, when installed (the app's LoggerProvider decides where events go). OTel JS
 * 3.x moved it into `@opentelemetry/api` (1.10+), where 3.x's LoggerProvider registers; 2.x has
 * the separate `@opentelemetry/api-logs`.
 */
function loadLogsApi(): LogsApi | undefined {
  if (logsApiModule === undefined) {
    const api = otelApi as unknown as Partial<LogsApi>;
    if (api.logs && api.SeverityNumber) logsApiModule = { logs: api.logs, SeverityNumber: api.SeverityNumber };
    else {
      try {
        logsApiModule = require('@opentelemetry/api-logs') as typeof import('@opentelemetry/api-logs');
      } catch {
        logsApiModule = null;
      }
    }
  }
  return logsApiModule ?? undefined;
}

function isSpan(value: unknown): value is Span {
  return typeof value === 'object' && value !== null && typeof (value as Span).spanContext === 'function';
}

function spanContextOf(value: Span | SpanContext | undefined): SpanContext | undefined {
  if (value === undefined || value === null) return undefined;
  if (isSpan(value)) return value.spanContext();
  return typeof (value as SpanContext).spanId === 'string' && typeof (value as SpanContext).traceId === 'string' ? (value as SpanContext) : undefined;
}
