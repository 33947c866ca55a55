/**
 * The conversation and variant the application is working in, carried in the OpenTelemetry
 * context: withConversation(id, fn) and withVariant(name, fn) put them there, and the metrics
 * processor copies them onto every GenAI span started inside (gen_ai.conversation.id,
 * aimeter.variant), so that they are exported with the trace and read back from the span.
 *
 * Entering a context switches Node 20's AsyncLocalStorage promise hooks on (see
 * tracing/call-scope.ts); an application that asks for a conversation scope accepts that.
 */
import { context as otelContext, createContextKey, type Context } from '@opentelemetry/api';
import { swallow } from '../internal/errors';
import { warnOnce } from '../internal/log';
import { safeText } from '../internal/text';

export interface OutcomeScope {
  readonly conversationId: string | undefined;
  readonly variant: string | undefined;
}

const SCOPE_KEY = createContextKey('aimeter.outcomes.scope');
const COMPONENT = 'outcomes';

/** Longest conversation id kept (an id, never a label: the length only bounds memory). */
export const MAX_CONVERSATION_ID_LENGTH = 256;
/** Longest variant name (it is a label). */
export const MAX_VARIANT_LENGTH = 64;

export function scopeOf(ctx: Context | undefined): OutcomeScope | undefined {
  return ctx === undefined ? undefined : (ctx.getValue(SCOPE_KEY) as OutcomeScope | undefined);
}

/** A usable conversation id, or undefined after a warning that names the culprit. */
export function checkConversationId(id: unknown, where: string): string | undefined {
  if (typeof id === 'string' && id.length > 0 && id.length <= MAX_CONVERSATION_ID_LENGTH) return id;
  warnOnce(
    `conversation-id:${where}`,
    `aimeter: ${where}: the conversation id must be a non-empty string of at most ${MAX_CONVERSATION_ID_LENGTH} characters, got ${describe(id)}; ignored.`,
  );
  return undefined;
}

export function checkVariant(name: unknown, where: string): string | undefined {
  if (typeof name === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/.test(name)) return name;
  warnOnce(
    `variant:${where}`,
    `aimeter: ${where}: the variant must be ${MAX_VARIANT_LENGTH} characters at most of letters, digits and _ . : - (starting with a letter or digit), got ${describe(name)}; ignored.`,
  );
  return undefined;
}

/**
 * Runs `fn` with every GenAI span started inside it carrying `gen_ai.conversation.id` = `id`.
 * Returns (or throws) exactly what `fn` does; a bad id is warned about and `fn` runs unscoped.
 */
export function withConversation<T>(id: string, fn: () => T): T {
  const ctx = swallow(COMPONENT, undefined, () => {
    const checked = checkConversationId(id, 'withConversation');
    if (checked === undefined) return undefined;
    const active = otelContext.active();
    return active.setValue(SCOPE_KEY, { conversationId: checked, variant: scopeOf(active)?.variant } satisfies OutcomeScope);
  });
  return ctx === undefined ? fn() : otelContext.with(ctx, fn);
}

/**
 * Runs `fn` with every GenAI span started inside it carrying `aimeter.variant` = `name` (the
 * `aimeter_variant` label: a model, prompt version or setting under comparison). Keep the
 * names few: past the cap they are recorded as _OTHER.
 */
export function withVariant<T>(name: string, fn: () => T): T {
  const ctx = swallow(COMPONENT, undefined, () => {
    const checked = checkVariant(name, 'withVariant');
    if (checked === undefined) return undefined;
    const active = otelContext.active();
    return active.setValue(SCOPE_KEY, { conversationId: scopeOf(active)?.conversationId, variant: checked } satisfies OutcomeScope);
  });
  return ctx === undefined ? fn() : otelContext.with(ctx, fn);
}

function describe(value: unknown): string {
  return typeof value === 'string' ? (value.length === 0 ? 'an empty string' : `${safeText(value, 40)} (${value.length} characters)`) : `a value of type ${value === null ? 'null' : typeof value}`;
}
