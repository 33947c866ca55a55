/**
 * The demo's quality signals, so that every panel of aimeter / Quality has data: users' thumbs
 * and CSAT posted to the KPI events endpoint over HTTP (as a web front end would), evaluations
 * of answers, retrieval relevance of the handbook lookup, word error rate and MOS of voice turns,
 * semantic-cache lookups, prompt compression and the odd conversion. The scores are random
 * draws: the demo has no users.
 */
import {
  recordCacheLookup,
  recordConversion,
  recordEvaluation,
  recordPromptCompression,
  recordRetrievalRelevance,
  traceRetrieval,
  wordErrorRate,
} from 'aimeter';

/** The demo's own token for its KPI events endpoint (loopback only). */
export const DEMO_EVENTS_TOKEN = 'demo-events-token-not-a-secret';

const DOCS = ['returns', 'shipping', 'warranty', 'payment', 'sizes', 'contact', 'stores', 'gift-cards', 'exchanges', 'tracking', 'invoices', 'privacy'];
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

export class DemoQuality {
  private turns = 0;
  private lookups = 0;

  constructor(private readonly eventsUrl: string) {}

  /** The handbook lookup of a text turn: a `retrieval` span, then its relevance judged. */
  async retrieve(): Promise<void> {
    const ranked = [...DOCS].sort(() => Math.random() - 0.5).slice(0, 10);
    await traceRetrieval({ dataSource: 'shop-handbook', topK: 10 }, async () => {
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 10));
      return ranked.map((id, i) => ({ id, score: 1 - i / 10 }));
    });
    recordRetrievalRelevance({ retrieved: ranked, relevant: [pick(DOCS), pick(DOCS)], k: [1, 5, 10] });
    // A semantic cache in front of the model, hit every third lookup (not at random: a short run
    // of the demo must still show a hit's saved tokens).
    const hit = ++this.lookups % 3 === 0;
    recordCacheLookup({ cache: 'semantic', hit, ...(hit && { savedTokens: 900, savedUsd: 0.0004 }) });
    recordPromptCompression({ technique: 'truncate', tokensBefore: 2400, tokensAfter: 1500 + Math.floor(Math.random() * 300) });
  }

  /** After a text turn: an automated judge in process, the user's feedback over HTTP. */
  async afterTextTurn(responseId: string): Promise<void> {
    this.turns++;
    recordEvaluation({ name: 'relevance', score: 0.6 + Math.random() * 0.4, responseId });
    recordEvaluation({ name: 'groundedness', score: 0.7 + Math.random() * 0.3, label: Math.random() < 0.9 ? 'pass' : 'fail', responseId });
    const events: unknown[] = [
      { type: 'feedback', name: 'thumbs', label: Math.random() < 0.8 ? 'up' : 'down', responseId, id: `thumbs-${responseId}` },
      { type: 'feedback', name: 'csat', score: pick([3, 4, 4, 5, 5]), responseId },
      { type: 'cache_lookup', cache: 'response', hit: Math.random() < 0.2 },
    ];
    if (this.turns % 4 === 0) events.push({ type: 'conversion', name: 'purchase', value: 20 + Math.round(Math.random() * 80), currency: 'EUR', responseId });
    await this.post({ events });
    // The same thumbs again (a double click): counted once, as a duplicate.
    if (this.turns % 3 === 0) await this.post(events[0]);
    // Now and then a front end sends a name nobody allowed: rejected, nothing recorded.
    if (this.turns % 5 === 0) await this.post({ type: 'feedback', name: 'stars', score: 5 });
    // Conversions recorded in process too.
    if (this.turns % 6 === 0) recordConversion({ name: 'signup', responseId });
  }

  /** After a voice turn: the transcript against what was said, and a listener's rating of the voice. */
  afterVoiceTurn(heard: string): void {
    const said = `${heard}`.split(' ').map((w) => (Math.random() < 0.08 ? 'uh' : w)).join(' ');
    const wer = wordErrorRate(said, heard);
    if (wer !== undefined) recordEvaluation({ name: 'wer', score: wer });
    recordEvaluation({ name: 'mos', score: Math.round((3.5 + Math.random() * 1.5) * 10) / 10 });
  }

  private async post(body: unknown): Promise<void> {
    await fetch(this.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_EVENTS_TOKEN}` },
      body: JSON.stringify(body),
    }).catch(() => undefined);
  }
}
