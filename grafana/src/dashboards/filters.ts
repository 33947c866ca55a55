/** Matchers shared by the dashboards: which variables apply to which series. */
import { L, OPS } from '../names';
import { type Matcher, re } from '../promql';
import { AGENT_VARIABLE, JOB_VARIABLE, matcher, MODEL_VARIABLE, PROVIDER_VARIABLE } from '../variables';

export const JOB: readonly Matcher[] = [matcher(JOB_VARIABLE)];
/** Model-call series on the GenAI dashboards: job, provider, model and agent apply. */
export const CALLS: readonly Matcher[] = [...JOB, matcher(PROVIDER_VARIABLE), matcher(MODEL_VARIABLE), matcher(AGENT_VARIABLE)];
export const MODEL_CALLS: readonly Matcher[] = [...CALLS, re(L.operation, OPS.model)];
export const LLM_CALLS: readonly Matcher[] = [...CALLS, re(L.operation, OPS.llm)];
export const FAILED: Matcher = `${L.errorType}!=""`;

export const PM = [L.provider, L.requestModel];
export const PM_LEGEND = `{{${L.provider}}} {{${L.requestModel}}}`;
export const legend = (label: string): string => `{{${label}}}`;
