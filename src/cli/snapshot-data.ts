/**
 * The KPI snapshot over a range: every figure `snapshot`, `watch`, `check` and `report` show,
 * each with a key (what `check --max key=value` names), computed from instant queries at the end
 * of the range with increase() over its length. A figure whose series do not exist is null
 * ("no data"); a count whose family exists but did not move is a real 0.
 */
import type { Kind } from './format';
import type { PrometheusClient } from './prometheus-client';
import * as Q from './queries';
import { daysInMonth, promDuration, type TimeRange } from './time';

export interface Figure {
  readonly key: string;
  readonly section: string;
  readonly label: string;
  readonly kind: Kind;
  readonly value: number | null;
  /** The sample size behind a ratio, mean or quantile (calls, conversations, evaluations). */
  readonly n?: number | null;
}

export interface SnapshotData {
  readonly range: TimeRange;
  readonly filters: Q.Filters;
  readonly figures: readonly Figure[];
  /** Sections whose families cannot be filtered by the filters given (left out). */
  readonly unfiltered: readonly string[];
}

/** Short names accepted by `check` for the figures asked about most. */
export const ALIASES: Readonly<Record<string, string>> = {
  calls: 'model_calls',
  errors: 'model_errors',
  error_rate: 'model_error_rate',
  p50: 'model_p50',
  p95: 'model_p95',
  p99: 'model_p99',
  ttft: 'ttft_p95',
  fcr: 'first_contact_resolution',
  dollars: 'cost',
};

const COMPONENTS = [
  { key: 'stt', label: 'Speech-to-text', ops: Q.OPS.speechToText },
  { key: 'model', label: 'Model (LLM)', ops: Q.OPS.llm },
  { key: 'tts', label: 'Text-to-speech', ops: Q.OPS.textToSpeech },
  { key: 'agent', label: 'Agent runs', ops: Q.OPS.agent },
  { key: 'tool', label: 'Tool calls', ops: Q.OPS.tool },
] as const;

const ratio = (num: number | null, den: number | null): number | null => (num === null || den === null || den === 0 ? null : num / den);
/** A count inside a family that exists: absent series mean none happened. */
const orZeroIf = (value: number | null, familyExists: boolean): number | null => value ?? (familyExists ? 0 : null);

