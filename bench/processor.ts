/**
 * Target 2 -- processor cost: CPU per GenAI span for deriving all its metrics.
 *
 * Side by side, in one process, rounds interleaved:
 *   - a bare OTel span (start + end, no processor): the yardstick;
 *   - a streaming chat span as aimeter's instrumentations write it (usage with cache and
 *     reasoning tokens, response model and id, time to first chunk, chunk count), no processor;
 *   - the derive step alone, called on a pool of ended chat spans:
 *       aimeter's GenAiMetricsProcessor with the bundled prices (every metric: duration,
 *       token histograms and counters, cost, cost histogram, cache savings, TTFC, time per chunk),
 *       a processor recording 3 histograms through the OTel SDK MeterProvider,
 *       a processor recording 3 prom-client histograms;
 *   - aimeter end to end: the chat span with GenAiMetricsProcessor on the provider, minus the
 *     same span without it (a sanity check of the direct measurement).
 *
 * Usage: node dist/bench/processor.js [--quick]
 */
import { SpanKind, type Attributes, type Histogram as OtelHistogram } from '@opentelemetry/api';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Histogram as PromHistogram, Registry } from 'prom-client';
import { DURATION_BUCKETS, TOKEN_BUCKETS } from '../src/metrics/catalog';
import { GenAiMetricsProcessor } from '../src/processor/genai-metrics-processor';
import { PriceBook } from '../src/prices/price-book';
import * as A from '../src/semconv/attributes';
import { GenAiSpan } from '../src/tracing/genai-span';
import { cpuPerOp, median, runPart } from './lib/stats';

const MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'gpt-4.1'] as const;
const POOL = 1024;

export interface ProcessorResult {
  readonly iterations: number;
  readonly rounds: number;
  /** Median CPU microseconds per span (or per derive call). */
  readonly bareSpanUs: number;
  readonly chatSpanUs: number;
  readonly aimeterDeriveUs: number;
  readonly otelDeriveUs: number;
  readonly promDeriveUs: number;
  readonly aimeterEndToEndDeltaUs: number;
  /** Records aimeter makes per chat span (histogram observations + counter adds). */
  readonly aimeterRecordsPerSpan: number;
}

/** A MetricReader that never exports: the SDK still aggregates into its storage. */
class IdleReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Derives 3 histogram records (duration, input and output tokens) through the OTel SDK. */
class OtelHistogramProcessor implements SpanProcessor {
  private readonly duration: OtelHistogram;
  private readonly tokens: OtelHistogram;

  constructor(provider: MeterProvider) {
    const meter = provider.getMeter('bench');
    this.duration = meter.createHistogram('gen_ai.client.operation.duration', {
      unit: 's',
      advice: { explicitBucketBoundaries: [...DURATION_BUCKETS] },
    });
    this.tokens = meter.createHistogram('gen_ai.client.token.usage', {
      unit: '{token}',
      advice: { explicitBucketBoundaries: [...TOKEN_BUCKETS] },
    });
  }

  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    const a = span.attributes;
    const attrs: Attributes = {
      [A.ATTR_GEN_AI_OPERATION_NAME]: a[A.ATTR_GEN_AI_OPERATION_NAME],
      [A.ATTR_GEN_AI_PROVIDER_NAME]: a[A.ATTR_GEN_AI_PROVIDER_NAME],
      [A.ATTR_GEN_AI_REQUEST_MODEL]: a[A.ATTR_GEN_AI_REQUEST_MODEL],
      [A.ATTR_GEN_AI_RESPONSE_MODEL]: a[A.ATTR_GEN_AI_RESPONSE_MODEL],
    };
    this.duration.record(span.duration[0] + span.duration[1] / 1e9, attrs);
    this.tokens.record(a[A.ATTR_GEN_AI_USAGE_INPUT_TOKENS] as number, { ...attrs, [A.ATTR_GEN_AI_TOKEN_TYPE]: 'input' });
    this.tokens.record(a[A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] as number, { ...attrs, [A.ATTR_GEN_AI_TOKEN_TYPE]: 'output' });
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The same 3 records through prom-client histograms. */
class PromHistogramProcessor implements SpanProcessor {
  private readonly duration: PromHistogram;
  private readonly tokens: PromHistogram;

