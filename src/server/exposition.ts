/**
 * The full /metrics text: aimeter's GenAI families, then the Node process and runtime metrics
 * from prom-client's default collectors (in a registry of our own, so an app that uses
 * prom-client's global registry is not disturbed), then any registries the user adds.
 *
 * With thousands of histogram series the text runs to megabytes. Built as one string, it would
 * block the event loop for the whole scrape (and the final flattening of a multi-megabyte rope
 * costs more than rendering it), so `chunks()` produces it in pieces of about 64 KB and hands the
 * event loop back every few milliseconds; the metrics server writes the pieces as they come.
 *
 * Both formats come from here: Prometheus text 0.0.4 (the default) and OpenMetrics 1.0.0 (with
 * exemplars, when the scraper asks for it: see openmetrics.ts).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
// Types only: prom-client is loaded at the first scrape (it loads node:http for its Pushgateway,
// which a preload must not load before the instrumentations' hooks are in place).
import type { Registry } from 'prom-client';
import type { GenAiMetrics } from '../metrics/genai-metrics';
import { type ExpositionFormat, OPENMETRICS_EOF } from '../metrics/openmetrics';
import type { RenderSource } from '../processes/merge';
import { promClientTextToOpenMetrics } from './prom-client-openmetrics';

export interface ExpositionOptions {
  /** Include prom-client's default process/runtime metrics (default true). */
  readonly processMetrics?: boolean;
  /** Further prom-client registries to append (e.g. the app's own). */
  readonly registries?: readonly Registry[];
  /**
   * What each scrape renders in place of `metrics` (a cluster primary's store with its workers'
   * series summed in: processes/cluster.ts).
   */
  readonly source?: () => Promise<RenderSource>;
}

/** The exposition text at once; `chunks()` yields the same text piece by piece. */
export interface Exposition {
  (format?: ExpositionFormat): Promise<string>;
  chunks(format?: ExpositionFormat): AsyncIterable<string>;
  /** The prom-client registries appended after aimeter's families (runtime metrics first); loads prom-client. */
  readonly registries: readonly Registry[];
  /** Both formats are written (see server/metrics-server.ts). */
  readonly formats: readonly ExpositionFormat[];
}

const FORMATS: readonly ExpositionFormat[] = ['text', 'openmetrics'];

/** Characters per written piece. */
const CHUNK_CHARS = 64 * 1024;
/** Longest run of rendering before the event loop gets a turn. */
const SLICE_MS = 5;

export function createExposition(metrics: GenAiMetrics, options: ExpositionOptions = {}): Exposition {
  // The process registry is made at the first scrape, not at start-up (prom-client is about 40
  // modules): the process figures are read at scrape time anyway; only the GC and event-loop-lag
  // histograms start counting at the first scrape instead of at start.
  let registries: Registry[] | undefined;
  const allRegistries = (): Registry[] => {
    if (registries) return registries;
    registries = [];
    if (options.processMetrics ?? true) {
      const promClient = require('prom-client') as typeof import('prom-client');
      const runtime = new promClient.Registry();
      promClient.collectDefaultMetrics({ register: runtime });
      registries.push(runtime);
    }
    registries.push(...(options.registries ?? []));
    return registries;
  };

  async function* chunks(format: ExpositionFormat = 'text'): AsyncGenerator<string> {
    let piece = '';
    let sliceStart = performance.now();
    const source = options.source ? await options.source() : metrics;
    for (const part of source.renderParts(format)) {
      piece += part;
      if (piece.length < CHUNK_CHARS) continue;
      yield piece;
      piece = '';
      if (performance.now() - sliceStart > SLICE_MS) {
        await nextTurn();
        sliceStart = performance.now();
      }
    }
    if (piece !== '') yield piece;
    for (const registry of allRegistries()) {
      const text = await registry.metrics();
      yield format === 'openmetrics' ? promClientTextToOpenMetrics(text) : text;
    }
    if (format === 'openmetrics') yield OPENMETRICS_EOF;
  }

  const text = async (format: ExpositionFormat = 'text'): Promise<string> => {
    let out = '';
    for await (const chunk of chunks(format)) out += chunk;
    return out;
  };
  // `registries` is read when asked (the OTLP bridge reads it), so prom-client still loads late.
  return Object.defineProperties(text, {
    chunks: { value: chunks, enumerable: true },
    formats: { value: FORMATS, enumerable: true },
    registries: { get: allRegistries, enumerable: true },
  }) as unknown as Exposition;
}
