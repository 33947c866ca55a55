/**
 * One client process of the overhead benchmark, in one mode:
 *   plain    the `openai` SDK, no instrumentation: only an AsyncLocalStorage context manager,
 *            which the request cases enter (as an HTTP server instrumentation would);
 *   contrib  `@opentelemetry/instrumentation-openai` with a NodeTracerProvider (one no-op span
 *            processor, AsyncLocalStorage context manager) and its metrics recorded by a
 *            MeterProvider whose reader is @opentelemetry/exporter-prometheus (on a loopback
 *            port of its own), as its users run it: the comparison users see (issue 15);
 *   aimeter  aimeter's start() as `aimeter/register` runs it (NodeSDK, the HTTP and provider-SDK
 *            instrumentations, GenAiMetricsProcessor with the bundled prices, streaming timings),
 *            without serving /metrics; its OpenAI instrumentation is an instance the bench holds
 *            (the built-in one is disabled by OTEL_NODE_DISABLED_INSTRUMENTATIONS), to switch it.
 * Diagnostic modes (not in the default run; `--modes=...`), to split aimeter's cost:
 *   aimeter-core   aimeter's OpenAI instrumentation + GenAiMetricsProcessor on a bare
 *                  NodeTracerProvider (no NodeSDK, no other instrumentations);
 *   aimeter-spans  the same without the processor (a no-op span processor instead);
 *   context-only   no spans at all: the AsyncLocalStorage context manager and one
 *                  `context.with()` around each call, i.e. what any OpenTelemetry tracing that
 *                  enters a context per call pays on Node 20 before doing anything of its own.
 *
 * Every instrumented mode can be switched off and on between blocks of calls: off, the
 * instrumentation is paused (its isEnabled() is false: the patched method calls the SDK's method
 * straight through) and the context manager's AsyncLocalStorage is disabled (its promise hooks
 * removed), so the process runs the plain SDK but for one pass-through call; in the request cases
 * the bench's request wrapper switches the hooks straight back on, as the application's server
 * instrumentation would, and only the instrumentation's own work differs. A batch is a run of
 * pairs of small blocks, one block on and one off in random order, and reports each block's CPU,
 * collection pauses and heap growth (estimate.ts turns them into the added CPU): the two sides
 * share the heap, the JIT state and, pair by pair, the host's load, which on this shared machine
 * swings by 20% from one second to the next. In the plain mode both sides are plain: the
 * difference between them is the noise floor of the method.
 *
 * The mode is set up BEFORE `openai` is loaded, as a preload would. Then the process waits for
 * batches from the parent: {scenario, concurrency, blockCalls, pairs, seed} -> the blocks, and the
 * CPU and wall figures of each side.
 *
 * Usage (forked by overhead/index.ts): node dist/bench/overhead/client.js MODE BASE_URL [loopback|in-process]
 * With AIMETER_BENCH_CPU_PROFILE=DIR every batch is CPU-profiled into DIR (open the
 * .cpuprofile files in Chrome DevTools), to see where a mode's time goes.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import * as path from 'node:path';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { context, createContextKey, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { OpenAIInstrumentation as ContribOpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OpenAIInstrumentation } from '../../instrumentations/openai';
import { GenAiMetricsProcessor } from '../../src/processor/genai-metrics-processor';
import { PriceBook } from '../../src/prices/price-book';
import { start } from '../../src/sdk/start';
import { percentile } from '../lib/stats';
import type { Block } from './estimate';
import { mulberry32 } from '../lib/random';

export type Mode = 'plain' | 'contrib' | 'aimeter' | 'aimeter-core' | 'aimeter-spans' | 'context-only';
export type Scenario = 'chat' | 'stream';
/** loopback: HTTP to the server process (the headline); in-process: canned answers (diagnostic). */
export type Transport = 'loopback' | 'in-process';

export interface BatchRequest {
  readonly scenario: Scenario;
  /**
   * false: the call is made outside any context (a script, a queue consumer).
   * true: inside a server request's context, as an HTTP server instrumentation leaves it, which
   * keeps AsyncLocalStorage's promise hooks on in both halves of the batch.
   */
  readonly inRequest: boolean;
  readonly concurrency: number;
  /** Calls per block; the mode is switched only between blocks, with no call in flight. */
  readonly blockCalls: number;
  /** Pairs of blocks in the batch: one block on and one off, in an order drawn at random. */
  readonly pairs: number;
  /** Seeds the draw, so that a run can be repeated. */
  readonly seed: number;
}

