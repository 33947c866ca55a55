/**
 * An in-process OpenTelemetry setup for tests: a tracer provider with aimeter's metrics
 * processor and an in-memory span exporter, plus the instrumentations under test.
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { GenAiMetrics } from '../../src/metrics/genai-metrics';
import { GenAiMetricsProcessor, type PriceLookup } from '../../src/processor/genai-metrics-processor';
import { PriceBook } from '../../src/prices/price-book';
import { parseExposition, type Exposition } from './exposition';

export interface TestTelemetry {
  readonly exporter: InMemorySpanExporter;
  readonly processor: GenAiMetricsProcessor;
  readonly provider: NodeTracerProvider;
  /** Parsed /metrics text of the processor's store. */
  scrape(): Exposition;
  shutdown(): Promise<void>;
}

export function setupTelemetry(
  options: { instrumentations?: Instrumentation[]; prices?: PriceLookup; maxSeriesPerMetric?: number } = {},
): TestTelemetry {
  const exporter = new InMemorySpanExporter();
  const processor = new GenAiMetricsProcessor({
    metrics: new GenAiMetrics({ maxSeriesPerMetric: options.maxSeriesPerMetric }),
    prices: options.prices ?? PriceBook.load(),
  });
  const provider = new NodeTracerProvider({
    spanProcessors: [processor, new SimpleSpanProcessor(exporter)],
  });
  trace.disable();
  context.disable();
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
  const unregister = registerInstrumentations({ instrumentations: options.instrumentations ?? [], tracerProvider: provider });
  return {
    exporter,
    processor,
    provider,
    scrape: () => parseExposition(processor.metrics.render()),
    async shutdown() {
      unregister();
      await provider.shutdown();
      trace.disable();
      context.disable();
    },
  };
}
