/**
 * Query strings in telemetry: every value replaced by `REDACTED`, the keys kept
 * (`?q=<prompt>&api_key=<key>` -> `?q=REDACTED&api_key=REDACTED`). Apps put prompts, search terms,
 * tokens and keys in query strings; the keys are what a trace reader needs to see the request's shape.
 */
export const REDACTED = 'REDACTED';

/** A query string (without `?`) with every value redacted; keys as they were sent. */
export function redactQueryValues(query: string): string {
  if (query === '') return query;
  return query
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq === -1 ? part : `${part.slice(0, eq)}=${REDACTED}`;
    })
    .join('&');
}

/** A path or URL with the values of its query string redacted (the fragment dropped). */
export function redactUrlQuery(url: string): string {
  const hash = url.indexOf('#');
  const withoutHash = hash === -1 ? url : url.slice(0, hash);
  const q = withoutHash.indexOf('?');
  if (q === -1) return withoutHash;
  return `${withoutHash.slice(0, q)}?${redactQueryValues(withoutHash.slice(q + 1))}`;
}