  constructor(registry: Registry) {
    const labels = ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_response_model'];
    this.duration = new PromHistogram({
      name: 'gen_ai_client_operation_duration_seconds',
      help: 'duration',
      labelNames: labels,
      buckets: [...DURATION_BUCKETS],
      registers: [registry],
    });
    this.tokens = new PromHistogram({
      name: 'gen_ai_client_token_usage',
      help: 'tokens',
      labelNames: [...labels, 'gen_ai_token_type'],
      buckets: [...TOKEN_BUCKETS],
      registers: [registry],
    });
  }

  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    const a = span.attributes;
    const labels = {
      gen_ai_operation_name: a[A.ATTR_GEN_AI_OPERATION_NAME] as string,
      gen_ai_provider_name: a[A.ATTR_GEN_AI_PROVIDER_NAME] as string,
      gen_ai_request_model: a[A.ATTR_GEN_AI_REQUEST_MODEL] as string,
      gen_ai_response_model: a[A.ATTR_GEN_AI_RESPONSE_MODEL] as string,
    };
    this.duration.observe(labels, span.duration[0] + span.duration[1] / 1e9);
    this.tokens.observe({ ...labels, gen_ai_token_type: 'input' }, a[A.ATTR_GEN_AI_USAGE_INPUT_TOKENS] as number);
    this.tokens.observe({ ...labels, gen_ai_token_type: 'output' }, a[A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] as number);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** A streaming chat call as the instrumentations record it. */
function chatSpan(provider: BasicTracerProvider, i: number): GenAiSpan {
  const model = MODELS[i & 3]!;
  const handle = GenAiSpan.start(provider.getTracer('bench'), {
    operation: 'chat',
    provider: 'openai',
    requestModel: model,
    serverAddress: 'api.openai.com',
    serverPort: 443,
    stream: true,
    attributes: { [A.ATTR_GEN_AI_REQUEST_MAX_TOKENS]: 512, [A.ATTR_GEN_AI_REQUEST_TEMPERATURE]: 0.2 },
  });
  for (let c = 0; c < 20; c++) handle.chunk();
  handle.setUsage({ inputTokens: 1200 + (i & 7), outputTokens: 350, cacheReadTokens: 1024, reasoningTokens: 64 });
  handle.setResponse({ model: `${model}-2024-07-18`, id: 'chatcmpl-abc123', finishReasons: ['stop'] });
  handle.end();
  return handle;
}

async function main(): Promise<ProcessorResult> {
  const quick = process.argv.includes('--quick');
  const iterations = quick ? 20_000 : 100_000;
  const rounds = quick ? 3 : 7;
  const prices = PriceBook.load();

  const bareProvider = new BasicTracerProvider();
  const bareTracer = bareProvider.getTracer('bench');

  // A pool of ended chat spans (real SDK spans) for the direct derive measurements.
  const pool: ReadableSpan[] = [];
  const capture: SpanProcessor = {
    onStart() {},
    onEnd(span) {
      pool.push(span);
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  const poolProvider = new BasicTracerProvider({ spanProcessors: [capture] });
  for (let i = 0; i < POOL; i++) chatSpan(poolProvider, i);

  const aimeter = new GenAiMetricsProcessor({ prices });
  const meterProvider = new MeterProvider({ readers: [new IdleReader()] });
  const otel = new OtelHistogramProcessor(meterProvider);
  const prom = new PromHistogramProcessor(new Registry());

  const plainChatProvider = new BasicTracerProvider();
  const aimeterChatProvider = new BasicTracerProvider({ spanProcessors: [new GenAiMetricsProcessor({ prices })] });

  const derive = (processor: SpanProcessor | GenAiMetricsProcessor) => (i: number) => {
    const span = pool[i & (POOL - 1)]!;
    processor.onStart(span as never, undefined as never);
    processor.onEnd(span);
  };

  const variants: Record<string, (i: number) => void> = {
    bare: () => bareTracer.startSpan('bare', { kind: SpanKind.CLIENT }).end(),
    chat: (i) => chatSpan(plainChatProvider, i),
    chatWithAimeter: (i) => chatSpan(aimeterChatProvider, i),
    aimeterDerive: derive(aimeter),
    otelDerive: derive(otel),
    promDerive: derive(prom),
  };
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(variants)) samples[name]!.push(cpuPerOp(iterations, fn));
  }

  // Count what one chat span records: in a fresh store each record of one span lands in a series
  // of its own, so the series held afterwards are the records.
  const counter = new GenAiMetricsProcessor({ prices });
  derive(counter)(0);
  const records = [...counter.metrics.seriesCounts().values()].reduce((sum, n) => sum + n, 0);

  const chatUs = median(samples.chat!);
  return {
    iterations,
    rounds,
    bareSpanUs: median(samples.bare!),
    chatSpanUs: chatUs,
    aimeterDeriveUs: median(samples.aimeterDerive!),
    otelDeriveUs: median(samples.otelDerive!),
    promDeriveUs: median(samples.promDerive!),
    aimeterEndToEndDeltaUs: median(samples.chatWithAimeter!.map((v, r) => v - samples.chat![r]!)),
    aimeterRecordsPerSpan: records,
  };
}

if (require.main === module) runPart(main);
