/**
 * Shared set-up for the OpenAI instrumentation tests: telemetry with the instrumentation(s), the
 * fake OpenAI server, and the `openai` module loaded AFTER the instrumentation was enabled.
 */
import path from 'node:path';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { OpenAIInstrumentation as ContribOpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { setupTelemetry, type TestTelemetry } from '../helpers/telemetry';
import { startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions } from '../../examples/fake-provider/openai';
import { OpenAIInstrumentation } from '../../instrumentations/openai';
import { setRuntimeSettings } from '../../src/config/runtime';
import { PriceBook } from '../../src/prices/price-book';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const V4_FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'openai-v4');

export interface Harness {
  readonly telemetry: TestTelemetry;
  readonly ours: OpenAIInstrumentation | undefined;
  readonly contrib: ContribOpenAIInstrumentation | undefined;
  readonly fake: FakeOpenAI;
  /** The `openai` module (main devDependency, or the v4 fixture). */
  readonly mod: any;
  client(options?: Record<string, unknown>): any;
  /** Finished spans carrying gen_ai.operation.name. */
  genAiSpans(): ReadableSpan[];
  reset(): void;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Which instrumentations, in registration order (later ones wrap the earlier ones). */
  readonly instrumentations?: ReadonlyArray<'ours' | 'contrib'>;
  readonly fake?: FakeOpenAIOptions;
  /** Load openai from this fixture directory instead of the main devDependency. */
  readonly fixture?: string;
  readonly captureContent?: boolean;
  readonly openaiStreamUsage?: boolean;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  setRuntimeSettings({ captureMessageContent: options.captureContent ?? false, openaiStreamUsage: options.openaiStreamUsage ?? false });
  const order = options.instrumentations ?? ['ours'];
  let ours: OpenAIInstrumentation | undefined;
  let contrib: ContribOpenAIInstrumentation | undefined;
  const list: Instrumentation[] = order.map((which) => {
    if (which === 'ours') return (ours = new OpenAIInstrumentation());
    return (contrib = new ContribOpenAIInstrumentation());
  });
  const telemetry = setupTelemetry({ instrumentations: list, prices: PriceBook.load() });
  const fake = await startFakeOpenAI({ chunkDelayMs: 3, ...options.fake });
  const mod = options.fixture ? require(require.resolve('openai', { paths: [options.fixture] })) : require('openai');
  return {
    telemetry,
    ours,
    contrib,
    fake,
    mod,
    client: (clientOptions = {}) => new mod.OpenAI({ apiKey: 'sk-test', baseURL: fake.url, maxRetries: 0, ...clientOptions }),
    genAiSpans: () => telemetry.exporter.getFinishedSpans().filter((s) => s.attributes['gen_ai.operation.name'] !== undefined),
    reset: () => telemetry.exporter.reset(),
    async close() {
      await fake.close();
      await telemetry.shutdown();
    },
  };
}

/** Waits until `n` GenAI spans have ended (spans end asynchronously after the caller's await). */
export async function waitForSpans(h: Harness, n: number, timeoutMs = 2000): Promise<ReadableSpan[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const spans = h.genAiSpans();
    if (spans.length >= n || Date.now() > deadline) return spans;
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function rate(provider: string, model: string): { input: number; output: number; cacheRead: number } {
  const price = PriceBook.load().lookup(provider, model);
  if (!price) throw new Error(`no price for ${provider}/${model}`);
  return { input: price.inputPerToken ?? 0, output: price.outputPerToken ?? 0, cacheRead: price.cacheReadPerToken ?? price.inputPerToken ?? 0 };
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iterable) out.push(x);
  return out;
}

/** What a caller sees of an error: class, status, message, code, type. */
export function errorShape(error: unknown): Record<string, unknown> {
  const e = error as Record<string, unknown> & { constructor: { name: string } };
  return { class: e?.constructor?.name, status: e?.status, message: e?.message, code: e?.code, type: e?.type, name: e?.name };
}

export async function settle<T>(fn: () => Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await fn() };
  } catch (error) {
    return { error };
  }
}
