/**
 * aimeter / Voice pipeline. A voice turn goes through three models (speech-to-text, an LLM,
 * text-to-speech), so each stage has its own model variable and each panel filters by its stage's
 * only: choosing the LLM never blanks the speech panels.
 */
import type { AimeterDashboardSpec } from '../aimeter-dashboard';
import { H, L, M, OPS } from '../names';
import type { PanelSpec } from '../panels';
import { callRate, eq, increase, mean, quantile, RANGE, rate, ratioOrZero, re, sumBy } from '../promql';
import { JOB_VARIABLE, LLM_MODEL_VARIABLE, matcher, STT_MODEL_VARIABLE, TTS_MODEL_VARIABLE } from '../variables';
import { FAILED, JOB, legend, PM, PM_LEGEND } from './filters';

const STT = [...JOB, eq(L.operation, OPS.speechToText), matcher(STT_MODEL_VARIABLE)];
const LLM = [...JOB, re(L.operation, OPS.llm), matcher(LLM_MODEL_VARIABLE)];
const TTS = [...JOB, eq(L.operation, OPS.textToSpeech), matcher(TTS_MODEL_VARIABLE)];

const errorRatio = (stage: readonly string[]) => ratioOrZero(callRate(PM, [...stage, FAILED]), callRate(PM, stage));

const glance: PanelSpec[] = [
  {
    kind: 'stat',
    title: 'Audio transcribed in time range',
    description: 'Minutes of audio sent to speech-to-text over the dashboard time range.',
    unit: 'm',
    w: 6,
    queries: [{ expr: `${sumBy([], increase(M.speechToTextAudio, STT))} / 60` }],
  },
  {
    kind: 'stat',
    title: 'Characters synthesized in time range',
    description: 'Characters of text sent to text-to-speech over the dashboard time range.',
    unit: 'suffix: chars',
    w: 6,
    queries: [{ expr: sumBy([], increase(M.textToSpeechCharacters, TTS)) }],
  },
  {
    kind: 'stat',
    title: 'Speech-to-text real-time factor (mean)',
    description:
      'Processing seconds per second of audio over the time range; above 1 transcription is slower than real time. Alert: AimeterSpeechToTextSlowerThanRealTime.',
    unit: 'suffix:x',
    decimals: 2,
    w: 6,
    queries: [{ expr: mean(M.speechToTextRealTimeFactor, [], STT, RANGE) }],
    thresholds: [{ value: 1, color: 'red' }],
  },
  {
    kind: 'stat',
    title: 'p95 time to first audio byte',
    description: 'Time from a text-to-speech request to its first audio byte (aimeter\'s own metric, in every conventions mode), 95th percentile over the time range.',
    unit: 's',
    w: 6,
    queries: [{ expr: quantile(0.95, M.textToSpeechTimeToFirstAudio, [], TTS, RANGE) }],
  },
];

const turn: PanelSpec[] = [
  {
    kind: 'bargauge',
    title: 'Voice turn: p95 of each stage',
    description:
      'What a voice turn waits for, side by side, over the time range: the speech-to-text call, the LLM until its first token, and text-to-speech until its first audio byte.',
    unit: 's',
    queries: [
      { expr: quantile(0.95, H.duration, [], STT, RANGE), legend: 'speech-to-text (duration)' },
      { expr: quantile(0.95, H.timeToFirstChunk, [], LLM, RANGE), legend: 'LLM (time to first token)' },
      { expr: quantile(0.95, M.textToSpeechTimeToFirstAudio, [], TTS, RANGE), legend: 'text-to-speech (time to first audio byte)' },
    ],
  },
  {
    kind: 'timeseries',
    title: 'p95 latency: speech-to-text, LLM, text-to-speech',
    description: 'Full call duration of each stage. Exemplars link to the traces of slow calls.',
    unit: 's',
    queries: [
      { expr: quantile(0.95, H.duration, [], STT), legend: 'speech-to-text', exemplar: true },
      { expr: quantile(0.95, H.duration, [], LLM), legend: 'LLM', exemplar: true },
      { expr: quantile(0.95, H.duration, [], TTS), legend: 'text-to-speech', exemplar: true },
    ],
  },
];

/**
 * Whole turns (traceTurn): what the caller feels, user silence -> agent speech. Turn series carry
 * no model, so only the job applies to them.
 */
