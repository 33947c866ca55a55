/**
 * `error.type` for SDKs that wrap transport failures in their own error class and keep the
 * real reason in `cause` (Fern-generated SDKs such as Deepgram's and ElevenLabs': a timeout is
 * `DeepgramError('"timeout"')` with `cause === 'timeout'`, a user abort has the AbortError as
 * cause, a refused connection has fetch's TypeError whose cause has `code: 'ECONNREFUSED'`).
 *
 * Same values as errorTypeOf; only when that yields a bare class name does the cause chain
 * (up to 4 links) get a say, and only for the transport kinds.
 */
import { errorTypeOf } from './error-type';

const TRANSPORT_TYPES = new Set(['timeout', 'cancelled', 'connection_error']);
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

export function errorTypeWithCause(error: unknown): string {
  const direct = errorTypeOf(error);
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
      const type = errorTypeOf(link);
      if (TRANSPORT_TYPES.has(type)) return type;
    }
    const code = (link as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return 'connection_error';
    link = (link as { cause?: unknown }).cause;
  }
  return direct;
}
