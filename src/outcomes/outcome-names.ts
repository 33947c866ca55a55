/**
 * The outcomes a conversation or an agent run may end with: an allow-list, because the outcome
 * is a metric label. The built-in words, plus those configured with AIMETER_OUTCOMES; anything
 * else is recorded as `_OTHER` (and warned about once), so that counts stay complete.
 */
import { warnOnce } from '../internal/log';
import { safeText } from '../internal/text';

/** Conversation outcomes (endConversation). */
export const CONVERSATION_OUTCOMES = ['resolved', 'escalated', 'abandoned', 'unresolved'] as const;
/** What a conversation that went quiet for AIMETER_CONVERSATION_IDLE_TIMEOUT ends with. */
export const IDLE_OUTCOME = 'idle';
/** Agent-run and task outcomes (setOutcome), beside the conversation ones. */
export const RUN_OUTCOMES = ['success', 'failure', 'partial'] as const;
/** An outcome outside the allow-list. */
export const OTHER_OUTCOME = '_OTHER';

export class OutcomeNames {
  private readonly allowed: ReadonlySet<string>;

  constructor(extra: readonly string[] = []) {
    this.allowed = new Set<string>([...CONVERSATION_OUTCOMES, IDLE_OUTCOME, ...RUN_OUTCOMES, ...extra]);
  }

  /** The label value for `value`: itself when allowed, else _OTHER (warned once per value kind). */
  label(value: unknown, where: string): string {
    if (typeof value === 'string' && this.allowed.has(value)) return value;
    warnOnce(
      `outcome:${where}:${typeof value === 'string' ? value.slice(0, 64) : typeof value}`,
      `aimeter: ${where}: outcome ${typeof value === 'string' ? safeText(value, 64) : `of type ${typeof value}`} is not one of ${[...this.allowed].join(', ')}; recorded as ${OTHER_OUTCOME}. Add your own outcomes with AIMETER_OUTCOMES (docs/outcomes.md).`,
    );
    return OTHER_OUTCOME;
  }

  list(): string[] {
    return [...this.allowed];
  }
}