const turns = (by: readonly string[], matchers: readonly string[]) => sumBy(by, rate(M.turns, [...JOB, ...matchers]));
const turnLatency: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Turn latency p50 / p95 (user stops speaking -> agent speaks)',
    description:
      'End-to-end voice turn latency, marked by the app or from the end of speech-to-text to the first audio byte. Buckets 50 ms apart up to 0.5 s. Alert: AimeterTurnLatencyHigh.',
    unit: 's',
    queries: [0.5, 0.95].map((q) => ({ expr: quantile(q, M.turnLatency, [], JOB), legend: `p${Math.round(q * 100)}` })),
  },
  {
    kind: 'timeseries',
    title: 'Where a turn waits (mean per phase)',
    description: 'Mean time per phase of a turn, stacked: the speech-to-text call, the LLM until its first token, text-to-speech until its first audio byte.',
    unit: 's',
    stack: true,
    queries: [{ expr: mean(M.turnPhaseDuration, [L.turnPhase], JOB), legend: legend(L.turnPhase) }],
  },
  {
    kind: 'timeseries',
    title: 'Interruption rate',
    description: 'Share of turns the caller interrupted (barged in on the agent), and of turns that failed.',
    unit: 'percentunit',
    min: 0,
    queries: [
      { expr: ratioOrZero(turns([], [eq(L.turnEndReason, 'interrupted')]), turns([], [])), legend: 'interrupted' },
      { expr: ratioOrZero(turns([], [eq(L.turnEndReason, 'error')]), turns([], [])), legend: 'error' },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Turn latency p95 by variant',
    description: 'End-to-end turn latency, 95th percentile, per variant (aimeter_variant).',
    unit: 's',
    queries: [{ expr: quantile(0.95, M.turnLatency, [L.variant], JOB), legend: legend(L.variant) }],
  },
];

const speechToText: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Speech-to-text real-time factor p50 / p95 by model',
    description: 'Processing seconds per second of audio; the dashed line is real time.',
    unit: 'suffix:x',
    queries: [0.5, 0.95].map((q) => ({ expr: quantile(q, M.speechToTextRealTimeFactor, PM, STT), legend: `p${Math.round(q * 100)} ${PM_LEGEND}` })),
    thresholds: [{ value: 1, color: 'red' }],
    showThresholds: true,
  },
  {
    kind: 'timeseries',
    title: 'Audio transcribed (minutes per hour) by model',
    description: 'Minutes of audio transcribed per hour of wall time.',
    unit: 'suffix: min/h',
    queries: [{ expr: `${sumBy(PM, rate(M.speechToTextAudio, STT))} * 60`, legend: PM_LEGEND }],
  },
];

const textToSpeech: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Time to first audio byte p50 / p95 by model',
    description: 'Text-to-speech time to first audio byte. Alert: the text_to_speech time-to-first-chunk objective.',
    unit: 's',
    queries: [0.5, 0.95].map((q) => ({ expr: quantile(q, M.textToSpeechTimeToFirstAudio, PM, TTS), legend: `p${Math.round(q * 100)} ${PM_LEGEND}`, exemplar: true })),
  },
  {
    kind: 'timeseries',
    title: 'Characters synthesized / s by model',
    description: 'Characters sent to text-to-speech per second.',
    unit: 'suffix: chars/s',
    queries: [{ expr: sumBy(PM, rate(M.textToSpeechCharacters, TTS)), legend: PM_LEGEND }],
  },
  {
    kind: 'timeseries',
    title: 'Audio synthesized / s by model',
    description: 'Bytes of audio returned by text-to-speech per second.',
    unit: 'Bps',
    queries: [{ expr: sumBy(PM, rate(M.textToSpeechAudioSize, TTS)), legend: PM_LEGEND }],
  },
  {
    kind: 'timeseries',
    title: 'Speech error % by model',
    description: 'Share of speech-to-text and of text-to-speech calls that failed.',
    unit: 'percentunit',
    min: 0,
    queries: [
      { expr: errorRatio(STT), legend: `speech-to-text ${PM_LEGEND}` },
      { expr: errorRatio(TTS), legend: `text-to-speech ${PM_LEGEND}` },
    ],
  },
];

export const voice: AimeterDashboardSpec = {
  uid: 'aimeter-voice',
  title: 'aimeter / Voice pipeline',
  description: 'Speech-to-text, LLM and text-to-speech latency side by side, real-time factor, audio and characters.',
  variables: [JOB_VARIABLE, STT_MODEL_VARIABLE, LLM_MODEL_VARIABLE, TTS_MODEL_VARIABLE],
  rows: [
    { title: 'At a glance (time range)', panels: glance },
    { title: 'A voice turn', panels: turn },
    { title: 'Turn latency (what the caller feels)', panels: turnLatency },
    { title: 'Speech-to-text', panels: speechToText },
    { title: 'Text-to-speech', panels: textToSpeech },
  ],
};
