/**
 * Which edition of the GenAI semantic conventions aimeter emits (span attributes it writes,
 * metric names and semantics it records), chosen with the conventions' own transition switch,
 * OTEL_SEMCONV_STABILITY_OPT_IN (parsed in src/config/env.ts):
 *
 * - `v1.41` (default, the switch unset): what aimeter has always emitted, the names the contrib
 *   OpenAI instrumentation and today's Collectors produce;
 * - `latest` (`gen_ai_latest_experimental`): the newest names, attributes and semantics of
 *   open-telemetry/semantic-conventions-genai (Development status, see docs/conventions.md);
 * - `both` (`gen_ai_latest_experimental/dup`): both at once, for the time dashboards, rules and
 *   Collectors move over (as the HTTP migration's `http/dup`). Series of the two editions have
 *   different names, so nothing is counted twice within one name.
 *
 * Reading is not switched: incoming spans' old and new attribute names are both read, always.
 */
export type Conventions = 'v1.41' | 'latest' | 'both';

export const DEFAULT_CONVENTIONS: Conventions = 'v1.41';

/** The OTEL_SEMCONV_STABILITY_OPT_IN words for the GenAI conventions. */
export const OPT_IN_LATEST = 'gen_ai_latest_experimental';
export const OPT_IN_BOTH = 'gen_ai_latest_experimental/dup';

/** True when the v1.41 names are emitted. */
export function emitsV141(c: Conventions): boolean {
  return c !== 'latest';
}

/** True when the newest names are emitted. */
export function emitsLatest(c: Conventions): boolean {
  return c !== 'v1.41';
}
