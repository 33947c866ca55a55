/**
 * The dimensions `compare`, `top` and `daily` break figures down by: the label, and which calls
 * count as "calls" for it (agents: their runs; tools: their executions; models, providers and
 * variants: model calls).
 */
import { CliError } from './errors';
import { L, OPS } from './queries';

export interface Group {
  readonly name: string;
  readonly label: string;
  /** Operations whose calls are this group's calls. */
  readonly ops: string;
  /** What one call of the group is, for headings. */
  readonly unit: string;
}

export const GROUPS: Readonly<Record<string, Group>> = {
  model: { name: 'model', label: L.model, ops: OPS.model, unit: 'model call' },
  provider: { name: 'provider', label: L.provider, ops: OPS.model, unit: 'model call' },
  variant: { name: 'variant', label: L.variant, ops: OPS.model, unit: 'model call' },
  agent: { name: 'agent', label: L.agent, ops: OPS.agent, unit: 'agent run' },
  tool: { name: 'tool', label: L.tool, ops: OPS.tool, unit: 'tool call' },
  route: { name: 'route', label: L.route, ops: OPS.model, unit: 'request' },
};

export function group(name: string, flag: string, allowed: readonly string[]): Group {
  const g = allowed.includes(name) ? GROUPS[name] : undefined;
  if (!g) throw new CliError(`${flag} "${name}" is not one of ${allowed.join(', ')}`);
  return g;
}

export function positiveInt(text: string, flag: string, min = 1): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min) throw new CliError(`${flag} "${text}" must be a whole number of at least ${min}`);
  return n;
}

export function nonNegative(text: string, flag: string): number {
  const n = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isFinite(n)) throw new CliError(`${flag} "${text}" must be a number of 0 or more`);
  return n;
}
