/**
 * The manual tracing API: wrap code that no SDK patch covers (a home-grown HTTP client, an
 * agent loop, a tool) so that it produces GenAI spans, and therefore aimeter's metrics.
 *
 *   const reply = await traceLlm({ provider: 'openai', model: 'gpt-4o-mini' }, async (call) => {
 *     const r = await myClient.chat(prompt);
 *     call.setUsage({ inputTokens: r.usage.in, outputTokens: r.usage.out });
 *     return r;
 *   });
 *
 * Every wrapper runs `fn` with its span active (so nested calls become its children), returns
 * what `fn` returns, re-throws what `fn` throws (the same object), and never throws on its own.
 */
import type { Attributes } from '@opentelemetry/api';
import { runtimeSettings } from '../config/runtime';
import * as A from '../semconv/attributes';
import { Operation } from '../semconv/operations';
import { runTraced, type CallBehaviour, type CallHandle, type TokenUsage, type TracedCall } from './call';
import { swallow } from '../internal/errors';
import { warnOnce } from '../internal/log';
import { withConversation } from '../outcomes/scope';

/** The model-call operations traceLlm accepts. */
export type LlmOperation = 'chat' | 'text_completion' | 'generate_content' | 'embeddings';

/** Handle of a traced LLM call. */
export type LlmCall = Pick<TracedCall, 'setUsage' | 'setResponse' | 'chunk' | 'setAttributes' | 'span'>;
/** Handle of a traced speech-to-text call. */
export type SpeechToTextCall = Pick<TracedCall, 'setAudioDuration' | 'setUsage' | 'setResponse' | 'chunk' | 'setAttributes' | 'span'>;
/** Handle of a traced text-to-speech call. */
export type TextToSpeechCall = Pick<
  TracedCall,
  'setCharacters' | 'setAudioSize' | 'setUsage' | 'setResponse' | 'chunk' | 'setAttributes' | 'span'
>;
/** Handle of a traced agent run. Usage reported here is a roll-up: it is never counted again. */
export interface AgentCall extends Pick<TracedCall, 'setUsage' | 'setResponse' | 'setAttributes' | 'span'> {
  /**
   * What the run achieved: success, failure, partial, a conversation outcome (resolved, ...) or
   * a word listed in AIMETER_OUTCOMES (others are recorded as _OTHER). The aimeter_outcome label
   * of aimeter_agent_runs_total and aimeter_agent_run_cost_usd_total.
   */
  setOutcome(outcome: string): void;
}
/** Handle of a traced tool execution. */
export interface ToolCall extends Pick<TracedCall, 'setAttributes' | 'span'> {
  /** Overrides the recorded result (recorded only when message content capture is on). */
  setResult(result: unknown): void;
}

interface ModelCallOptions {
  readonly provider: string;
  readonly model: string;
  readonly serverAddress?: string;
  readonly serverPort?: number;
  /** Further attributes known at start (request parameters, ids); never content unless you mean to. */
  readonly attributes?: Attributes;
  /**
   * Usage from the (awaited, non-stream) result, for calls that do not call setUsage themselves.
   * Annotate the parameter to have it type-checked: `usageFromResult: (r: Reply) => ({ ... })`.
   */
  readonly usageFromResult?: (result: any) => TokenUsage | undefined;
  /** Usage from a chunk of a returned stream (what later chunks report overwrites earlier values). */
  readonly usageFromChunk?: (chunk: any) => TokenUsage | undefined;
}

export interface LlmOptions extends ModelCallOptions {
  /** gen_ai.operation.name; 'chat' by default. */
  readonly operation?: LlmOperation;
  /** gen_ai.request.stream; set to true automatically when fn returns a stream. */
  readonly stream?: boolean;
}

export interface SpeechToTextOptions extends ModelCallOptions {
  /** Seconds of audio sent, when known up front (or call.setAudioDuration later). */
  readonly audioSeconds?: number;
  readonly stream?: boolean;
}

export interface TextToSpeechOptions extends ModelCallOptions {
  /** Characters of text sent, when known up front (or call.setCharacters later). */
  readonly characters?: number;
  readonly stream?: boolean;
}

export interface AgentOptions {
  /** gen_ai.agent.name: a label on every metric of the calls made during the run; keep it low-cardinality. */
  readonly name: string;
  readonly provider?: string;
  readonly model?: string;
  /** gen_ai.agent.id */
  readonly id?: string;
  /** gen_ai.agent.description */
  readonly description?: string;
  /** gen_ai.conversation.id: a real id from your application only. */
  readonly conversationId?: string;
  readonly attributes?: Attributes;
}

export interface ToolOptions {
  /** gen_ai.tool.name: a metric label; keep it low-cardinality. */
  readonly name: string;
  readonly type?: 'function' | 'extension' | 'datastore';
  /** gen_ai.tool.call.id, e.g. the id in the model's tool-call request. */
  readonly callId?: string;
  /** Recorded as gen_ai.tool.call.arguments only when message content capture is on. */
  readonly arguments?: unknown;
  readonly attributes?: Attributes;
}

/** What every model call (LLM or speech) starts with: its span and the shared stream/usage handling. */
function modelCall(operation: string, options: ModelCallOptions & { readonly stream?: boolean }): CallBehaviour {
  return {
    start: {
      operation,
      provider: options.provider,
      requestModel: options.model,
      serverAddress: options.serverAddress,
      serverPort: options.serverPort,
      stream: options.stream,
      attributes: options.attributes,
    },
    countChunks: true,
    markStream: true,
    usageFromResult: options.usageFromResult,
    usageFromChunk: options.usageFromChunk,
  };
}

