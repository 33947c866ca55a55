/**
 * Template variables. Each dashboard declares only the variables that apply to its panels, and
 * each panel filters only by the variables that apply to the series it reads (a model choice
 * must not blank a tool panel, whose series have no model).
 *
 * "All": `job` and `instance` have no custom all-value, so Grafana expands "All" to the values
 * listed, i.e. aimeter's own jobs (those serving its build info), never every job in
 * Prometheus. The GenAI variables match "All" as `.*`, which also keeps calls whose label is
 * empty (model calls made outside any agent).
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { H, L, M, OPS } from './names';
import { DATASOURCE } from './panels';
import { eq, familiesFor, type Histogram, type Matcher, re, sel, variable } from './promql';

export interface VariableSpec {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  /** The label whose values the variable lists and panels match. */
  readonly promLabel: string;
  /** The series whose values are listed. */
  readonly selector: string;
  /** `.*`: "All" also matches series with the label empty. */
  readonly allValue?: '.*';
}

const JOB = variable(L.job, 'job');
/**
 * The series of a histogram in either naming, for label_values(): one selector, the families'
 * _count series by a `__name__` regex (label values are a set, so /dup lists each value once).
 */
function seriesOf(h: Histogram, matchers: readonly Matcher[]): string {
  const names = typeof h === 'string' ? [h] : familiesFor(h, matchers).map((f) => f.name);
  return `{${[re('__name__', names.map((n) => `${n}_count`).join('|')), ...matchers].join(', ')}}`;
}
const calls = (...matchers: Matcher[]) => seriesOf(H.duration, [JOB, ...matchers]);

export const JOB_VARIABLE: VariableSpec = {
  name: 'job',
  label: 'Job',
  description: `Prometheus jobs that scrape aimeter (they serve ${M.buildInfo}); "All" is all of them and nothing else.`,
  promLabel: L.job,
  selector: M.buildInfo,
};

export const INSTANCE_VARIABLE: VariableSpec = {
  name: 'instance',
  label: 'Instance',
  description: 'Instances of the chosen jobs that serve aimeter metrics.',
  promLabel: L.instance,
  selector: sel(M.buildInfo, [JOB]),
};

/** A GenAI variable: "All" matches `.*` (see the top of this file). */
export function genAiVariable(name: string, label: string, description: string, promLabel: string, selector: string): VariableSpec {
  return { name, label, description, promLabel, selector, allValue: '.*' };
}

export const PROVIDER_VARIABLE = genAiVariable('provider', 'Provider', 'Provider of model calls (gen_ai.provider.name).', L.provider, calls(re(L.operation, OPS.model)));

export const MODEL_VARIABLE = genAiVariable(
  'model',
  'Model',
  'Requested model of model calls (gen_ai.request.model); filters model-call panels only.',
  L.requestModel,
  calls(re(L.operation, OPS.model), variable(L.provider, 'provider')),
);

export const AGENT_VARIABLE = genAiVariable(
  'agent',
  'Agent',
  'The enclosing agent (gen_ai.agent.name); "All" includes calls made outside any agent.',
  L.agent,
  calls(eq(L.operation, OPS.agent)),
);

export const TOOL_VARIABLE = genAiVariable('tool', 'Tool', 'Tool of execute_tool calls (gen_ai.tool.name); filters the tool panels only.', L.tool, calls(eq(L.operation, OPS.tool)));

/** A voice-pipeline stage's own model choice: it filters that stage's panels only. */
function stageModel(name: string, label: string, stage: string, calls: string, what: string): VariableSpec {
  return genAiVariable(name, label, `Model of ${what}; filters the ${stage} panels only.`, L.requestModel, calls);
}

export const STT_MODEL_VARIABLE = stageModel('stt_model', 'Speech-to-text model', 'speech-to-text', calls(eq(L.operation, OPS.speechToText)), 'speech_to_text calls');
// Listed from the streamed calls: a voice turn waits for the LLM's first token.
export const LLM_MODEL_VARIABLE = stageModel(
  'llm_model',
  'LLM',
  'LLM',
  seriesOf(H.timeToFirstChunk, [JOB, re(L.operation, OPS.llm)]),
  'streamed text-generating calls (the LLM of a voice turn)',
);
export const TTS_MODEL_VARIABLE = stageModel('tts_model', 'Text-to-speech model', 'text-to-speech', calls(eq(L.operation, OPS.textToSpeech)), 'text_to_speech calls');

/** The matcher a panel uses to apply a variable. */
export function matcher(v: VariableSpec): Matcher {
  return variable(v.promLabel, v.name);
}

export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder('datasource').label('Data source').type('prometheus');
}

export function queryVariable(v: VariableSpec): dashboard.QueryVariableBuilder {
  const query = `label_values(${v.selector}, ${v.promLabel})`;
  const b = new dashboard.QueryVariableBuilder(v.name)
    .label(v.label)
    .description(v.description)
    .datasource(DATASOURCE)
    .query({ query, refId: 'PrometheusVariableQueryEditor-VariableQuery', qryType: 1 })
    .definition(query)
    .multi(true)
    .includeAll(true)
    .current({ selected: true, text: ['All'], value: ['$__all'] })
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
  if (v.allValue !== undefined) b.allValue(v.allValue);
  return b;
}
