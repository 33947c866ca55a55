/**
 * Normalises any thrown value into a low-cardinality `error.type`: `rate_limit`, `timeout`,
 * `cancelled`, `connection_error`, an HTTP status code such as `500`, or the error class name.
 */
export function errorTypeOf(error: unknown): string {
  if (error === null || typeof error !== 'object') return '_OTHER';
  const e = error as { name?: unknown; status?: unknown; statusCode?: unknown; code?: unknown; constructor?: { name?: string } };
  // SDK error classes often keep `name === 'Error'` (Stainless SDKs: OpenAI, Anthropic): use the class name then.
  const className = typeof e.constructor?.name === 'string' ? e.constructor.name : '';
  const name = typeof e.name === 'string' && e.name !== 'Error' ? e.name : className || (typeof e.name === 'string' ? e.name : '');
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (status === 429 || /RateLimit/i.test(name)) return 'rate_limit';
  if (/Timeout/i.test(name) || e.code === 'ETIMEDOUT' || e.code === 'UND_ERR_HEADERS_TIMEOUT') return 'timeout';
  if (/Abort/i.test(name) || e.code === 'ABORT_ERR') return 'cancelled';
  if (status !== undefined && status >= 400 && status < 600) return String(status);
  if (/Connection/i.test(name) || e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET') return 'connection_error';
  return /^[A-Za-z][A-Za-z0-9_.]{0,63}$/.test(name) ? name : '_OTHER';
}
