/**
 * Metrics must stay exact under trace sampling. This sampler delegates to the sampler the user
 * configured (OTEL_TRACES_SAMPLER / _ARG, default parentbased_always_on), but a GenAI span it
 * would drop is still RECORDED (not exported): the metrics processor sees every call, while
 * only sampled spans reach the trace backend.
 */
import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  SamplingDecision,
  type SamplingResult,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-node';
import { looksLikeGenAi } from '../processor/read-span';

export class GenAiRecordingSampler implements Sampler {
  constructor(private readonly delegate: Sampler) {}

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    const result = this.delegate.shouldSample(context, traceId, spanName, spanKind, attributes, links);
    if (result.decision === SamplingDecision.NOT_RECORD && looksLikeGenAi(attributes)) {
      return { ...result, decision: SamplingDecision.RECORD };
    }
    return result;
  }

  toString(): string {
    return `GenAiRecordingSampler{${this.delegate.toString()}}`;
  }
}

const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

/** The sampler named by OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG; problems are reported, never thrown. */
export function samplerFromEnv(env: Readonly<Record<string, string | undefined>>, problems: string[]): Sampler {
  const name = (env.OTEL_TRACES_SAMPLER ?? '').trim() || 'parentbased_always_on';
  const ratio = () => {
    const raw = env.OTEL_TRACES_SAMPLER_ARG?.trim();
    if (raw === undefined || raw === '') return 1;
    const n = Number(raw);
    if (Number.isFinite(n) && n >= 0 && n <= 1) return n;
    problems.push(`OTEL_TRACES_SAMPLER_ARG="${raw}" is not valid: use a number from 0 to 1 (using 1).`);
    return 1;
  };
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio());
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio()) });
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    default:
      problems.push(`OTEL_TRACES_SAMPLER="${name}" is not valid: use one of ${SAMPLERS.join(', ')} (using parentbased_always_on).`);
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}
