/**
 * The rule for label values that come from the application or from posted events (evaluation
 * names, score labels, cache names, techniques): short identifiers only, so free text (an
 * explanation, a user's comment, an id) can never become a series.
 */
import { printable } from '../internal/text';

/** A letter, then up to 63 letters, digits, `_`, `.`, `-`, `@`, `:`. */
export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.@:-]{0,63}$/;
/** Up to 32 letters, digits, `_`, `.`, `-` (pass, fail, up, down, not_relevant ...). */
export const SCORE_LABEL_PATTERN = /^[A-Za-z0-9_.-]{1,32}$/;

/** Why `value` is not a valid name for `field`, or undefined when it is. */
export function nameProblem(field: string, value: unknown, pattern = NAME_PATTERN): string | undefined {
  if (typeof value !== 'string') return `${field} must be a string, got ${value === null ? 'null' : typeof value}`;
  if (!pattern.test(value)) return `${field} ${printable(value, 40)} must match ${pattern.source} (a short identifier; free text never becomes a label)`;
  return undefined;
}
