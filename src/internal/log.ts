/**
 * aimeter's own warnings, on stderr. They often carry text aimeter does not control (model names
 * chosen by a provider, environment values, error messages), so:
 *   - such text goes through printable(): quoted, clipped, control characters escaped, so that it
 *     cannot forge log lines, move a terminal's cursor or fill the disk;
 *   - every message is capped at MAX_MESSAGE characters and stripped of control characters other
 *     than newline and tab;
 *   - warnOnce() warns once per topic, and at most BURST messages per topic kind (the part of the
 *     topic before the first ':') per minute, the suppressed ones counted in the next message.
 */
import { escapeControls } from './text';

const warned = new Set<string>();
const MAX_TOPICS = 1000;
const MAX_MESSAGE = 4096;
/** Messages per topic kind in a burst, and the refill: BURST per minute. */
const BURST = 10;
const REFILL_MS = 60_000;

export type WarningSink = (message: string) => void;
let sink: WarningSink = (message) => process.stderr.write(`${message}\n`);

/** Tests and embedding apps can redirect aimeter's warnings. */
export function setWarningSink(next: WarningSink): void {
  sink = next;
}

export function warn(message: string): void {
  try {
    const safe = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}... (clipped)` : message;
    sink(escapeControls(safe, true));
  } catch {
    // A broken sink must not break the caller.
  }
}

interface Bucket {
  tokens: number;
  refilledAt: number;
  suppressed: number;
}
const buckets = new Map<string, Bucket>();

export function warnOnce(topic: string, message: string): void {
  if (warned.has(topic)) return;
  if (warned.size >= MAX_TOPICS) return;
  const colon = topic.indexOf(':');
  const kind = colon < 0 ? topic : topic.slice(0, colon);
  const now = Date.now();
  let bucket = buckets.get(kind);
  if (bucket === undefined) buckets.set(kind, (bucket = { tokens: BURST, refilledAt: now, suppressed: 0 }));
  const refill = Math.floor(((now - bucket.refilledAt) / REFILL_MS) * BURST);
  if (refill > 0) {
    bucket.tokens = Math.min(BURST, bucket.tokens + refill);
    bucket.refilledAt = now;
  }
  if (bucket.tokens < 1) {
    // Not marked as warned: once the burst refills, the topic may still be told.
    bucket.suppressed++;
    return;
  }
  bucket.tokens--;
  warned.add(topic);
  let text = message;
  if (bucket.suppressed > 0) {
    text += `\naimeter: ${bucket.suppressed} similar warning(s) suppressed (at most ${BURST} per minute)`;
    bucket.suppressed = 0;
  }
  if (warned.size === MAX_TOPICS) text += '\naimeter: further distinct warnings are suppressed';
  warn(text);
}