/** One side (instrumentation on, or off) of a batch, summed over its blocks. */
export interface SideResult {
  /** Client CPU (user + system) per call, microseconds. */
  readonly cpuUsPerCall: number;
  readonly callsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface BatchResult {
  readonly on: SideResult;
  readonly off: SideResult;
  /** Every block, in the order run, pair by pair. */
  readonly blocks: Block[];
}

class NoopSpanProcessor implements SpanProcessor {
  onStart(_span: Span): void {}
  onEnd(_span: ReadableSpan): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Turns a mode's instrumentation on and off between blocks of calls (see the header). */
interface Switch {
  set(on: boolean): void;
}

function contextManager(): AsyncLocalStorageContextManager {
  const manager = new AsyncLocalStorageContextManager();
  context.setGlobalContextManager(manager.enable());
  return manager;
}

/**
 * Off: the instrumentations paused and AsyncLocalStorage's promise hooks removed. Paused is what
 * InstrumentationBase#disable() leaves behind minus the unpatching: both instrumentations check
 * isEnabled() first and call the SDK's method straight through. Unpatching and re-patching the
 * SDK's prototypes between batches would make V8 throw away and re-optimise the SDK's code at
 * every switch, and charge that to the batch.
 */
function switchFor(instrumentations: ReadonlyArray<object>, manager: { enable(): unknown; disable(): unknown }): Switch {
  return {
    set(on) {
      for (const i of instrumentations) (i as { _enabled: boolean })._enabled = on;
      if (on) manager.enable();
      else manager.disable();
    },
  };
}

let enterContextPerCall = false;

function setUp(mode: Mode): Switch {
  if (mode === 'contrib') {
    const manager = contextManager();
    const provider = new NodeTracerProvider({ spanProcessors: [new NoopSpanProcessor()] });
    provider.register();
    const meterProvider = new MeterProvider({ readers: [new PrometheusExporter({ host: '127.0.0.1', port: 0 })] });
    const contrib = new ContribOpenAIInstrumentation();
    registerInstrumentations({ instrumentations: [contrib], tracerProvider: provider, meterProvider });
    return switchFor([contrib], manager);
  }
  if (mode === 'aimeter-core' || mode === 'aimeter-spans') {
    const manager = contextManager();
    const processor = mode === 'aimeter-core' ? new GenAiMetricsProcessor({ prices: PriceBook.load() }) : new NoopSpanProcessor();
    const provider = new NodeTracerProvider({ spanProcessors: [processor] });
    provider.register();
    const ours = new OpenAIInstrumentation();
    registerInstrumentations({ instrumentations: [ours], tracerProvider: provider });
    return switchFor([ours], manager);
  }
  if (mode === 'context-only') {
    const manager = contextManager();
    return {
      set(on) {
        enterContextPerCall = on;
        if (on) manager.enable();
        else manager.disable();
      },
    };
  }
  if (mode === 'aimeter') {
    const ours = new OpenAIInstrumentation();
    const aimeter = start({ env: { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'openai' }, serveMetrics: false, instrumentations: [ours] });
    if (!aimeter) throw new Error('aimeter did not start');
    // NodeSDK registered an AsyncLocalStorageContextManager; switched with the instrumentation.
    const manager = (context as unknown as { _getContextManager(): { enable(): unknown; disable(): unknown } })._getContextManager();
    return switchFor([ours], manager);
  }
  // plain: no instrumentation, only the context manager that an application's HTTP server
  // instrumentation would bring, for the request wrapper to enter.
  contextManager();
  return { set() {} };
}


/** A sampled remote parent, as an HTTP server instrumentation sets it from a traceparent header. */
const REQUEST_CONTEXT = trace.setSpanContext(ROOT_CONTEXT, {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
});

const MESSAGES = [{ role: 'user' as const, content: 'Say hello to the benchmark in a few words' }];

/**
 * The diagnostic in-process transport: the server's real answers to the two bench requests,
 * fetched once over loopback, then served from memory by a `fetch` given to the SDK. Every SDK
 * layer (request building, headers, Response parsing, SSE decoding) still runs; only the socket
 * and the kernel are gone, and with them most of the noise, so small differences show.
 */
async function cannedFetch(baseURL: string): Promise<typeof fetch> {
  const answer = async (body: object): Promise<{ text: string; type: string }> => {
    const response = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
      body: JSON.stringify(body),
    });
    return { text: await response.text(), type: response.headers.get('content-type') ?? 'application/json' };
  };
  const chat = await answer({ model: 'gpt-4o-mini', messages: MESSAGES });
  const stream = await answer({ model: 'gpt-4o-mini', messages: MESSAGES, stream: true, stream_options: { include_usage: true } });
  const streamEvents = stream.text.split(/(?<=\n\n)/); // one network chunk per SSE event, as the server writes them
  const encoder = new TextEncoder();
  return (async (_url: unknown, init?: { body?: unknown }) => {
    const streaming = typeof init?.body === 'string' && init.body.includes('"stream":true');
    if (!streaming) return new Response(chat.text, { status: 200, headers: { 'content-type': chat.type } });
    let i = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (i < streamEvents.length) controller.enqueue(encoder.encode(streamEvents[i++]!));
        else controller.close();
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': stream.type } });
  }) as typeof fetch;
}