export async function collectSnapshot(client: PrometheusClient, filters: Q.Filters, range: TimeRange): Promise<SnapshotData> {
  const w = promDuration(range.end - range.start);
  const at = range.end;
  const unfiltered = new Set<string>();
  const scope = (s: Q.Scope, section: string): string[] | null => {
    const m = Q.scopeMatchers(filters, s);
    if (m === null) unfiltered.add(section);
    return m;
  };
  const one = (expr: string | null): Promise<number | null> => (expr === null ? Promise.resolve(null) : client.scalar(expr, at));
  const many = (expr: string | null) => (expr === null ? Promise.resolve([]) : client.query(expr, at));
  const call = scope('call', 'calls')!;

  const figures: Figure[] = [];
  const add = (f: Figure): void => {
    figures.push(f);
  };

  // Components: calls, errors, latency over successful calls.
  const componentResults = await Promise.all(
    COMPONENTS.map(async (c) => {
      const [calls, errors, p50, p95, p99] = await Promise.all([
        one(Q.calls(c.ops, call, w)),
        one(Q.failures(c.ops, call, w)),
        one(Q.latency(0.5, c.ops, call, w)),
        one(Q.latency(0.95, c.ops, call, w)),
        one(Q.latency(0.99, c.ops, call, w)),
      ]);
      return { c, calls, errors: orZeroIf(errors, calls !== null), p50, p95, p99 };
    }),
  );
  const convM = scope('conversation', 'conversations');
  const [turnCount, turnP50, turnP95, turnP99] = await Promise.all([
    one(convM && Q.turnLatencyCount(convM, w)),
    one(convM && Q.turnLatency(0.5, convM, w)),
    one(convM && Q.turnLatency(0.95, convM, w)),
    one(convM && Q.turnLatency(0.99, convM, w)),
  ]);
  for (const r of componentResults) {
    const section = `Latency: ${r.c.label}`;
    add({ key: `${r.c.key}_calls`, section, label: 'calls', kind: 'count', value: r.calls });
    add({ key: `${r.c.key}_errors`, section, label: 'failed', kind: 'count', value: r.errors });
    add({ key: `${r.c.key}_error_rate`, section, label: 'error rate', kind: 'ratio', value: ratio(r.errors, r.calls), n: r.calls });
    add({ key: `${r.c.key}_p50`, section, label: 'p50', kind: 'seconds', value: r.p50, n: r.calls });
    add({ key: `${r.c.key}_p95`, section, label: 'p95', kind: 'seconds', value: r.p95, n: r.calls });
    add({ key: `${r.c.key}_p99`, section, label: 'p99', kind: 'seconds', value: r.p99, n: r.calls });
  }
  const turnSection = 'Latency: End-to-end turn';
  add({ key: 'turns', section: turnSection, label: 'turns', kind: 'count', value: turnCount });
  add({ key: 'turn_p50', section: turnSection, label: 'p50', kind: 'seconds', value: turnP50, n: turnCount });
  add({ key: 'turn_p95', section: turnSection, label: 'p95', kind: 'seconds', value: turnP95, n: turnCount });
  add({ key: 'turn_p99', section: turnSection, label: 'p99', kind: 'seconds', value: turnP99, n: turnCount });

  // Time to first token, tokens, dollars.
  const [ttftN, ttft50, ttft95, tokenRows, cost, savings, unpricedCalls, modelCalls] = await Promise.all([
    one(Q.firstChunkCount(Q.OPS.llm, call, w)),
    one(Q.timeToFirstChunk(0.5, Q.OPS.llm, call, w)),
    one(Q.timeToFirstChunk(0.95, Q.OPS.llm, call, w)),
    many(Q.tokensByType(call, w)),
    one(Q.dollars(call, w)),
    one(Q.cacheSavings(call, w)),
    one(Q.unpriced(call, w)),
    one(Q.calls(Q.OPS.model, call, w)),
  ]);
  add({ key: 'ttft_p50', section: 'Time to first token', label: 'p50', kind: 'seconds', value: ttft50, n: ttftN });
  add({ key: 'ttft_p95', section: 'Time to first token', label: 'p95', kind: 'seconds', value: ttft95, n: ttftN });
  const tokenOf = (type: string): number | null => {
    const row = tokenRows.find((s) => s.labels[Q.L.tokenType] === type);
    // A type never recorded (no reasoning model used) has no series: no data, not 0.
    return row ? row.value : null;
  };
  const input = tokenOf('input');
  const output = tokenOf('output');
  add({ key: 'input_tokens', section: 'Tokens', label: 'input', kind: 'tokens', value: input });
  add({ key: 'output_tokens', section: 'Tokens', label: 'output', kind: 'tokens', value: output });
  add({ key: 'cache_read_tokens', section: 'Tokens', label: 'cache read (of input)', kind: 'tokens', value: tokenOf('cache_read') });
  add({ key: 'reasoning_tokens', section: 'Tokens', label: 'reasoning (of output)', kind: 'tokens', value: tokenOf('reasoning') });
  const seconds = range.end - range.start;
  add({ key: 'cost', section: 'Dollars', label: 'in range', kind: 'usd', value: cost });
  add({ key: 'cost_per_day', section: 'Dollars', label: 'per day', kind: 'usd', value: cost === null ? null : (cost / seconds) * 86400 });
  add({
    key: 'projected_month',
    section: 'Dollars',
    label: `projected month (${daysInMonth(range.end)} d)`,
    kind: 'usd',
    value: cost === null ? null : (cost / seconds) * 86400 * daysInMonth(range.end),
  });
  add({ key: 'cost_per_call', section: 'Dollars', label: 'per model call', kind: 'usd', value: ratio(cost, modelCalls), n: modelCalls });
  add({ key: 'cache_savings', section: 'Dollars', label: 'saved by prompt cache', kind: 'usd', value: savings });
  add({ key: 'unpriced_calls', section: 'Dollars', label: 'calls with no price', kind: 'count', value: orZeroIf(unpricedCalls, modelCalls !== null) });

  // Caches: the provider's prompt cache (tokens read from it, of input), and the app's own.
  const cacheM = scope('cache', 'caches');
  const lookups = await many(cacheM && Q.cacheLookups(cacheM, w));
  add({ key: 'prompt_cache_ratio', section: 'Cache hit ratio', label: 'prompt cache (of input)', kind: 'ratio', value: ratio(tokenOf('cache_read'), input), n: input });
  const byCache = new Map<string, { hit: number; all: number }>();
  for (const s of lookups) {
    const name = s.labels[Q.L.cacheName] ?? '';
    const entry = byCache.get(name) ?? { hit: 0, all: 0 };
    entry.all += s.value;
    if (s.labels[Q.L.cacheResult] === 'hit') entry.hit += s.value;
    byCache.set(name, entry);
  }
  const totalLookups = [...byCache.values()].reduce((a, b) => a + b.all, 0);
  const totalHits = [...byCache.values()].reduce((a, b) => a + b.hit, 0);
  add({ key: 'cache_hit_ratio', section: 'Cache hit ratio', label: 'app caches, all', kind: 'ratio', value: lookups.length ? ratio(totalHits, totalLookups) : null, n: lookups.length ? totalLookups : null });
  for (const [name, e] of [...byCache.entries()].sort()) {
    add({ key: `cache_hit_ratio_${name}`, section: 'Cache hit ratio', label: name || '(unnamed)', kind: 'ratio', value: ratio(e.hit, e.all), n: e.all });
  }

  // Conversations: outcome, first contact, handle time, turns, dollars.
  const [convRows, htSum, htCount, htP95, tSum, tCount, convCost] = await Promise.all([
    many(convM && Q.conversations(convM, w)),
    one(convM && Q.handleTimeSum(convM, w)),
    one(convM && Q.handleTimeCount(convM, w)),
    one(convM && Q.handleTimeQuantile(0.95, convM, w)),
    one(convM && Q.turnsSum(convM, w)),
    one(convM && Q.turnsCount(convM, w)),
    many(convM && Q.conversationDollars(convM, w)),
  ]);
  const convTotal = convRows.length ? convRows.reduce((a, s) => a + s.value, 0) : null;
  const outcome = (o: string): number | null =>
    convRows.length ? convRows.filter((s) => s.labels[Q.L.outcome] === o).reduce((a, s) => a + s.value, 0) : null;
  const resolved = outcome('resolved');
  const firstContact = convRows.length
    ? convRows.filter((s) => s.labels[Q.L.outcome] === 'resolved' && s.labels[Q.L.firstContact] === 'true').reduce((a, s) => a + s.value, 0)
    : null;
  const C = 'Conversations';
  add({ key: 'conversations', section: C, label: 'conversations', kind: 'count', value: convTotal });
  add({ key: 'resolution', section: C, label: 'resolution rate', kind: 'ratio', value: ratio(resolved, convTotal), n: convTotal });
  add({ key: 'first_contact_resolution', section: C, label: 'first-contact resolution', kind: 'ratio', value: ratio(firstContact, convTotal), n: convTotal });
  add({ key: 'escalation', section: C, label: 'escalation rate', kind: 'ratio', value: ratio(outcome('escalated'), convTotal), n: convTotal });
  add({ key: 'abandonment', section: C, label: 'abandonment rate', kind: 'ratio', value: ratio(outcome('abandoned'), convTotal), n: convTotal });
  add({ key: 'handle_time', section: C, label: 'handle time, mean', kind: 'seconds', value: ratio(htSum, htCount), n: htCount });
  add({ key: 'handle_time_p95', section: C, label: 'handle time, p95', kind: 'seconds', value: htP95, n: htCount });
  add({ key: 'turns_per_conversation', section: C, label: 'turns per conversation', kind: 'number', value: ratio(tSum, tCount), n: tCount });
  // All conversation spend over the resolved ones (docs/outcomes.md: the form exact over replicas).
  const resolvedCost = convCost.length ? convCost.reduce((a, s) => a + s.value, 0) : null;
  add({ key: 'cost_per_resolved', section: C, label: 'dollars per resolved', kind: 'usd', value: ratio(resolvedCost, resolved), n: resolved });

  // Quality: evaluation scores (CSAT is the evaluation named "csat", 1 to 5).
  const evalM = scope('evaluation', 'evaluations');
  const [evalSums, evalCounts] = await Promise.all([many(evalM && Q.evaluationSum(evalM, w)), many(evalM && Q.evaluationCount(evalM, w))]);
  const evalNames = [...new Set(evalCounts.map((s) => s.labels[Q.L.evaluationName] ?? ''))].sort();
  const evalMean = (name: string): { mean: number | null; n: number | null } => {
    const n = evalCounts.find((s) => s.labels[Q.L.evaluationName] === name)?.value ?? null;
    const total = evalSums.find((s) => s.labels[Q.L.evaluationName] === name)?.value ?? null;
    return { mean: ratio(total, n), n };
  };
  const csat = evalMean('csat');
  add({ key: 'csat', section: 'Quality', label: 'CSAT (1-5)', kind: 'score', value: csat.mean, n: csat.n });
  for (const name of evalNames.filter((n) => n !== 'csat')) {
    const e = evalMean(name);
    add({ key: `eval_${name}`, section: 'Quality', label: `score: ${name}`, kind: 'score', value: e.mean, n: e.n });
  }

  // Requests (incoming requests that made model calls).
  const reqM = scope('request', 'requests');
  const [reqCount, reqFailed, reqCost] = await Promise.all([
    one(reqM && Q.requestCount(reqM, w)),
    one(reqM && Q.requestFailures(reqM, w)),
    one(reqM && Q.requestDollars(reqM, w)),
  ]);
  add({ key: 'requests', section: 'Requests', label: 'requests', kind: 'count', value: reqCount });
  add({ key: 'request_error_rate', section: 'Requests', label: 'error rate', kind: 'ratio', value: ratio(orZeroIf(reqFailed, reqCount !== null), reqCount), n: reqCount });
  add({ key: 'cost_per_request', section: 'Requests', label: 'dollars per request', kind: 'usd', value: ratio(reqCost, reqCount), n: reqCount });

  return { range, filters, figures, unfiltered: [...unfiltered] };
}

/** The figure a key or alias names, or undefined. */
export function findFigure(data: SnapshotData, key: string): Figure | undefined {
  const k = ALIASES[key] ?? key;
  return data.figures.find((f) => f.key === k);
}
