/**
 * Which exposition format a scrape gets, from its Accept header (HTTP content negotiation).
 *
 * Prometheus 2.x asks for `application/openmetrics-text;version=1.0.0,...;q=0.75,
 * text/plain;version=0.0.4;q=0.5,*\/*;q=0.1`: it prefers OpenMetrics, the only format in which
 * it reads exemplars. Anything that does not ask for OpenMetrics explicitly (curl, a browser, an
 * older scraper, no Accept at all) gets the Prometheus text format 0.0.4, the default: on equal
 * preference text wins, and `*\/*` alone never selects OpenMetrics.
 */
import type { ExpositionFormat } from '../metrics/openmetrics';

export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

export interface NegotiatedFormat {
  readonly format: ExpositionFormat;
  readonly contentType: string;
}

const TEXT: NegotiatedFormat = { format: 'text', contentType: TEXT_CONTENT_TYPE };
const OPENMETRICS: NegotiatedFormat = { format: 'openmetrics', contentType: OPENMETRICS_CONTENT_TYPE };

/** OpenMetrics versions whose wire format is the one we write (0.0.1 is 1.0.0's draft). */
const OPENMETRICS_VERSIONS = new Set(['1.0.0', '0.0.1']);

interface MediaRange {
  readonly type: string;
  readonly subtype: string;
  readonly params: ReadonlyMap<string, string>;
  readonly q: number;
}

/** `offered`: the formats the renderer can write (text always; OpenMetrics when it says so). */
export function negotiateFormat(accept: string | undefined, offered: readonly ExpositionFormat[] = ['text', 'openmetrics']): NegotiatedFormat {
  if (!accept || !offered.includes('openmetrics')) return TEXT;
  const ranges = parseAccept(accept);
  const openMetrics = quality(ranges, 'application', 'openmetrics-text', (r) => {
    const version = r.params.get('version');
    return version === undefined || OPENMETRICS_VERSIONS.has(version);
  });
  // text/plain of any version is served as 0.0.4: there is no other Prometheus text version.
  const text = quality(ranges, 'text', 'plain', () => true);
  return openMetrics > 0 && openMetrics > text ? OPENMETRICS : TEXT;
}

/**
 * The q a media type gets: that of the most specific range that matches it (type/subtype over
 * type/* over *\/*, RFC 9110 section 12.5.1); 0 when none does. A full-type range whose
 * parameters we cannot serve (an unknown OpenMetrics version) does not match.
 */
function quality(ranges: readonly MediaRange[], type: string, subtype: string, serves: (r: MediaRange) => boolean): number {
  let best = -1;
  let q = 0;
  for (const r of ranges) {
    const specificity = r.type === type && r.subtype === subtype ? 2 : r.type === type && r.subtype === '*' ? 1 : r.type === '*' ? 0 : -1;
    if (specificity < 0 || (specificity === 2 && !serves(r))) continue;
    if (specificity > best || (specificity === best && r.q > q)) {
      best = specificity;
      q = r.q;
    }
  }
  return q;
}

function parseAccept(accept: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of accept.split(',')) {
    const [mediaType = '', ...rawParams] = part.split(';').map((s) => s.trim().toLowerCase());
    const [type, subtype] = mediaType.split('/');
    if (!type || !subtype) continue;
    const params = new Map<string, string>();
    let q = 1;
    for (const p of rawParams) {
      const eq = p.indexOf('=');
      if (eq <= 0) continue;
      const name = p.slice(0, eq).trim();
      const value = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
      if (name === 'q') q = Number(value);
      else params.set(name, value);
    }
    ranges.push({ type, subtype, params, q: Number.isFinite(q) ? Math.min(Math.max(q, 0), 1) : 0 });
  }
  return ranges;
}