async function main(): Promise<void> {
  const [mode, baseURL, transport = 'loopback'] = process.argv.slice(2) as [Mode, string, Transport?];
  const instrumentation = setUp(mode);
  // Loaded after the set-up, as under a preload, so that the require hooks patch it.
  const { OpenAI } = require('openai') as typeof import('openai');
  const fetchOption = transport === 'in-process' ? { fetch: await cannedFetch(baseURL) } : {};
  const client = new OpenAI({ apiKey: 'bench', baseURL, maxRetries: 0, ...fetchOption });
  const messages = MESSAGES;

  const CALL_KEY = createContextKey('bench call');
  const call = (scenario: Scenario, inRequest: boolean): Promise<void> => {
    if (inRequest) return context.with(REQUEST_CONTEXT, () => callSdk(scenario));
    if (enterContextPerCall) return context.with(context.active().setValue(CALL_KEY, scenario), () => callSdk(scenario));
    return callSdk(scenario);
  };
  const callSdk = async (scenario: Scenario): Promise<void> => {
    if (scenario === 'chat') {
      const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
      if (!completion.choices[0]?.message.content) throw new Error('empty completion');
      return;
    }
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let chunks = 0;
    for await (const _chunk of stream) chunks++;
    if (chunks < 3) throw new Error('short stream');
  };

  /** Runs `calls` calls, `concurrency` at a time, and waits for the last: a block. */
  const runBlock = async (scenario: Scenario, inRequest: boolean, calls: number, concurrency: number, latencies: number[]): Promise<void> => {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < calls) {
        next++;
        const t = performance.now();
        await call(scenario, inRequest);
        latencies.push(performance.now() - t);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, calls) }, worker));
  };

  // Where the collector paused: a block with a collection in it pays for garbage that earlier
  // blocks made.
  const gcPauses: PerformanceEntry[] = [];
  new PerformanceObserver((list) => gcPauses.push(...list.getEntries())).observe({ entryTypes: ['gc'] });

  const runBatch = async ({ scenario, inRequest, concurrency, blockCalls, pairs, seed }: BatchRequest): Promise<BatchResult> => {
    const sides = [true, false].map(() => ({ cpuUs: 0, ms: 0, calls: 0, latencies: [] as number[] }));
    const blocks: Array<Omit<Block, 'gcMs'> & { from: number; to: number }> = [];
    const random = mulberry32(seed);
    for (let p = 0; p < pairs; p++) {
      // Each pair runs its two blocks in an order drawn at random: adjacent blocks share the
      // machine's speed of the moment, and no periodic process (a collection every N calls, a
      // timer) can line up with one side.
      const onFirst = random() < 0.5;
      for (const on of [onFirst, !onFirst]) {
        instrumentation.set(on);
        const side = sides[on ? 0 : 1]!;
        const heapBefore = getHeapStatistics().used_heap_size;
        const from = performance.now();
        const cpu = process.cpuUsage();
        await runBlock(scenario, inRequest, blockCalls, concurrency, side.latencies);
        const delta = process.cpuUsage(cpu);
        const to = performance.now();
        const heapAfter = getHeapStatistics().used_heap_size;
        side.ms += to - from;
        const cpuUs = delta.user + delta.system;
        side.cpuUs += cpuUs;
        side.calls += blockCalls;
        blocks.push({ on, cpuUs: cpuUs / blockCalls, heapBytes: (heapAfter - heapBefore) / blockCalls, from, to });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 10)); // the observer's entries arrive asynchronously
    const pauses = gcPauses.splice(0);
    const [on, off] = sides.map(
      (s): SideResult => ({
        cpuUsPerCall: s.cpuUs / s.calls,
        callsPerSecond: s.calls / (s.ms / 1000),
        p50Ms: percentile(s.latencies, 50),
        p99Ms: percentile(s.latencies, 99),
      }),
    ) as [SideResult, SideResult];
    return {
      on,
      off,
      blocks: blocks.map(({ from, to, ...block }) => ({
        ...block,
        gcMs: pauses.filter((g) => g.startTime >= from && g.startTime < to).reduce((sum, g) => sum + g.duration, 0),
      })),
    };
  };

  const profileDir = process.env.AIMETER_BENCH_CPU_PROFILE;
  let batchNumber = 0;
  const profiled = async (request: BatchRequest): Promise<BatchResult> => {
    if (!profileDir) return runBatch(request);
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    const result = await runBatch(request);
    const { profile } = await session.post('Profiler.stop');
    const file = `${mode}-${request.scenario}${request.inRequest ? '-request' : ''}-c${request.concurrency}-${++batchNumber}.cpuprofile`;
    writeFileSync(path.join(profileDir, file), JSON.stringify(profile));
    session.disconnect();
    return result;
  };

  process.on('message', (request: BatchRequest) => {
    profiled(request).then(
      (result) => process.send!({ result }),
      (error: unknown) => process.send!({ error: String(error) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ ready: true });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.send?.({ error: String(error) });
    process.exit(1);
  });
}
