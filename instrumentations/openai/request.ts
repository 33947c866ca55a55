/**
 * What an `openai` call asks for: its operation, the semconv request attributes read from the
 * body, and (content capture only) the request content.
 */
import type { Attributes } from '@opentelemetry/api';
import * as A from '../../src/semconv/attributes';
import { Operation } from '../../src/semconv/operations';
import { obj } from '../../src/tracing/values';
import { chatInput, responsesInput, toolDefinitions, type Message, type Part } from './content';

export type CallKind = 'chat' | 'responses' | 'embeddings' | 'transcription' | 'translation' | 'speech';

export const OPERATIONS: Record<CallKind, string> = {
  chat: Operation.Chat,
  responses: Operation.Chat,
  embeddings: Operation.Embeddings,
  transcription: Operation.SpeechToText,
  translation: Operation.SpeechToText,
  speech: Operation.TextToSpeech,
};

/** True when the call answers with a stream of events (`stream: true` where the API has streams). */
export function isStreamed(kind: CallKind, body: Record<string, any>): boolean {
  return body.stream === true && kind !== 'embeddings' && kind !== 'speech' && kind !== 'translation';
}

/** gen_ai.request.stream where the API has a stream parameter. */
export function requestStream(kind: CallKind, body: Record<string, any>): boolean | undefined {
  return kind === 'chat' || kind === 'responses' || kind === 'transcription' ? body.stream === true : undefined;
}

export const json = (value: unknown) => JSON.stringify(value);

function outputType(format: unknown): string | undefined {
  const type = obj(format)?.type;
  if (type === 'json_schema' || type === 'json_object') return 'json';
  if (type === 'text') return 'text';
  return undefined;
}

export function requestAttributes(kind: CallKind, body: Record<string, any>): Attributes {
  const a: Attributes = {};
  const set = (key: string, value: unknown) => {
    if (typeof value === 'number' && Number.isFinite(value)) a[key] = value;
    else if (typeof value === 'string' && value !== '') a[key] = value;
    else if (Array.isArray(value) && value.every((x) => typeof x === 'string')) a[key] = value as string[];
  };
  if (kind === 'chat') {
    set(A.ATTR_GEN_AI_REQUEST_TEMPERATURE, body.temperature);
    set(A.ATTR_GEN_AI_REQUEST_TOP_P, body.top_p);
    set(A.ATTR_GEN_AI_REQUEST_MAX_TOKENS, body.max_completion_tokens ?? body.max_tokens);
    set(A.ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY, body.frequency_penalty);
    set(A.ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY, body.presence_penalty);
    set(A.ATTR_GEN_AI_REQUEST_STOP_SEQUENCES, typeof body.stop === 'string' ? [body.stop] : body.stop);
    set(A.ATTR_GEN_AI_REQUEST_SEED, body.seed);
    if (typeof body.n === 'number' && body.n !== 1) set(A.ATTR_GEN_AI_REQUEST_CHOICE_COUNT, body.n);
    const modalities = body.modalities;
    set(A.ATTR_GEN_AI_OUTPUT_TYPE, Array.isArray(modalities) && modalities.includes('audio') ? 'speech' : outputType(body.response_format));
    set(A.ATTR_OPENAI_REQUEST_SERVICE_TIER, body.service_tier);
  } else if (kind === 'responses') {
    set(A.ATTR_GEN_AI_REQUEST_TEMPERATURE, body.temperature);
    set(A.ATTR_GEN_AI_REQUEST_TOP_P, body.top_p);
    set(A.ATTR_GEN_AI_REQUEST_MAX_TOKENS, body.max_output_tokens);
    set(A.ATTR_GEN_AI_OUTPUT_TYPE, outputType(obj(body.text)?.format));
    set(A.ATTR_OPENAI_REQUEST_SERVICE_TIER, body.service_tier);
    set(A.ATTR_GEN_AI_CONVERSATION_ID, typeof body.conversation === 'string' ? body.conversation : obj(body.conversation)?.id);
  } else if (kind === 'embeddings') {
    if (typeof body.encoding_format === 'string') set(A.ATTR_GEN_AI_REQUEST_ENCODING_FORMATS, [body.encoding_format]);
    set(A.ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT, body.dimensions);
  } else if (kind === 'speech') {
    set(A.ATTR_GEN_AI_OUTPUT_TYPE, 'speech');
  } else {
    set(A.ATTR_GEN_AI_REQUEST_TEMPERATURE, body.temperature);
    set(A.ATTR_GEN_AI_OUTPUT_TYPE, 'text');
  }
  return a;
}

/** Request content (instructions, input, tools) as semconv JSON attributes: content capture only. */
export function requestContent(kind: CallKind, body: Record<string, any>): Attributes {
  const a: Attributes = {};
  let system: Part[] = [];
  let input: Message[] = [];
  if (kind === 'chat') ({ system, input } = chatInput(body.messages));
  else if (kind === 'responses') ({ system, input } = responsesInput(body.instructions, body.input));
  else if (kind === 'embeddings') {
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    input = [{ role: 'user', parts: inputs.filter((x: unknown) => typeof x === 'string').map((content: string) => ({ type: 'text', content })) }];
  } else if (kind === 'speech' && typeof body.input === 'string') {
    input = [{ role: 'user', parts: [{ type: 'text', content: body.input }] }];
    if (typeof body.instructions === 'string') system = [{ type: 'text', content: body.instructions }];
  } else if (typeof body.prompt === 'string') {
    system = [{ type: 'text', content: body.prompt }];
  }
  if (system.length > 0) a[A.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS] = json(system);
  if (input.length > 0) a[A.ATTR_GEN_AI_INPUT_MESSAGES] = json(input);
  const tools = toolDefinitions(body.tools);
  if (tools.length > 0) a[A.ATTR_GEN_AI_TOOL_DEFINITIONS] = json(tools);
  return a;
}