/** Traces one model call (chat, completion, generate_content, embeddings). */
export function traceLlm<T>(options: LlmOptions, fn: (call: LlmCall) => T): T {
  return runTraced(
    () => modelCall(options.operation ?? Operation.Chat, options),
    fn,
  );
}

/** Traces one speech-to-text call (transcription). */
export function traceSpeechToText<T>(options: SpeechToTextOptions, fn: (call: SpeechToTextCall) => T): T {
  return runTraced(
    () => ({
      ...modelCall(Operation.SpeechToText, options),
      onStart: (call) => {
        if (options.audioSeconds !== undefined) call.setAudioDuration(options.audioSeconds);
      },
    }),
    fn,
  );
}

/**
 * Traces one text-to-speech call. A returned stream's first chunk is the first audio byte;
 * when its chunks (or the result) are bytes and setAudioSize was not called, their size is recorded.
 */
export function traceTextToSpeech<T>(options: TextToSpeechOptions, fn: (call: TextToSpeechCall) => T): T {
  return runTraced(
    () => ({
      ...modelCall(Operation.TextToSpeech, options),
      onStart: (call) => {
        if (options.characters !== undefined) call.setCharacters(options.characters);
      },
      onChunk: (call, chunk) => {
        const size = byteLength(chunk);
        if (size !== undefined) call.countedAudioBytes += size;
      },
      onStreamEnd: (call) => {
        if (!call.explicitAudioSize && call.countedAudioBytes > 0) call.genAi?.setAudioSize(call.countedAudioBytes);
      },
      onResult: (call, result) => {
        const size = byteLength(result);
        if (!call.explicitAudioSize && size !== undefined) call.genAi?.setAudioSize(size);
      },
    }),
    fn,
  );
}

/**
 * Traces one agent run: `invoke_agent {name}`; model and tool calls inside it carry its name
 * (and, with `conversationId`, its conversation: see withConversation).
 */
export function traceAgent<T>(options: AgentOptions, fn: (call: AgentCall) => T): T {
  const conversationId = swallow('manual-api', undefined, () => options.conversationId);
  if (conversationId !== undefined) return withConversation(conversationId, () => traceAgentRun(options, fn));
  return traceAgentRun(options, fn);
}

function traceAgentRun<T>(options: AgentOptions, fn: (call: AgentCall) => T): T {
  return runTraced(() => {
    const attributes: Attributes = { ...options.attributes };
    if (options.id) attributes[A.ATTR_GEN_AI_AGENT_ID] = options.id;
    if (options.description) attributes[A.ATTR_GEN_AI_AGENT_DESCRIPTION] = options.description;
    if (options.conversationId) attributes[A.ATTR_GEN_AI_CONVERSATION_ID] = options.conversationId;
    return {
      start: {
        operation: Operation.InvokeAgent,
        agentName: options.name,
        provider: options.provider,
        requestModel: options.model,
        attributes,
      },
      countChunks: false,
      markStream: false,
    };
  }, (call) => fn(agentHandle(call)));
}

function agentHandle(call: CallHandle): AgentCall {
  return Object.assign(Object.create(call) as CallHandle, {
    setOutcome(outcome: string) {
      swallow('manual-api', undefined, () => {
        if (typeof outcome !== 'string' || outcome === '') {
          warnOnce('agent-outcome', `aimeter: setOutcome(outcome): outcome must be a non-empty string such as "success", got ${outcome === '' ? 'an empty string' : typeof outcome}; ignored.`);
          return;
        }
        call.genAi?.span.setAttribute(A.ATTR_AIMETER_OUTCOME, outcome);
      });
    },
  });
}

/** Traces one tool execution: `execute_tool {name}`. */
export function traceTool<T>(options: ToolOptions, fn: (call: ToolCall) => T): T {
  let explicitResult: { value: unknown } | undefined;
  return runTraced(
    () => {
      const attributes: Attributes = { ...options.attributes };
      if (options.type) attributes[A.ATTR_GEN_AI_TOOL_TYPE] = options.type;
      if (options.callId) attributes[A.ATTR_GEN_AI_TOOL_CALL_ID] = options.callId;
      const capture = runtimeSettings().captureMessageContent;
      return {
        start: { operation: Operation.ExecuteTool, toolName: options.name, attributes },
        countChunks: false,
        markStream: false,
        onStart: (call) => {
          if (capture && options.arguments !== undefined) {
            setContent(call, A.ATTR_GEN_AI_TOOL_CALL_ARGUMENTS, options.arguments);
          }
        },
        onResult: (call, result) => {
          const value = explicitResult ? explicitResult.value : result;
          if (capture && value !== undefined) setContent(call, A.ATTR_GEN_AI_TOOL_CALL_RESULT, value);
        },
      } satisfies CallBehaviour;
    },
    (call) =>
      fn(
        Object.assign(Object.create(call) as CallHandle, {
          setResult(result: unknown) {
            explicitResult = { value: result };
          },
        }),
      ),
  );
}

function setContent(call: CallHandle, key: string, value: unknown): void {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (typeof text === 'string') call.genAi?.span.setAttribute(key, text);
}

function byteLength(value: unknown): number | undefined {
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  return undefined;
}
