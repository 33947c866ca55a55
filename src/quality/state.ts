/**
 * Where the quality signals go: the metrics of the running aimeter (start()), else those of the
 * GenAiMetricsProcessor constructed last (an app that adds the processor to its own SDK), and
 * the one table of recent calls the processor feeds (call-links.ts). Kept on globalThis so that
 * two copies of aimeter loaded by one app (CJS and ESM) share it.
 */
import type { GenAiMetrics } from '../metrics/genai-metrics';
import { CallLinks } from './call-links';

interface QualityState {
  processorMetrics: GenAiMetrics | undefined;
  links: CallLinks;
}

const KEY = Symbol.for('aimeter.quality');
type GlobalWithState = typeof globalThis & { [KEY]?: QualityState };

function state(): QualityState {
  const g = globalThis as GlobalWithState;
  return (g[KEY] ??= { processorMetrics: undefined, links: new CallLinks() });
}

/** The metrics quality signals are recorded into; undefined when aimeter is not set up. */
export function qualityMetrics(): GenAiMetrics | undefined {
  const { current } = require('../sdk/start') as typeof import('../sdk/start');
  return current()?.metrics ?? state().processorMetrics;
}

/** Called by every GenAiMetricsProcessor: the last one constructed receives quality signals when start() did not run. */
export function attachProcessorMetrics(metrics: GenAiMetrics): void {
  state().processorMetrics = metrics;
}

export function callLinks(): CallLinks {
  return state().links;
}

/** Replaces the table of recent calls (tests: a small cap, a fake clock). */
export function setCallLinks(links: CallLinks): void {
  state().links = links;
}
