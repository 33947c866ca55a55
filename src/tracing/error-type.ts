/**
 * The documented shape of an `error.type` label value: `_OTHER`, a 3-digit HTTP status, or a
 * word of letters, digits, `_` and `.` starting with a letter, at most 64 characters (which
 * covers `rate_limit`, `timeout`, `cancelled`, `connection_error` and error class names).
 */
const ERROR_TYPE_SHAPE = /^(?:_OTHER|[0-9]{3}|[A-Za-z][A-Za-z0-9_.]{0,63})$/;

/**
 * An `error.type` read from outside (another library's span, a provider's error code) as a label
 * value: itself when it has the documented shape, '' when absent or empty, else `_OTHER` (the
 * semconv fallback). Quotes, braces, newlines or 10 KB of text never become a label.
 */
export function errorTypeLabel(value: unknown): string {
  if (value === undefined || value === '') return '';
  return typeof value === 'string' && ERROR_TYPE_SHAPE.test(value) ? value : '_OTHER';
}

/**
 * Normalises any thrown value into a low-cardinality `error.type`: `rate_limit`, `timeout`,
 * `cancelled`, `connection_error`, an HTTP status code such as `500` (`status`, `statusCode`, or
 * the AWS SDK's `$metadata.httpStatusCode`), or the error class name.
 *
 * SDKs that wrap transport failures in their own error class keep the real reason in `cause`
 * (Fern-generated SDKs such as Deepgram's and ElevenLabs': a timeout is
 * `DeepgramError('"timeout"')` with `cause === 'timeout'`, a user abort has the AbortError as
 * cause, a refused connection has fetch's TypeError whose cause has `code: 'ECONNREFUSED'`):
 * when the error itself yields only a class name, the cause chain (up to 4 links) gets a say,
 * for the transport kinds only.
 */
export function errorTypeOf(error: unknown): string {
  const direct = directErrorType(error);
  if (direct === 'rate_limit' || TRANSPORT_TYPES.has(direct) || /^\d{3}$/.test(direct)) return direct;
  let link: unknown = error;
  for (let depth = 0; depth < 5 && link !== null && link !== undefined; depth++) {
    if (typeof link === 'string') {
      // An abort reason given as a string (AbortController.abort('timeout')).
      if (/timeout|timed out/i.test(link)) return 'timeout';
      if (/abort/i.test(link)) return 'cancelled';
      break;
    }
    if (typeof link !== 'object') break;
    if (depth > 0) {
      const type = directErrorType(link);
      if (TRANSPORT_TYPES.has(type)) return type;
    }
    const code = (link as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return 'connection_error';
    link = (link as { cause?: unknown }).cause;
  }
  return direct;
}

const TRANSPORT_TYPES = new Set(['timeout', 'cancelled', 'connection_error']);
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/** The error's own type, without looking at its cause. */
function directErrorType(error: unknown): string {
  if (error === null || typeof error !== 'object') return '_OTHER';
  const e = error as { name?: unknown; status?: unknown; statusCode?: unknown; code?: unknown; $metadata?: { httpStatusCode?: unknown }; constructor?: { name?: string } };
  // SDK error classes often keep `name === 'Error'` (Stainless SDKs: OpenAI, Anthropic): use the class name then.
  const className = typeof e.constructor?.name === 'string' ? e.constructor.name : '';
  const name = typeof e.name === 'string' && e.name !== 'Error' ? e.name : className || (typeof e.name === 'string' ? e.name : '');
  // AWS SDK v3 errors keep the HTTP status in `$metadata.httpStatusCode`; AWS names a rate limit
  // ThrottlingException (also when it arrives inside an event stream, without a status).
  const status =
    typeof e.status === 'number'
      ? e.status
      : typeof e.statusCode === 'number'
        ? e.statusCode
        : typeof e.$metadata?.httpStatusCode === 'number'
          ? e.$metadata.httpStatusCode
          : undefined;
  if (status === 429 || /RateLimit|Throttl/i.test(name)) return 'rate_limit';
  if (/Timeout/i.test(name) || e.code === 'ETIMEDOUT' || e.code === 'UND_ERR_HEADERS_TIMEOUT') return 'timeout';
  if (/Abort/i.test(name) || e.code === 'ABORT_ERR') return 'cancelled';
  if (status !== undefined && status >= 400 && status < 600) return String(status);
  if (/Connection/i.test(name) || e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET') return 'connection_error';
  return errorTypeLabel(name) || '_OTHER';
}
