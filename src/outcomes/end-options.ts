/** Validation of endConversation's arguments, with messages that name the culprit. */
import { warnOnce } from '../internal/log';
import { checkConversationId } from './scope';
import type { EndConversationOptions } from './tracker';

/** The id when the arguments are usable; else undefined, after one warning. */
export function checkedEnd(id: unknown, options: EndConversationOptions | undefined): string | undefined {
  const checked = checkConversationId(id, 'endConversation');
  if (checked === undefined) return undefined;
  const problem = optionsProblem(options);
  if (problem === undefined) return checked;
  warnOnce(`endConversation:${problem.slice(0, 40)}`, `aimeter: endConversation(${JSON.stringify(checked.slice(0, 40))}): ${problem}; ignored.`);
  return undefined;
}

function optionsProblem(o: EndConversationOptions | undefined): string | undefined {
  if (typeof o !== 'object' || o === null) return 'the second argument must be an object such as { outcome: "resolved" }';
  if (typeof o.outcome !== 'string' || o.outcome === '') return 'outcome must be a non-empty string such as "resolved"';
  if (o.firstContact !== undefined && typeof o.firstContact !== 'boolean') return `firstContact must be true or false, got ${typeof o.firstContact}`;
  if (o.startedAt !== undefined) {
    const ms = o.startedAt instanceof Date ? o.startedAt.getTime() : o.startedAt;
    if (typeof ms !== 'number' || !Number.isFinite(ms)) return 'startedAt must be a Date or a number of milliseconds since the epoch';
  }
  if (o.turns !== undefined && !(Number.isInteger(o.turns) && o.turns >= 0 && o.turns <= 1_000_000)) return 'turns must be a whole number from 0 to 1000000';
  return undefined;
}

