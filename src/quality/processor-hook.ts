/**
 * The processor's one call into the quality layer: remember a finished model call or agent run
 * (its span, response id, conversation id and labels) so that later evaluations can link to it.
 */
import { clipCodePoints } from '../internal/text';
import type { ReadableSpanLike } from '../processor/span-like';
import { ATTR_AIMETER_VARIANT, ATTR_GEN_AI_CONVERSATION_ID, ATTR_GEN_AI_RESPONSE_ID } from '../semconv/attributes';
import type { LinkedLabels } from './call-links';
import { callLinks } from './state';

const MAX_LABEL_LENGTH = 128;
/** Ids longer than this are not remembered (no real response or conversation id is that long). */
const MAX_ID_LENGTH = 256;

/** `values`: the call's label values in CALL_LABELS order (operation, provider, request model, response model, agent, tool, variant). */
export function rememberCall(span: ReadableSpanLike, values: readonly string[]): void {
  const a = span.attributes;
  // The outcome layer's variant label (withVariant, aimeter.variant, AIMETER_VARIANT; capped) when it ran.
  const attribute = a[ATTR_AIMETER_VARIANT];
  const variant = values[6] || (typeof attribute === 'string' ? clipCodePoints(attribute, MAX_LABEL_LENGTH) : '');
  callLinks().remember(span.spanContext(), labelsOf(values[1] ?? '', values[2] ?? '', values[4] ?? '', variant), id(a[ATTR_GEN_AI_RESPONSE_ID]), id(a[ATTR_GEN_AI_CONVERSATION_ID]));
}

/** The last labels remembered: consecutive calls mostly share them, and then share one tuple (it is kept per call). */
let lastLabels: LinkedLabels = ['', '', '', ''];

function labelsOf(provider: string, model: string, agent: string, variant: string): LinkedLabels {
  const l = lastLabels;
  if (l[0] !== provider || l[1] !== model || l[2] !== agent || l[3] !== variant) lastLabels = [provider, model, agent, variant];
  return lastLabels;
}

function id(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH ? value : undefined;
}
