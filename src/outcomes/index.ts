/** The outcome layer: requests, conversations, voice turns, agent runs and variants. See docs/outcomes.md. */
export { endConversation } from './api';
export { withConversation, withVariant } from './scope';
export { traceTurn, type Turn, type TurnOptions } from './turn-api';
export { onRequestEnd, summaryLine, type RequestSummary, type RequestPart, type RequestListener } from './request-summary';
export { OutcomeTracker, type OutcomeTrackerOptions, type EndConversationOptions } from './tracker';
export { CONVERSATION_OUTCOMES, RUN_OUTCOMES, IDLE_OUTCOME } from './outcome-names';
