/**
 * The full /metrics text: aimeter's GenAI families, then the Node process and runtime metrics
 * from prom-client's default collectors (in a registry of our own, so an app that uses
 * prom-client's global registry is not disturbed), then any registries the user adds.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { GenAiMetrics } from '../metrics/genai-metrics';

export interface ExpositionOptions {
  /** Include prom-client's default process/runtime metrics (default true). */
  readonly processMetrics?: boolean;
  /** Further prom-client registries to append (e.g. the app's own). */
  readonly registries?: readonly Registry[];
}

export function createExposition(metrics: GenAiMetrics, options: ExpositionOptions = {}): () => Promise<string> {
  const registries: Registry[] = [];
  if (options.processMetrics ?? true) {
    const runtime = new Registry();
    collectDefaultMetrics({ register: runtime });
    registries.push(runtime);
  }
  registries.push(...(options.registries ?? []));
  return async () => {
    let text = metrics.render();
    for (const registry of registries) text += await registry.metrics();
    return text;
  };
}
