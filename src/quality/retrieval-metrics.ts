/**
 * Retrieval quality of one query, from the ranked documents a retriever returned and the set
 * of documents that are relevant (judged by a person, a dataset or an LLM judge):
 *
 *   precision@k     = (relevant documents among the first k) / k
 *   recall@k        = (relevant documents among the first k) / (number of relevant documents)
 *   reciprocal rank = 1 / (rank of the first relevant document), 0 when none was retrieved;
 *                     its mean over queries is MRR (the dashboard averages the recorded values)
 *
 * Fewer than k retrieved documents count as non-relevant slots (precision@k divides by k).
 * A document listed twice counts once, at its first rank. recall@k and the reciprocal rank are
 * undefined (and not recorded) when no document is relevant.
 *
 * Ties: when the retrieved documents carry scores, they are ranked by score (highest first) and
 * documents with EQUAL scores share their ranks: every order of a tie group is equally likely,
 * and the metrics are their expected values over those orders (a tie group straddling the k cut
 * contributes its share of relevant documents per slot inside the cut). Without scores, the
 * order given is the ranking.
 */
import { warnOnce } from '../internal/log';
import { printable } from '../internal/text';
import { recordEvaluation, type EvaluationInput } from './evaluations';

export type RetrievedDocument = string | { readonly id: string; readonly score?: number };

interface Ranking {
  /** Groups of tied documents in rank order, each with how many of its documents are relevant. */
  readonly groups: readonly { readonly size: number; readonly relevant: number }[];
  readonly relevantTotal: number;
}

function rankingProblem(retrieved: unknown, relevant: unknown): string | undefined {
  if (!Array.isArray(retrieved)) return `retrieved must be an array of document ids or {id, score}, got ${typeof retrieved}`;
  if (!(Array.isArray(relevant) || relevant instanceof Set)) return `relevant must be an array or Set of document ids, got ${typeof relevant}`;
  let scored = 0;
  for (let i = 0; i < retrieved.length; i++) {
    const d = retrieved[i] as unknown;
    if (typeof d === 'string') continue;
    if (typeof d !== 'object' || d === null || typeof (d as { id?: unknown }).id !== 'string') return `retrieved[${i}] must be a string id or {id: string, score?: number}`;
    const score = (d as { score?: unknown }).score;
    if (score !== undefined) {
      if (typeof score !== 'number' || !Number.isFinite(score)) return `retrieved[${i}].score must be a finite number`;
      scored++;
    }
  }
  if (scored > 0 && scored < retrieved.length) return 'retrieved: either every document has a score or none has (scores decide the ranking and its ties)';
  for (const id of relevant as Iterable<unknown>) if (typeof id !== 'string') return `relevant holds a ${typeof id}, expected document id strings`;
  return undefined;
}

function kProblem(k: unknown): string | undefined {
  return typeof k === 'number' && Number.isInteger(k) && k >= 1 && k <= 1000 ? undefined : `k must be an integer from 1 to 1000, got ${printable(String(k), 20)}`;
}

function rank(retrieved: readonly RetrievedDocument[], relevant: Iterable<string>): Ranking {
  const relevantSet = new Set(relevant);
  const seen = new Set<string>();
  const docs: { id: string; score: number | undefined }[] = [];
  for (const d of retrieved) {
    const id = typeof d === 'string' ? d : d.id;
    if (seen.has(id)) continue;
    seen.add(id);
    docs.push({ id, score: typeof d === 'string' ? undefined : d.score });
  }
  const scored = docs.length > 0 && docs[0]!.score !== undefined;
  // Array.prototype.sort is stable: equal scores keep their given order (irrelevant: they tie).
  if (scored) docs.sort((a, b) => b.score! - a.score!);
  const groups: { size: number; relevant: number }[] = [];
  for (let i = 0; i < docs.length; i++) {
    const d = docs[i]!;
    const rel = relevantSet.has(d.id) ? 1 : 0;
    const last = groups[groups.length - 1];
    if (scored && i > 0 && docs[i - 1]!.score === d.score) {
      last!.size++;
      last!.relevant += rel;
    } else groups.push({ size: 1, relevant: rel });
  }
  return { groups, relevantTotal: relevantSet.size };
}

/** Expected relevant documents among the first k. */
function relevantInTopK(r: Ranking, k: number): number {
  let position = 0;
  let hits = 0;
  for (const g of r.groups) {
    if (position >= k) break;
    const inside = Math.min(g.size, k - position);
    hits += (inside * g.relevant) / g.size;
    position += g.size;
  }
  return hits;
}

function check(fn: string, retrieved: unknown, relevant: unknown, k?: unknown): boolean {
  const problem = rankingProblem(retrieved, relevant) ?? (k === undefined ? undefined : kProblem(k));
  if (problem) warnOnce(`quality-input:${fn}:${problem}`, `aimeter: ${fn}: ${problem}`);
  return problem === undefined;
}

