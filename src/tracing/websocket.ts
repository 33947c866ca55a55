/**
 * What live sessions over WebSockets have in common, for every instrumentation of one (Deepgram
 * live transcription, text-to-speech over a raw `ws` socket): how a close code and a socket error
 * become an `error.type`, and the size of audio carried as base64 text.
 *
 * A session span ends at the socket's close: code 1000 (normal closure) is a success, anything
 * else is a failure whose `error.type` names the reason with few values (the close codes are a
 * small, bounded set), so dashboards can tell a dropped connection from a provider's policy close.
 */
import { errorTypeOf } from './error-type';

const NORMAL_CLOSURE = 1000;
/** 1005: closed without a status code (the peer sent a close frame with none). */
const NO_STATUS = 1005;
/** 1006: closed without a close frame at all (the TCP connection dropped). */
const ABNORMAL = 1006;

/**
 * The `error.type` of a close code, or undefined for a normal end: 1000 and 1005 (a close frame
 * without a code: the peer closed on purpose) are normal; 1006 (no close frame) is
 * `connection_error`; any other code (1008 policy violation, 1011 server error, 4000-4999 an
 * application's own) is `close_<code>`. A code outside 1000-4999 is `_OTHER`.
 */
export function closeErrorType(code: unknown): string | undefined {
  if (code === undefined || code === NORMAL_CLOSURE || code === NO_STATUS) return undefined;
  if (code === ABNORMAL) return 'connection_error';
  if (typeof code === 'number' && Number.isInteger(code) && code >= 1000 && code <= 4999) return `close_${code}`;
  return '_OTHER';
}

const UNEXPECTED_RESPONSE = /Unexpected server response: (\d{3})/;

/**
 * The `error.type` of an error a WebSocket client reports (the error itself, or an error event
 * with `error` / `message`): a handshake the server refused with an HTTP status (`ws`: "Unexpected
 * server response: 401") is that status (429: `rate_limit`), a refused or reset connection is
 * `connection_error`, a connection timeout (`TIMEOUT`, `ETIMEDOUT`) is `timeout`; otherwise the
 * error's class name, as for any other error.
 */
export function socketErrorType(errorOrEvent: unknown): string {
  const event = errorOrEvent as { error?: unknown; message?: unknown } | null | undefined;
  const error = event && typeof event === 'object' && event.error instanceof Error ? event.error : errorOrEvent;
  const message =
    error instanceof Error ? error.message : typeof event?.message === 'string' ? event.message : typeof error === 'string' ? error : '';
  const status = UNEXPECTED_RESPONSE.exec(message)?.[1];
  if (status !== undefined) return status === '429' ? 'rate_limit' : status;
  if (/^TIMEOUT$|timed out|timeout/i.test(message)) return 'timeout';
  if (error instanceof Error) return errorTypeOf(error);
  return 'connection_error';
}

/** Bytes encoded by a base64 string, without decoding it (padding and whitespace not counted). */
export function base64ByteLength(text: string): number {
  let length = text.length;
  // Tolerate line breaks some encoders insert; ElevenLabs sends none, so this is the fast path.
  if (/\s/.test(text)) length = text.replace(/\s+/g, '').length;
  let padding = 0;
  if (length > 0 && text.charCodeAt(text.length - 1) === 61 /* = */) padding = text.charCodeAt(text.length - 2) === 61 ? 2 : 1;
  return Math.max(0, Math.floor((length * 3) / 4) - padding);
}

/** The size of a message a WebSocket carries (Buffer, typed array, ArrayBuffer, Blob, string, fragments). */
export function messageByteLength(data: unknown): number {
  if (data === null || data === undefined) return 0;
  if (typeof data === 'string') return Buffer.byteLength(data, 'utf8');
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (Array.isArray(data)) return data.reduce((total: number, part) => total + messageByteLength(part), 0);
  const size = (data as { size?: unknown }).size;
  return typeof size === 'number' && Number.isFinite(size) && size >= 0 ? size : 0;
}

/** The text of a text frame (a string, or a Buffer `ws` hands over with `isBinary` false), else undefined. */
export function messageText(data: unknown, isBinary?: unknown): string | undefined {
  if (typeof data === 'string') return data;
  if (isBinary === true) return undefined;
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  // `ws` with binaryType 'arraybuffer' hands a text frame over as an ArrayBuffer, isBinary false.
  if (data instanceof ArrayBuffer) return isBinary === false ? Buffer.from(data).toString('utf8') : undefined;
  if (Array.isArray(data) && data.every((part) => Buffer.isBuffer(part))) return Buffer.concat(data as Buffer[]).toString('utf8');
  return undefined;
}

/** A JSON object of a text frame, or undefined (binary frames, other JSON values, invalid JSON). */
export function messageJson(data: unknown, isBinary?: unknown): Record<string, unknown> | undefined {
  const text = messageText(data, isBinary);
  if (text === undefined || text.charCodeAt(0) !== 123 /* { */) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    // Not JSON: a frame the provider's format does not define, nothing to read.
    return undefined;
  }
}
