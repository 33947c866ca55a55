/**
 * aimeter's public API. Most apps need none of it: `node --require aimeter/register app.js`
 * (or `--import` for ESM) does everything. Use this module to start in code, to add the
 * metrics processor to your own OpenTelemetry SDK, or to trace calls no SDK patch covers.
 */
export { start, current, shutdown, type Aimeter, type StartOptions } from './sdk/start';
export { GenAiMetricsProcessor, type GenAiMetricsProcessorOptions, type PriceLookup } from './processor/genai-metrics-processor';
export { GenAiMetrics, type GenAiMetricsOptions } from './metrics/genai-metrics';
export { METRICS, type MetricDefinition } from './metrics/catalog';
export { prometheusName } from './metrics/prometheus-names';
export { PriceBook } from './prices/price-book';
export { computeCost } from './prices/cost';
export type { ModelPrice, Usage, CostBreakdown } from './prices/types';
export { createExposition, type ExpositionOptions } from './server/exposition';
export { startMetricsServer, type MetricsServer, type MetricsServerOptions } from './server/metrics-server';
export { GenAiRecordingSampler } from './sdk/sampler';
export { GenAiSpan, type GenAiSpanStart, type TokenUsage, type ResponseInfo } from './tracing/genai-span';
export { Operation, type OperationName } from './semconv/operations';
export { Provider } from './semconv/providers';
export * from './api/index';
export * from './quality/index';