/** precision@k (see the definitions above); undefined, with a warning naming the culprit, on bad input. */
export function precisionAtK(retrieved: readonly RetrievedDocument[], relevant: Iterable<string>, k: number): number | undefined {
  if (!check('precisionAtK', retrieved, relevant, k)) return undefined;
  return relevantInTopK(rank(retrieved, relevant), k) / k;
}

/** recall@k; undefined when no document is relevant, or on bad input. */
export function recallAtK(retrieved: readonly RetrievedDocument[], relevant: Iterable<string>, k: number): number | undefined {
  if (!check('recallAtK', retrieved, relevant, k)) return undefined;
  const r = rank(retrieved, relevant);
  return r.relevantTotal === 0 ? undefined : relevantInTopK(r, k) / r.relevantTotal;
}

/**
 * The reciprocal rank of the first relevant document; 0 when none was retrieved, undefined when
 * no document is relevant. With a tie group holding the first relevant documents (n documents, r
 * of them relevant, after s ranked documents), its expectation over the group's orders:
 * sum over j = 1 .. n - r + 1 of C(n - j, r - 1) / C(n, r) / (s + j).
 */
export function reciprocalRank(retrieved: readonly RetrievedDocument[], relevant: Iterable<string>): number | undefined {
  if (!check('reciprocalRank', retrieved, relevant)) return undefined;
  const r = rank(retrieved, relevant);
  if (r.relevantTotal === 0) return undefined;
  let before = 0;
  for (const g of r.groups) {
    if (g.relevant > 0) {
      let expected = 0;
      // P(first relevant at position j of the group) = C(n - j, r - 1) / C(n, r), as a running product.
      const n = g.size;
      const rel = g.relevant;
      let p = rel / n; // j = 1
      for (let j = 1; j <= n - rel + 1; j++) {
        expected += p / (before + j);
        // P(j+1) / P(j) = (n - j - r + 1) / (n - j)
        p = n - j > 0 ? (p * (n - j - rel + 1)) / (n - j) : 0;
      }
      return expected;
    }
    before += g.size;
  }
  return 0;
}

export interface RetrievalRelevanceInput extends Pick<EvaluationInput, 'conversationId' | 'responseId' | 'span'> {
  readonly retrieved: readonly RetrievedDocument[];
  readonly relevant: Iterable<string>;
  /** The cut-offs to record precision@k and recall@k at (default [1, 5, 10]). */
  readonly k?: readonly number[];
}

/**
 * Records one query's retrieval quality as evaluations: `precision_at_<k>` and `recall_at_<k>`
 * for every k, and `reciprocal_rank` (recall and reciprocal rank only when some document is
 * relevant). Returns the values recorded (name -> value), or undefined on bad input (nothing
 * recorded, a warning names the culprit). Never throws.
 */
export function recordRetrievalRelevance(input: RetrievalRelevanceInput): Record<string, number> | undefined {
  const problem = retrievalRelevanceProblem(input);
  if (problem) {
    warnOnce(`quality-input:retrieval:${problem}`, `aimeter: recordRetrievalRelevance ignored: ${problem}`);
    return undefined;
  }
  const values = retrievalRelevanceValues(input);
  const link = { conversationId: input.conversationId, responseId: input.responseId, span: input.span };
  for (const [name, score] of Object.entries(values)) recordEvaluation({ name, score, ...link });
  return values;
}

export function retrievalRelevanceProblem(input: RetrievalRelevanceInput): string | undefined {
  if (input === null || typeof input !== 'object') return 'expects an object {retrieved, relevant, k?}';
  const ks = input.k ?? [1, 5, 10];
  if (!Array.isArray(ks) || ks.length === 0 || ks.length > 10) return 'k must be a non-empty array of at most 10 cut-offs';
  return rankingProblem(input.retrieved, input.relevant) ?? ks.map(kProblem).find((p) => p !== undefined);
}

/** The values recordRetrievalRelevance records, for VALID input. */
export function retrievalRelevanceValues(input: RetrievalRelevanceInput): Record<string, number> {
  const relevant = [...input.relevant];
  const r = rank(input.retrieved, relevant);
  const out: Record<string, number> = {};
  for (const k of [...new Set(input.k ?? [1, 5, 10])]) {
    const hits = relevantInTopK(r, k);
    out[`precision_at_${k}`] = hits / k;
    if (r.relevantTotal > 0) out[`recall_at_${k}`] = hits / r.relevantTotal;
  }
  const rr = reciprocalRank(input.retrieved, relevant);
  if (rr !== undefined) out.reciprocal_rank = rr;
  return out;
}
