/**
 * The one seam between the KPI events endpoint and the conversation outcome layer (issue 12,
 * src/outcomes/): a posted "conversation_outcome" event ends the conversation exactly as
 * `endConversation(id, { outcome, firstContact? })` does. The endpoint takes the function from
 * its options; by default it is looked up here, in `../outcomes`, when that module exists.
 */
export interface ConversationOutcome {
  readonly outcome: string;
  readonly firstContact?: boolean;
}

export type EndConversation = (conversationId: string, outcome: ConversationOutcome) => unknown;

let resolved: EndConversation | null | undefined;

/** `endConversation` of src/outcomes/, or undefined when this build has no outcome layer. */
export function defaultEndConversation(): EndConversation | undefined {
  if (resolved === undefined) {
    try {
      const outcomes = require('../outcomes') as { endConversation?: unknown };
      resolved = typeof outcomes.endConversation === 'function' ? (outcomes.endConversation as EndConversation) : null;
    } catch {
      resolved = null;
    }
  }
  return resolved ?? undefined;
}
