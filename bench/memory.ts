/**
 * Target 4 -- memory under hostile label values: one million GenAI spans whose model, agent and
 * tool names are attacker-chosen (100,000 distinct values each, some long, some with quotes,
 * backslashes and newlines), through real OTel SDK spans and aimeter's processor with the bundled
 * prices and the default series cap. Heap is measured after forced GC before and after.
 *
 * Each group of four spans is an agent run (invoke_agent) holding a chat call and a tool call
 * (execute_tool) that itself makes a streaming chat call, so agent, tool and model labels all vary.
 *
 * Usage: node --expose-gc dist/bench/memory.js [--quick]
 */
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { setWarningSink } from '../src/internal/log';
import { GenAiMetrics } from '../src/metrics/genai-metrics';
import { GenAiMetricsProcessor } from '../src/processor/genai-metrics-processor';
import { PriceBook } from '../src/prices/price-book';
import { Operation } from '../src/semconv/operations';
import { GenAiSpan } from '../src/tracing/genai-span';
import { runPart } from './lib/stats';

export interface MemoryResult {
  readonly spans: number;
  readonly distinctValues: number;
  readonly heapBeforeMB: number;
  readonly heapAfterMB: number;
  readonly heapGrowthMB: number;
  readonly seriesCap: number;
  /** Largest series count of any family (the overflow series included). */
  readonly maxSeriesInAFamily: number;
  readonly familiesAtCap: number;
  /** Sum of aimeter_series_overflow_total over all metrics, as /metrics shows it. */
  readonly overflowRecords: number;
  readonly seconds: number;
  readonly warningsPrinted: number;
}

const DISTINCT = 100_000;

/**
 * An attacker-chosen name: mostly short; every 7th longer than the 128-character label limit,
 * every 101st 4 KB long (a clipped label must not keep the whole value alive); every 13th with
 * quotes, backslashes and newlines to escape.
 */
function hostile(kind: string, n: number): string {
  if (n % 101 === 0) return `${kind}-${'z'.repeat(4096)}-${n}`;
  if (n % 13 === 0) return `${kind}"${n}\\\n}`;
  if (n % 7 === 0) return `${kind}-${'x'.repeat(150)}-${n}`;
  return `${kind}-${n.toString(36)}-${(n * 2654435761) % 1e9}`;
}

/** A cheap deterministic sequence over [0, DISTINCT). */
function pick(i: number, salt: number): number {
  return (Math.imul(i + salt, 2654435761) >>> 0) % DISTINCT;
}

/** Sum of aimeter_series_overflow_total samples in an exposition text. */
function overflowFromExposition(text: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith('aimeter_series_overflow_total{'))
    .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** Heap in use plus ArrayBuffer backing stores (typed arrays live outside the JS heap), after GC. */
function gcHeapMB(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i++) gc();
  const usage = process.memoryUsage();
  return (usage.heapUsed + usage.arrayBuffers) / 1024 / 1024;
}

function agentRun(provider: BasicTracerProvider, i: number, names: (kind: string, n: number) => string): void {
  const tracer = provider.getTracer('bench');
  const agent = GenAiSpan.start(tracer, { operation: Operation.InvokeAgent, agentName: names('agent', pick(i, 1)) });
  const chat = GenAiSpan.start(tracer, {
    operation: Operation.Chat,
    provider: 'openai',
    requestModel: names('model', pick(i, 2)),
    parent: agent.context,
  });
  chat.setUsage({ inputTokens: 900, outputTokens: 120 });
  chat.setResponse({ model: names('model', pick(i, 3)) });
  chat.end();
  const tool = GenAiSpan.start(tracer, { operation: Operation.ExecuteTool, toolName: names('tool', pick(i, 4)), parent: agent.context });
  const inner = GenAiSpan.start(tracer, {
    operation: Operation.Chat,
    provider: 'openai',
    requestModel: names('model', pick(i, 5)),
    stream: true,
    parent: tool.context,
  });
  for (let c = 0; c < 3; c++) inner.chunk();
  inner.setUsage({ inputTokens: 300, outputTokens: 40, cacheReadTokens: 128 });
  inner.end();
  tool.end();
  agent.end();
}

async function main(): Promise<MemoryResult> {
  const spans = process.argv.includes('--quick') ? 200_000 : 1_000_000;
  let warningsPrinted = 0;
  setWarningSink(() => warningsPrinted++);

  const metrics = new GenAiMetrics();
  const processor = new GenAiMetricsProcessor({ metrics, prices: PriceBook.load() });
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });

  // Warm up with a handful of benign names, so that code and one-off structures exist before the
  // baseline is taken.
  for (let i = 0; i < 2000; i++) agentRun(provider, i, (kind, n) => `${kind}-${n % 3}`);
  metrics.render();
  const heapBefore = gcHeapMB();

  const started = performance.now();
  for (let i = 0; i < spans / 4; i++) agentRun(provider, i, hostile);
  const seconds = (performance.now() - started) / 1000;
  const heapAfter = gcHeapMB();

  const counts = [...metrics.seriesCounts().values()];
  const overflowRecords = overflowFromExposition(metrics.render());

  return {
    spans,
    distinctValues: DISTINCT,
    heapBeforeMB: heapBefore,
    heapAfterMB: heapAfter,
    heapGrowthMB: heapAfter - heapBefore,
    seriesCap: metrics.maxSeriesPerMetric,
    maxSeriesInAFamily: Math.max(...counts),
    familiesAtCap: counts.filter((n) => n >= metrics.maxSeriesPerMetric).length,
    overflowRecords,
    seconds,
    warningsPrinted,
  };
}

if (require.main === module) runPart(main);
