/** Quality signals: evaluations and feedback, retrieval quality, caches, conversions, the KPI events endpoint (docs/quality.md). */
export { recordEvaluation, type EvaluationInput } from './evaluations';
export { wordErrorRate, wordErrors, normaliseWords, type WordErrorRateOptions, type WordErrors } from './word-error-rate';
export {
  precisionAtK,
  recallAtK,
  reciprocalRank,
  recordRetrievalRelevance,
  type RetrievedDocument,
  type RetrievalRelevanceInput,
} from './retrieval-metrics';
export { traceRetrieval, type RetrievalOptions, type RetrievalCall } from './retrieval-span';
export { recordCacheLookup, recordPromptCompression, type CacheLookupInput, type PromptCompressionInput } from './caches';
export { recordConversion, type ConversionInput } from './conversions';
export { createKpiEventsHandler, KPI_EVENTS_PATH, type KpiEventsOptions, type KpiEventsHandler } from './kpi-events';
export { kpiEventsRouter, type KpiEventsRouterOptions } from './kpi-router';
export { DEFAULT_ALLOW_LISTS, type KpiAllowLists } from './kpi-schema';
export type { EndConversation, ConversationOutcome } from './conversation-outcome';
export { CallLinks, type CallLinksOptions } from './call-links';
