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
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { GenAiMetrics } from '../metrics/genai-metrics';
import { type ExpositionFormat, OPENMETRICS_EOF } from '../metrics/openmetrics';
import { promClientTextToOpenMetrics } from './prom-client-openmetrics';

export interface ExpositionOptions {
  /** Include prom-client's default process/runtime metrics (default true). */
  readonly processMetrics?: boolean;
  /** Further prom-client registries to append (e.g. the app's own). */
  readonly registries?: readonly Registry[];
}

/** The exposition text at once; `chunks()` yields the same text piece by piece. */
export interface Exposition {
  (format?: ExpositionFormat): Promise<string>;
  chunks(format?: ExpositionFormat): AsyncIterable<string>;
  /** The prom-client registries appended after aimeter's families (runtime metrics first). */
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
  const registries: Registry[] = [];
  if (options.processMetrics ?? true) {
    const runtime = new Registry();
    collectDefaultMetrics({ register: runtime });
    registries.push(runtime);
  }
  registries.push(...(options.registries ?? []));

  async function* chunks(format: ExpositionFormat = 'text'): AsyncGenerator<string> {
    let piece = '';
    let sliceStart = performance.now();
    for (const part of metrics.renderParts(format)) {
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
    for (const registry of registries) {
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
  return Object.assign(text, { chunks, registries, formats: FORMATS });
}
