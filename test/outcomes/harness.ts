/**
 * A tracer provider with aimeter's processor whose clock and prices the test controls: prices are
 * powers of two per token, so dollars add up exactly; spans are started and ended at given times.
 */
import { context, trace, type Attributes, type Context, type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { GenAiMetrics } from '../../src/metrics/genai-metrics';
import { GenAiMetricsProcessor } from '../../src/processor/genai-metrics-processor';
import type { OutcomeTrackerOptions } from '../../src/outcomes/tracker';
import type { ModelPrice } from '../../src/prices/types';
import { parseExposition, type Exposition } from '../helpers/exposition';

/** $1/1024 per input token, $1/512 per output token: 64 in + 32 out = $0.125 exactly. */
export const PRICE: ModelPrice = {
  provider: 'openai',
  model: 'gpt-test',
  inputPerToken: 1 / 1024,
  outputPerToken: 1 / 512,
  audioPerMinute: 0.5,
  perCharacter: 1 / 1024,
  source: 'test',
  date: '2026-01-01',
};

/** A moment to count from: ms since the epoch. */
export const T0 = 1_800_000_000_000;

export interface Harness {
  readonly processor: GenAiMetricsProcessor;
  readonly provider: NodeTracerProvider;
  /** The test's clock (ms since the epoch): endConversation, idleness and eviction read it. */
  clock: number;
  readonly lines: string[];
  scrape(): Exposition;
  /** A span from `startMs` to `endMs` under `parent` (default: the active context); `fn` runs inside it. */
  span(name: string, attributes: Attributes, startMs: number, endMs: number, fn?: (ctx: Context) => void, options?: { parent?: Context; error?: boolean; kind?: SpanKind }): Span;
  /** A priced chat call: 64 input and 32 output tokens = $0.125. */
  chat(startMs: number, endMs: number, extra?: Attributes, parent?: Context): Span;
  shutdown(): Promise<void>;
}

let contextManagerSet = false;

export function harness(options: { global?: boolean; outcomes?: Omit<OutcomeTrackerOptions, 'now'> } = {}): Harness {
  const metrics = new GenAiMetrics();
  // Assigned below; the tracker's callbacks read it only once calls are made.
  let h: Harness | undefined = undefined;
  const processor = new GenAiMetricsProcessor({
    metrics,
    prices: { lookup: (provider, model) => (provider === 'openai' && model === 'gpt-test' ? PRICE : undefined) },
    exemplars: false,
    outcomes: {
      idleTimer: false,
      printLine: (line) => h!.lines.push(line),
      config: { requestSummary: false, extraOutcomes: [], conversationIdleTimeoutSeconds: 1800, variant: '' },
      ...options.outcomes,
      now: () => h!.clock,
    },
  });
  const provider = new NodeTracerProvider({ spanProcessors: [processor] });
  if (options.global) {
    trace.disable();
    context.disable();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(provider);
  } else if (!contextManagerSet) {
    contextManagerSet = context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  }
  const tracer = provider.getTracer('outcomes-test');
  h = {
    processor,
    provider,
    clock: T0,
    lines: [],
    scrape: () => parseExposition(metrics.render()),
    span(name, attributes, startMs, endMs, fn, o = {}) {
      const parent = o.parent ?? context.active();
      const s = tracer.startSpan(name, { attributes, startTime: startMs, kind: o.kind ?? SpanKind.INTERNAL }, parent);
      const ctx = trace.setSpan(parent, s);
      if (fn) context.with(ctx, () => fn(ctx));
      if (o.error) s.setStatus({ code: SpanStatusCode.ERROR });
      s.end(endMs);
      return s;
    },
    chat(startMs, endMs, extra = {}, parent) {
      return h!.span(
        'chat gpt-test',
        {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-test',
          'gen_ai.usage.input_tokens': 64,
          'gen_ai.usage.output_tokens': 32,
          ...extra,
        },
        startMs,
        endMs,
        undefined,
        { parent },
      );
    },
    async shutdown() {
      await provider.shutdown();
      if (options.global) {
        trace.disable();
        context.disable();
      }
    },
  };
  return h;
}

/** An incoming HTTP request's server span, as instrumentation-http makes it. */
export function httpAttributes(route: string, status = 200, method = 'POST'): Attributes {
  return { 'http.request.method': method, 'http.route': route, 'http.response.status_code': status };
}
