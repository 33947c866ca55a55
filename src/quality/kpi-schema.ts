/**
 * The schema of the KPI events endpoint (docs/quality.md "The KPI events endpoint"): one event,
 * an array of events, or `{ "events": [...] }`. Each event is one of five types, told apart by
 * `type`; names that become labels are checked against allow-lists (an unknown name is a
 * problem, never a new series). Built per endpoint, since the allow-lists are its options.
 */
import { z } from 'zod';
import { safeText } from '../internal/text';
import { cacheLookupProblems } from './caches';
import { conversionProblems, CURRENCY_PATTERN } from './conversions';
import { retrievalRelevanceProblem } from './retrieval-metrics';

export const EVENT_TYPES = ['evaluation', 'feedback', 'conversation_outcome', 'retrieval_relevance', 'cache_lookup', 'conversion'] as const;
export type KpiEventType = (typeof EVENT_TYPES)[number];

export interface KpiAllowLists {
  readonly evaluations: readonly string[];
  readonly scoreLabels: readonly string[];
  readonly caches: readonly string[];
  readonly conversions: readonly string[];
  readonly outcomes: readonly string[];
  /** Cut-offs retrieval_relevance events may ask for. */
  readonly retrievalK: readonly number[];
}

export const DEFAULT_ALLOW_LISTS: KpiAllowLists = {
  evaluations: ['csat', 'thumbs', 'nps', 'relevance', 'groundedness', 'faithfulness', 'helpfulness', 'correctness', 'toxicity', 'wer', 'mos'],
  scoreLabels: ['up', 'down', 'pass', 'fail', 'relevant', 'not_relevant', 'positive', 'negative', 'neutral', 'good', 'bad', 'correct', 'incorrect'],
  caches: ['semantic', 'response', 'embedding'],
  conversions: ['purchase', 'signup', 'subscription', 'upgrade', 'refund', 'lead'],
  outcomes: ['resolved', 'escalated', 'abandoned', 'unresolved'],
  retrievalK: [1, 3, 5, 10, 20],
};

const MAX_ID = 256;
const MAX_DOCUMENTS = 1000;

function oneOf(list: readonly string[], what: string) {
  const allowed = new Set(list);
  // The message names the allow-list, never the value that was sent.
  return z.string().refine((v) => allowed.has(v), { message: `not an allowed ${what} (allowed: ${list.join(', ') || 'none configured'})` });
}

export function kpiEventSchema(allow: KpiAllowLists, conversationOutcomes: boolean) {
  const id = z.string().min(1).max(128).optional();
  const link = {
    conversationId: z.string().min(1).max(MAX_ID).optional(),
    responseId: z.string().min(1).max(MAX_ID).optional(),
  };
  const kAllowed = new Set(allow.retrievalK);
  const evaluation = (type: 'evaluation' | 'feedback') =>
    z.strictObject({
      type: z.literal(type),
      id,
      name: oneOf(allow.evaluations, 'evaluation name'),
      score: z.number().finite().optional(),
      label: oneOf(allow.scoreLabels, 'score label').optional(),
      explanation: z.string().max(2000).optional(),
      ...link,
    });
  const document = z.union([z.string().min(1).max(MAX_ID), z.strictObject({ id: z.string().min(1).max(MAX_ID), score: z.number().finite().optional() })]);
  return z.discriminatedUnion('type', [
    evaluation('evaluation'),
    evaluation('feedback'),
    z.strictObject({
      type: z.literal('conversation_outcome'),
      id,
      conversationId: z.string().min(1).max(MAX_ID).refine(() => conversationOutcomes, {
        message: 'conversation outcomes are not available here: no endConversation is configured',
      }),
      outcome: oneOf(allow.outcomes, 'outcome'),
      firstContact: z.boolean().optional(),
    }),
    z.strictObject({
      type: z.literal('retrieval_relevance'),
      id,
      retrieved: z.array(document).max(MAX_DOCUMENTS),
      relevant: z.array(z.string().min(1).max(MAX_ID)).max(MAX_DOCUMENTS),
      k: z
        .array(z.number().int().refine((k) => kAllowed.has(k), { message: `not an allowed cut-off (allowed: ${allow.retrievalK.join(', ')})` }))
        .min(1)
        .max(10)
        .optional(),
      ...link,
    }),
    z.strictObject({
      type: z.literal('cache_lookup'),
      id,
      cache: oneOf(allow.caches, 'cache name'),
      hit: z.boolean(),
      savedTokens: z.number().finite().nonnegative().optional(),
      savedUsd: z.number().finite().nonnegative().optional(),
    }),
    z.strictObject({
      type: z.literal('conversion'),
      id,
      name: oneOf(allow.conversions, 'conversion name'),
      value: z.number().finite().nonnegative().optional(),
      currency: z.string().regex(CURRENCY_PATTERN, 'must be an ISO 4217 code of three capital letters').optional(),
      ...link,
    }),
  ]);
}

export type KpiEvent = z.infer<ReturnType<typeof kpiEventSchema>>;

export interface Problem {
  /** Where, e.g. `events[2].score` (`` for the body itself). */
  readonly path: string;
  readonly reason: string;
}

/** A path such as `events[2].retrieved[0].id`; keys sent by the client are made safe (clipped, no controls). */
export function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else {
      const key = safeText(String(part), 40);
      out += out === '' ? key : /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

function reasonOf(issue: z.core.$ZodIssue): string {
  // Zod's own message for unknown keys quotes them: the keys are listed, made safe, instead.
  if (issue.code === 'unrecognized_keys') return `unknown field(s): ${issue.keys.map((k) => safeText(k, 40)).join(', ')}`;
  if (issue.code === 'invalid_union' && (issue as { discriminator?: string }).discriminator) return `type must be one of: ${EVENT_TYPES.join(', ')}`;
  return issue.message;
}

/** The events of one body, or the problems of every invalid one (then nothing may be recorded). */
export function validateEvents(
  events: readonly unknown[],
  prefix: (index: number) => string,
  schema: ReturnType<typeof kpiEventSchema>,
): { events: KpiEvent[]; problems: Problem[] } {
  const out: KpiEvent[] = [];
  const problems: Problem[] = [];
  events.forEach((raw, index) => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ path: formatPath(prefix(index), issue.path), reason: reasonOf(issue) });
      return;
    }
    const event = parsed.data;
    // The rules that tie fields together, shared with the in-process API.
    const domain =
      event.type === 'evaluation' || event.type === 'feedback'
        ? event.score === undefined && event.label === undefined
          ? ['an evaluation needs a score, a label or both']
          : []
        : event.type === 'retrieval_relevance'
          ? [retrievalRelevanceProblem(event)].filter((p): p is string => p !== undefined)
          : event.type === 'cache_lookup'
            ? cacheLookupProblems(event)
            : event.type === 'conversion'
              ? conversionProblems(event)
              : [];
    for (const reason of domain) problems.push({ path: prefix(index) || '(event)', reason });
    if (domain.length === 0) out.push(event);
  });
  return { events: out, problems };
}
