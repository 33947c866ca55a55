/**
 * The quantities both editions of the GenAI conventions record under different names
 * (docs/conventions.md), as catalog keys: the v1.41 family first, then the newest conventions'
 * families that take it over. The Prometheus rules (prometheus/src/slo.ts) and the dashboards
 * (grafana/src/names.ts) read a quantity from all of its families, per series from the first that
 * has it, so that they work with either naming and never add a call twice under `/dup` (where both
 * exist with the same labels).
 */
import { Operation } from '../semconv/operations';
import { METRICS, type MetricKey } from './catalog';

export const EDITIONS = {
  /**
   * Calls and their durations: v1.41 has one histogram for every operation; the newest
   * conventions one per kind of operation (speech and workflows stay on operation.duration).
   * All have the same buckets, so a latency objective is a boundary of each.
   */
  callDuration: ['operationDuration', 'inferenceDuration', 'embeddingsDuration', 'invokeAgentDuration', 'executeToolDuration'],
  /** Streamed model calls (v1.41 also holds text-to-speech's first audio byte: see firstAudio). */
  timeToFirstChunk: ['timeToFirstChunk', 'inferenceTimeToFirstChunk'],
  /** v1.41: one mean per streaming call; newest: one observation per chunk after the first. */
  timePerOutputChunk: ['timePerOutputChunk', 'inferenceTimePerOutputChunk'],
  /** Input tokens per call: v1.41's gen_ai_client_token_usage{gen_ai_token_type="input"}. */
  inputTokensPerCall: ['tokenUsage', 'inferenceInputTokens'],
} as const satisfies Record<string, readonly MetricKey[]>;

/**
 * Time to first chunk as the rules and the command line read it (text-to-speech's first audio
 * byte included): aimeter's own first-audio metric first (emitted in every mode; the one to move
 * to), then the v1.41 family (which also holds the first audio byte, for one more release), then
 * the newest conventions' (streaming inference only).
 */
export const FIRST_CHUNK_OR_AUDIO = ['textToSpeechTimeToFirstAudio', ...EDITIONS.timeToFirstChunk] as const satisfies readonly MetricKey[];

const INFERENCE = [Operation.Chat, Operation.TextCompletion, Operation.GenerateContent];

/**
 * The only operations a newest-conventions family holds (as the processor records them: its
 * LATEST_DURATIONS and isInference), so that a query about other operations can leave it out.
 * A family not listed here may hold any operation.
 */
export const OPERATIONS_OF: Partial<Record<MetricKey, readonly string[]>> = {
  inferenceDuration: INFERENCE,
  embeddingsDuration: [Operation.Embeddings],
  invokeAgentDuration: [Operation.InvokeAgent],
  executeToolDuration: [Operation.ExecuteTool],
  inferenceTimeToFirstChunk: INFERENCE,
  inferenceTimePerOutputChunk: INFERENCE,
  textToSpeechTimeToFirstAudio: [Operation.TextToSpeech],
};

/**
 * Newest-conventions families that nothing reads in place of a v1.41 family: the usage counters
 * (aimeter_tokens_total, emitted in every mode, is what the rules and dashboards count tokens
 * with; the counters' per-kind totals equal it) and the output-token histogram (no panel has a
 * per-call output-token figure).
 */
export const NOT_READ_ACROSS_EDITIONS: readonly MetricKey[] = [
  'inferenceUsageInput',
  'inferenceUsageOutput',
  'inferenceUsageCacheRead',
  'inferenceUsageCacheWrite',
  'inferenceUsageReasoning',
  'inferenceOutputTokens',
];

/** Every catalog family only one edition emits is either in EDITIONS or said to be unread. */
export function unaccountedEditionFamilies(): MetricKey[] {
  const listed = new Set<MetricKey>([...Object.values(EDITIONS).flat(), ...NOT_READ_ACROSS_EDITIONS]);
  return (Object.keys(METRICS) as MetricKey[]).filter((k) => 'conventions' in METRICS[k] && !listed.has(k));
}
