/**
 * The invoke_agent span of one run of a LangChain v1 agent (`createAgent`, the `langchain`
 * package's ReactAgent on LangGraph): named from the agent's `name`, ended when `invoke()`
 * settles or when the stream `stream()` gives is read to its end (or abandoned, or fails).
 * No content: the agent's input and output messages are never recorded here.
 */
import type { Tracer } from '@opentelemetry/api';
import { swallow } from '../../src/internal/errors';
import { Operation } from '../../src/semconv/operations';
import { GenAiSpan } from '../../src/tracing/genai-span';
import { observeAsyncIterator, observeStreamInPlace } from '../../src/tracing/stream-observer';
import { isThenable, obj, str } from '../../src/tracing/values';
// index.ts loads this module lazily, from inside its patches, so its exports are complete by then
// (start-up loads each instrumentation's index alone: test/core/preload-order.test.ts).
import { LANGCHAIN } from './index';

const COMPONENT = LANGCHAIN.component;

/** The agent's name as createAgent({ name }) keeps it (`options.name`); none: no agent name. */
export function startAgentSpan(tracer: Tracer, agent: unknown): GenAiSpan {
  const name = str(obj(obj(agent)?.options)?.name);
  return GenAiSpan.start(tracer, { operation: Operation.InvokeAgent, ...(name ? { agentName: name } : {}) });
}

/** `invoke()`: the span ends beside the agent's own promise, which the caller gets unchanged. */
export function settleInvoke(span: GenAiSpan, result: unknown): void {
  if (!isThenable(result)) {
    span.end();
    return;
  }
  result.then(
    () => swallow(COMPONENT, undefined, () => span.end()),
    (error: unknown) => swallow(COMPONENT, undefined, () => span.fail(error)),
  );
}

/**
 * `stream()`: a promise of LangGraph's IterableReadableStream. Its run loop starts inside the
 * call (LangChain takes the first step while setting the stream up), so the model calls and tools
 * are the span's children; the span ends when the caller's `for await` ends, stops early or fails.
 */
export function settleStream(span: GenAiSpan, result: unknown): void {
  if (!isThenable(result)) {
    span.end();
    return;
  }
  result.then(
    (stream: unknown) =>
      swallow(COMPONENT, undefined, () => {
        const observed =
          typeof stream === 'object' &&
          stream !== null &&
          observeStreamInPlace(stream, (inner) =>
            observeAsyncIterator(inner, { onEnd: ({ error }) => (error === undefined ? span.end() : span.fail(error)) }),
          );
        // A stream that cannot be observed: the run is timed to its start.
        if (!observed) span.end();
      }),
    (error: unknown) => swallow(COMPONENT, undefined, () => span.fail(error)),
  );
}
