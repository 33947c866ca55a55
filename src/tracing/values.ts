/**
 * The value helpers every instrumentation reads provider data with: one meaning per name, so that
 * `str` or `serverOf` behave the same whichever SDK a value came from. Provider data is untrusted
 * (a proxy, a fake server, a new SDK version): nothing here throws on any input.
 */

/** A plain JSON-ish record, or undefined for anything else (null, primitives). */
export type Json = Record<string, any>;

/** `v` when it is a non-empty string, else undefined (an empty id or model says nothing). */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** `v` when it is a finite number >= 0 (a count, a duration), else undefined. */
export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/** `v` when it is an object (arrays included), else undefined. */
export function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' ? (v as Json) : undefined;
}

/** True for anything with a callable `then` (native promises, SDK promises, thenables). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

/** True for anything `for await` accepts. */
export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

/** Unicode code points of a string (what speech vendors bill), not UTF-16 code units. */
export function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'ws:': 80, 'https:': 443, 'wss:': 443 };

export interface Server {
  readonly address?: string;
  readonly port?: number;
}

/**
 * `server.address` / `server.port` of a base URL: the host without IPv6 brackets, the port given
 * or the scheme's default (http/ws 80, https/wss 443). Anything that is not a URL gives `{}`.
 */
export function serverOf(baseURL: unknown): Server {
  if (typeof baseURL !== 'string') return {};
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    return {};
  }
  const address = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port !== '' ? Number(url.port) : DEFAULT_PORTS[url.protocol];
  return port === undefined ? { address } : { address, port };
}
