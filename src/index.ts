/**
 * aimeter's public API: the whole surface, recorded in etc/aimeter.api.md (api-extractor; `npm
 * test` fails when this surface changes and the report was not updated: `npm run api`). Most
 * apps need none of it: `node --require aimeter/register app.js` (or `--import` for ESM) does
 * everything. Use this module to start and stop in code, to add the metrics processor to your
 * own OpenTelemetry SDK, to price calls, or to trace calls no SDK patch covers (docs/manual-api.md).
 * Everything else under src/ is internal and may change in any release.
 */

// Start and stop (what the preload does).
export { start, current, shutdown, type Aimeter, type StartOptions } from './sdk/start';

// The processor for an OpenTelemetry SDK you set up yourself, and the text of its /metrics.
export { GenAiMetricsProcessor, type GenAiMetricsProcessorOptions, type PriceLookup } from './processor/genai-metrics-processor';
export type { GenAiMetrics } from './metrics/genai-metrics';
export { createExposition, type ExpositionOptions } from './server/exposition';

// Prices and cost.
export { PriceBook } from './prices/price-book';
export { computeCost } from './prices/cost';
export type { ModelPrice, Usage, CostBreakdown } from './prices/types';

// The manual API and decorators.
export * from './api/index';
export {
  endConversation,
  withConversation,
  withVariant,
  traceTurn,
  onRequestEnd,
  summaryLine,
  OutcomeTracker,
  CONVERSATION_OUTCOMES,
  RUN_OUTCOMES,
  IDLE_OUTCOME,
  type Turn,
  type TurnOptions,
  type RequestSummary,
  type RequestPart,
  type RequestListener,
  type OutcomeTrackerOptions,
  type EndConversationOptions,
} from './outcomes/index';
export * from './quality/index';
