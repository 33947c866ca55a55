/**
 * Agent frameworks that keep their own notion of "the current span" (the OpenAI Agents SDK keeps
 * its agent, turn and tool spans in an AsyncLocalStorage of its own) run the model and tool calls
 * of an agent without ever entering an OpenTelemetry context: the OTel context active inside them
 * is still the one around the framework's entry call. An instrumentation that mirrors such a
 * framework's spans as OTel spans registers a resolver here, and `GenAiSpan.start` (every span of
 * the kit: the provider instrumentations and the manual API) asks it for the parent, so a model
 * call made inside an agent run is the agent's child in the trace and carries its labels.
 *
 * A resolver answers only when it knows better than the active context (it returns undefined
 * otherwise). With no resolver registered, the cost is one length check per span.
 */
import type { Context } from '@opentelemetry/api';
import { recordInternalError } from '../internal/errors';

/** Returns the parent a span started now should have, or undefined to keep `active`. */
export type ParentResolver = (active: Context) => Context | undefined;

const resolvers: { readonly component: string; readonly resolve: ParentResolver }[] = [];

/** Registers a resolver (once per component: a second registration replaces the first). */
export function registerParentResolver(component: string, resolve: ParentResolver): void {
  const at = resolvers.findIndex((r) => r.component === component);
  if (at >= 0) resolvers[at] = { component, resolve };
  else resolvers.push({ component, resolve });
}

/** The parent for a span started now: the first resolver's answer, else `active`. */
export function resolveParent(active: Context): Context {
  if (resolvers.length === 0) return active;
  for (const r of resolvers) {
    try {
      const parent = r.resolve(active);
      if (parent !== undefined) return parent;
    } catch (error) {
      recordInternalError(r.component, error);
    }
  }
  return active;
}
