/**
 * The tracing half of the SDK, lean: a NodeTracerProvider (AsyncLocalStorage context manager,
 * W3C trace-context and baggage propagators) with aimeter's sampler and span processors, and the
 * instrumentations bound to it. NodeSDK would also load every exporter, detector and the logs
 * SDK; aimeter needs none of that unless configured (docs/performance.md, start-up).
 */
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import type { Resource } from '@opentelemetry/resources';
import type { Sampler, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export interface TracingOptions {
  readonly resource: Resource;
  readonly sampler: Sampler;
  readonly spanProcessors: readonly SpanProcessor[];
  readonly instrumentations: readonly Instrumentation[];
}

export interface Tracing {
  shutdown(): Promise<void>;
}

export function startTracing(options: TracingOptions): Tracing {
  const provider = new NodeTracerProvider({
    resource: options.resource,
    sampler: options.sampler,
    spanProcessors: [...options.spanProcessors],
  });
  provider.register();
  const unregister = registerInstrumentations({ instrumentations: [...options.instrumentations], tracerProvider: provider });
  return {
    shutdown: async () => {
      unregister();
      await provider.shutdown();
    },
  };
}
