/**
 * Normalisers for GenAI spans whose producer deviates from the semantic conventions in a way
 * that changes aimeter's numbers. Keyed by instrumentation scope name, applied in ONE place
 * (`readGenAiSpan`), so the metrics a user sees do not depend on which library made the span.
 *
 * Each normaliser gets the span's attributes and returns:
 *   - the same object when nothing needs changing,
 *   - a corrected copy (never mutates the span's own attributes),
 *   - `null` when the span is not a GenAI operation aimeter counts.
 *
 * Registered normalisers:
 *
 * `com.anthropic.sdk.typescript` (and `com.anthropic.sdk.typescript.<platform>`): the native
 * spans of `@anthropic-ai/sdk` (0.134+ and 1.x, on by default). Their `gen_ai.usage.input_tokens`
 * already includes cache reads and writes (semconv), but they deviate in four ways:
 *   1. cache writes are `gen_ai.usage.cache_write.input_tokens`, not
 *      `gen_ai.usage.cache_creation.input_tokens` -> copied over (else cache writes would be costed
 *      at the input rate and missing from aimeter_tokens_total{gen_ai_token_type="cache_creation"});
 *   2. `error.type` is the API's error type (`rate_limit_error`, `overloaded_error`, `api_error`)
 *      or the SDK's (`client_timeout_error`, `connection_error`, `client_error`) -> mapped to
 *      aimeter's values (`rate_limit`, HTTP status, `timeout`, ...), as `errorTypeOf` gives them
 *      for the same failure;
 *   3. a call the application aborted before the response has no status and no `error.type` ->
 *      `error.type = cancelled` (recognised by having neither `http.response.status_code` nor
 *      `error.type`: every other ending of the SDK's span sets one of them).
 *   4. the stop reason is `anthropic.message.stop_reason` (Anthropic's spelling), not
 *      `gen_ai.response.finish_reasons` -> copied over as a one-element list (finish-reasons.ts
 *      folds `end_turn`, `tool_use`, `max_tokens` like the other spellings).
 *   Spans of other API calls (`anthropic.messages.count_tokens`, ...) carry
 *   `gen_ai.provider.name` but no `gen_ai.operation.name`: they are not model calls -> `null`.
 */
import type { Attributes } from '@opentelemetry/api';
import * as A from '../semconv/attributes';

export type ScopeNormaliser = (attributes: Attributes) => Attributes | null;

export const ANTHROPIC_SDK_SCOPE = 'com.anthropic.sdk.typescript';

/**
 * The HTTP status the Anthropic API sends with each error type (its error envelope's
 * `error.type`), used when an error carries the type but no status (e.g. an `error` event in
 * the middle of a stream, which arrives on a 200 response).
 */
const ANTHROPIC_ERROR_STATUS: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** aimeter's `error.type` for an HTTP status (the same values as `errorTypeOf`). */
function statusErrorType(status: number): string {
  return status === 429 ? 'rate_limit' : String(status);
}

/** aimeter's `error.type` for an Anthropic API error type, or undefined when it is not one. */
export function anthropicApiErrorType(type: unknown): string | undefined {
  if (typeof type !== 'string') return undefined;
  const status = ANTHROPIC_ERROR_STATUS[type];
  return status === undefined ? undefined : statusErrorType(status);
}

function normaliseAnthropicSdk(a: Attributes): Attributes | null {
  if (a[A.ATTR_GEN_AI_OPERATION_NAME] === undefined) return null;
  let out: Attributes | undefined;
  const set = (key: string, value: string | number) => {
    out ??= { ...a };
    out[key] = value;
  };
  const cacheWrite = a[A.ATTR_ANTHROPIC_SDK_CACHE_WRITE_INPUT_TOKENS];
  if (typeof cacheWrite === 'number' && a[A.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] === undefined) {
    set(A.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, cacheWrite);
  }
  const stopReason = a[A.ATTR_ANTHROPIC_SDK_STOP_REASON];
  if (typeof stopReason === 'string' && a[A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS] === undefined) {
    out ??= { ...a };
    out[A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = [stopReason];
  }
  const errorType = a[A.ATTR_ERROR_TYPE];
  const status = a[A.ATTR_HTTP_RESPONSE_STATUS_CODE];
  if (typeof errorType === 'string') {
    const mapped =
      typeof status === 'number' && status >= 400 && status < 600
        ? statusErrorType(status)
        : (anthropicApiErrorType(errorType) ??
          (errorType === 'client_timeout_error' ? 'timeout' : errorType));
    if (mapped !== errorType) set(A.ATTR_ERROR_TYPE, mapped);
  } else if (status === undefined) {
    set(A.ATTR_ERROR_TYPE, 'cancelled');
  }
  return out ?? a;
}

const NORMALISERS: ReadonlyMap<string, ScopeNormaliser> = new Map([[ANTHROPIC_SDK_SCOPE, normaliseAnthropicSdk]]);

/** The normaliser for an instrumentation scope (exact name, or `<name>.<suffix>`), if any. */
export function normaliserFor(scopeName: string | undefined): ScopeNormaliser | undefined {
  if (!scopeName) return undefined;
  const exact = NORMALISERS.get(scopeName);
  if (exact) return exact;
  const dot = scopeName.lastIndexOf('.');
  return dot > 0 ? NORMALISERS.get(scopeName.slice(0, dot)) : undefined;
}
