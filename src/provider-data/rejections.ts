/**
 * Counts of provider-reported values aimeter refused or corrected, for the self-metric
 * aimeter_provider_data_rejected_total{aimeter_field, aimeter_reason}. Process-wide (like the
 * internal-error counts), because instrumentations check values before any metric store exists.
 * Both labels come from fixed sets (attribute keys aimeter reads, the reasons below), so the
 * number of series is bounded whatever a provider sends.
 */
import { warnOnce } from '../internal/log';
import { printable } from '../internal/text';

export type RejectionReason =
  /** Reported, but not a number (a string, an object, ...). */
  | 'not_a_number'
  /** NaN or +-Infinity. */
  | 'non_finite'
  | 'negative'
  /** Above the documented bound for the field (see usage.ts). */
  | 'absurd'
  /** A part larger than the total it belongs to (cache reads above input, ...): cut to the total. */
  | 'clamped';

const counts = new Map<string, { field: string; reason: RejectionReason; count: number }>();

export function recordRejection(field: string, reason: RejectionReason, value: unknown, detail: string): void {
  const key = `${field}\u0001${reason}`;
  const entry = counts.get(key);
  if (entry) entry.count++;
  else counts.set(key, { field, reason, count: 1 });
  warnOnce(
    `provider-data:${key}`,
    `aimeter: ${reason === 'clamped' ? 'corrected' : 'ignored'} ${field}=${printable(describe(value), 40)} reported by a provider or instrumentation (${reason}: ${detail}); counted in aimeter_provider_data_rejected_total.`,
  );
}

/** Rejections so far, per field and reason. */
export function rejectionCounts(): Iterable<{ readonly field: string; readonly reason: RejectionReason; readonly count: number }> {
  return counts.values();
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return typeof value;
  }
}
