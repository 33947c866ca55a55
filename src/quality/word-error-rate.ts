/**
 * Word error rate: the word-level edit distance between a reference transcript and a
 * recogniser's hypothesis, over the number of reference words:
 *
 *   WER = (S + D + I) / N
 *
 * S substitutions, D deletions (reference words missing), I insertions (extra hypothesis words),
 * N reference words; the minimum S + D + I over all alignments (Levenshtein on words). WER can
 * exceed 1 when the hypothesis adds many words.
 *
 * Normalisation applied first (each part can be turned off): Unicode NFKC; lower case; every
 * punctuation or symbol character (Unicode P and S categories) replaced by a space, except an
 * apostrophe between two letters (don't stays one word); split on white space.
 */
import { warnOnce } from '../internal/log';

export interface WordErrorRateOptions {
  /** Compare case as written (default false: lower-cased first). */
  readonly caseSensitive?: boolean;
  /** Keep punctuation and symbols as parts of words (default false: removed). */
  readonly keepPunctuation?: boolean;
}

export interface WordErrors {
  readonly substitutions: number;
  readonly deletions: number;
  readonly insertions: number;
  /** N: words in the normalised reference. */
  readonly referenceWords: number;
  /** (S + D + I) / N; 0 when both are empty; undefined when only the reference is empty (division by zero). */
  readonly wer: number | undefined;
}

/** The words compared, after the normalisation described above. */
export function normaliseWords(text: string, options: WordErrorRateOptions = {}): string[] {
  let t = text.normalize('NFKC');
  if (!options.caseSensitive) t = t.toLowerCase();
  if (!options.keepPunctuation) t = t.replace(/(?<=\p{L})['’](?=\p{L})/gu, '\u0000').replace(/[\p{P}\p{S}]/gu, ' ').replace(/\u0000/g, "'");
  return t.split(/\s+/u).filter((w) => w.length > 0);
}

/** Substitutions, deletions and insertions of the best alignment, and the WER. */
export function wordErrors(reference: string, hypothesis: string, options: WordErrorRateOptions = {}): WordErrors {
  const ref = normaliseWords(reference, options);
  const hyp = normaliseWords(hypothesis, options);
  // dp over the hypothesis, one row per reference word; each cell keeps its (S, D, I) so the
  // split is reported, with ties broken towards substitutions (the usual convention).
  type Cell = { cost: number; s: number; d: number; i: number };
  let prev: Cell[] = Array.from({ length: hyp.length + 1 }, (_, j) => ({ cost: j, s: 0, d: 0, i: j }));
  for (let r = 1; r <= ref.length; r++) {
    const row: Cell[] = [{ cost: r, s: 0, d: r, i: 0 }];
    for (let h = 1; h <= hyp.length; h++) {
      const same = ref[r - 1] === hyp[h - 1];
      const diag = prev[h - 1]!;
      const sub = { cost: diag.cost + (same ? 0 : 1), s: diag.s + (same ? 0 : 1), d: diag.d, i: diag.i };
      const up = prev[h]!;
      const del = { cost: up.cost + 1, s: up.s, d: up.d + 1, i: up.i };
      const left = row[h - 1]!;
      const ins = { cost: left.cost + 1, s: left.s, d: left.d, i: left.i + 1 };
      row.push(sub.cost <= del.cost && sub.cost <= ins.cost ? sub : del.cost <= ins.cost ? del : ins);
    }
    prev = row;
  }
  const last = prev[hyp.length]!;
  const wer = ref.length === 0 ? (hyp.length === 0 ? 0 : undefined) : last.cost / ref.length;
  return { substitutions: last.s, deletions: last.d, insertions: last.i, referenceWords: ref.length, wer };
}

/**
 * WER of `hypothesis` against `reference` (see the definition above). Returns undefined, with a
 * warning naming the culprit, when an argument is not a string or the reference has no words
 * but the hypothesis has some. Never throws.
 */
export function wordErrorRate(reference: string, hypothesis: string, options: WordErrorRateOptions = {}): number | undefined {
  if (typeof reference !== 'string' || typeof hypothesis !== 'string') {
    warnOnce('quality-input:wer-type', `aimeter: wordErrorRate needs two strings, got reference: ${typeof reference}, hypothesis: ${typeof hypothesis}`);
    return undefined;
  }
  const result = wordErrors(reference, hypothesis, options ?? {});
  if (result.wer === undefined) warnOnce('quality-input:wer-empty', 'aimeter: wordErrorRate: the reference has no words, so WER is undefined (division by zero)');
  return result.wer;
}
