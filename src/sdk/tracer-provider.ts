/**
 * The tracing half of the SDK, lean: a TracerProvider with aimeter's sampler and span processors,
 * registered with the AsyncLocalStorage context manager and the W3C trace-context and baggage
 * propagators, and the instrumentations bound to it. NodeSDK would also load every exporter,
 * detector and the logs SDK; aimeter needs none of that unless configured (docs/performance.md,
 * start-up).
 *
 * Why `@opentelemetry/sdk-trace` and not `sdk-trace-node`: OTel JS 3.x has no sdk-trace-node (nor
 * sdk-trace-base); sdk-trace, with the same exports, exists in 2.12+ and 3.x, so this file runs on
 * either line (the compatibility matrix, test/compat/). What NodeTracerProvider.register() did
 * is the three calls below.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import type { Resource } from '@opentelemetry/resources';
import type { SpanLimitsConfig } from '../config/env';
import type { Sampler, SpanProcessor } from '@opentelemetry/sdk-trace';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { PooledIdGenerator } from './id-generator';

export interface TracingOptions {
  readonly resource: Resource;
  readonly sampler: Sampler;
  /** From OTEL_SPAN_* (config/env.ts): sdk-trace reads no environment variable itself. */
  readonly spanLimits: SpanLimitsConfig;
  readonly spanProcessors: readonly SpanProcessor[];
  readonly instrumentations: readonly Instrumentation[];
}

export interface Tracing {
  shutdown(): Promise<void>;
}

export function startTracing(options: TracingOptions): Tracing {
  const provider = new TracerProvider({
    resource: options.resource,
    sampler: options.sampler,
    spanLimits: { ...options.spanLimits },
    spanProcessors: [...options.spanProcessors],
    idGenerator: new PooledIdGenerator(),
  });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  const unregister = registerInstrumentations({ instrumentations: [...options.instrumentations], tracerProvider: provider });
  return {
    shutdown: async () => {
      unregister();
      await provider.shutdown();
    },
  };
}
