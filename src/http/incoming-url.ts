/**
 * The path and query of an incoming request as instrumentation-http reads them for the SERVER
 * span (`url.path`, `url.query`), without the WHATWG URL parser when that parser would hand the
 * request's own text back unchanged.
 *
 * instrumentation-http's getInfoFromIncomingMessage parses every request URL with
 * `new URL(request.url, 'http://' + host)` and keeps only `pathname` and `search`: about 10 us of
 * the 270 us aimeter adds to a request (a CPU profile of bench/requests). scripts/bundle.js calls
 * this first in aimeter's bundled copy of that function; undefined sends it on to the parser. The
 * answer is given only where the parser's answer is known to be the same text:
 * - an origin-form URL (`/path?query`, not `//host`, `*` or `http://...`) with no fragment;
 * - path characters the parser neither percent-encodes nor rewrites (no `\`, no `.` or `..`
 *   segments, no `%2e`), query characters it leaves as they are;
 * - a Host header the parser accepts: it throws on a bad one, and instrumentation-http then
 *   records no `url.path` at all. A plain host name (no `xn--` label, last label not numeric)
 *   or a dotted IPv4 address, and a port up to 65535; anything else goes to the parser.
 */

/** unreserved, sub-delims, `:`, `@`, `/` and `%` (not `%2e`): kept as they are in a path. */
const PLAIN_PATH = /^\/(?!\/)[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;
/** A `.` or `..` segment (removed by the parser), or a percent-encoded dot (read as one). */
const DOT_SEGMENT = /\/\.\.?(?:\/|$)|%2e/i;
/** Kept as they are in a query (the special-scheme query set encodes `'`, `"`, `<`, `>`, space). */
const PLAIN_QUERY = /^[A-Za-z0-9\-._~!$&()*+,;=:@/?%]*$/;
const HOST = /^([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)(?::([0-9]{0,5}))?$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;
const NUMERIC_LABEL = /(?:^|\.)(?:[0-9]+|0[xX][0-9A-Fa-f]*)$/;
const PUNYCODE_LABEL = /(?:^|\.)xn--/i;

export interface PathAndSearch {
  readonly pathname: string;
  readonly search: string;
}

/**
 * `{ pathname, search }` as `new URL(url, 'http://' + host)` would give them, or undefined when
 * the parser must decide. `host` is the request's Host header (absent: the parser's base is
 * `localhost`, always valid).
 */
export function plainIncomingUrl(url: unknown, host: unknown): PathAndSearch | undefined {
  if (typeof url !== 'string') return undefined;
  if (host !== undefined && host !== '' && !plainHost(host)) return undefined;
  const q = url.indexOf('?');
  const pathname = q === -1 ? url : url.slice(0, q);
  if (!PLAIN_PATH.test(pathname) || DOT_SEGMENT.test(pathname)) return undefined;
  if (q === -1) return { pathname, search: '' };
  const query = url.slice(q + 1);
  if (!PLAIN_QUERY.test(query)) return undefined;
  return { pathname, search: query === '' ? '' : `?${query}` };
}

/** The last Host header checked: a server sees the same one request after request. */
let lastHost: string | undefined;
let lastHostPlain = false;

function plainHost(host: unknown): boolean {
  if (typeof host !== 'string') return false;
  if (host === lastHost) return lastHostPlain;
  lastHostPlain = checkHost(host);
  lastHost = host;
  return lastHostPlain;
}

function checkHost(host: string): boolean {
  const m = HOST.exec(host);
  if (m === null) return false;
  const name = m[1]!;
  if (m[2] !== undefined && m[2] !== '' && Number(m[2]) > 65535) return false;
  if (NUMERIC_LABEL.test(name)) return IPV4.test(name);
  return !PUNYCODE_LABEL.test(name);
}
