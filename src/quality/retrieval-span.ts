/**
 * traceRetrieval(): the semconv `retrieval` span around a RAG lookup (a vector store query,
 * a search call), so that retrieval latency (gen_ai_client_operation_duration_seconds with
 * gen_ai_operation_name="retrieval") and the documents returned sit beside the model calls, and
 * a RAG request's trace reads retrieval -> model. The query text and the documents ([{id,
 * score}]) are recorded only with content capture on; their count always is.
 */
import type { Attributes } from '@opentelemetry/api';
import { runtimeSettings } from '../config/runtime';
import { runTraced, type CallHandle } from '../api/call';
import type { TracedCall } from '../api/call';
import * as A from '../semconv/attributes';
import { Operation } from '../semconv/operations';
import type { RetrievedDocument } from './retrieval-metrics';

export interface RetrievalOptions {
  /** gen_ai.data_source.id: the store or index searched (also the span name's subject). */
  readonly dataSource: string;
  /** gen_ai.retrieval.top_k: how many documents were asked for. */
  readonly topK?: number;
  /** gen_ai.provider.name of a hosted store, when there is one. */
  readonly provider?: string;
  /** gen_ai.retrieval.query.text: recorded only with content capture on. */
  readonly query?: string;
  readonly attributes?: Attributes;
}

/** Handle of a traced retrieval. */
export interface RetrievalCall extends Pick<TracedCall, 'setAttributes' | 'span'> {
  /**
   * The documents returned, best first: their count always, their ids and scores
   * (gen_ai.retrieval.documents) only with content capture on. Defaults to fn's result when it
   * is an array of ids or {id, score}.
   */
  setDocuments(documents: readonly RetrievedDocument[]): void;
}

/** Traces one retrieval: `retrieval {dataSource}`. Returns and throws what `fn` does. */
export function traceRetrieval<T>(options: RetrievalOptions, fn: (call: RetrievalCall) => T): T {
  let explicit: readonly RetrievedDocument[] | undefined;
  return runTraced(
    () => {
      const attributes: Attributes = { ...options.attributes, [A.ATTR_GEN_AI_DATA_SOURCE_ID]: String(options.dataSource) };
      if (typeof options.topK === 'number' && Number.isInteger(options.topK)) attributes[A.ATTR_GEN_AI_RETRIEVAL_TOP_K] = options.topK;
      if (options.query !== undefined && runtimeSettings().captureMessageContent) attributes[A.ATTR_GEN_AI_RETRIEVAL_QUERY_TEXT] = String(options.query);
      return {
        start: { operation: Operation.Retrieval, provider: options.provider, attributes },
        countChunks: false,
        markStream: false,
        onResult: (call: CallHandle, result: unknown) => {
          const documents = explicit ?? (Array.isArray(result) && result.every(isDocument) ? (result as RetrievedDocument[]) : undefined);
          if (documents) setDocuments(call, documents);
        },
      };
    },
    (call) =>
      fn(
        Object.assign(Object.create(call) as CallHandle, {
          setDocuments(documents: readonly RetrievedDocument[]) {
            if (Array.isArray(documents)) explicit = documents;
          },
        }),
      ),
  );
}

function isDocument(d: unknown): boolean {
  return typeof d === 'string' || (typeof d === 'object' && d !== null && typeof (d as { id?: unknown }).id === 'string');
}

function setDocuments(call: CallHandle, documents: readonly RetrievedDocument[]): void {
  const span = call.genAi?.span;
  if (!span) return;
  span.setAttribute(A.ATTR_AIMETER_RETRIEVAL_DOCUMENTS_RETURNED, documents.length);
  if (runtimeSettings().captureMessageContent) {
    span.setAttribute(
      A.ATTR_GEN_AI_RETRIEVAL_DOCUMENTS,
      JSON.stringify(documents.map((d) => (typeof d === 'string' ? { id: d } : d.score === undefined ? { id: d.id } : { id: d.id, score: d.score }))),
    );
  }
}
