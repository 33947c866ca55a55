/** What a traced Bedrock call runs: its span from the command's input, its result or stream recorded on it. */
import type { Attributes, Tracer } from '@opentelemetry/api';
import { runtimeSettings } from '../../src/config/runtime';
import * as A from '../../src/semconv/attributes';
import { Operation } from '../../src/semconv/operations';
import { Provider } from '../../src/semconv/providers';
import { GenAiSpan } from '../../src/tracing/genai-span';
import { observeAsyncIterator, observeStreamInPlace } from '../../src/tracing/stream-observer';
import { isAsyncIterable, obj, str, type Json } from '../../src/tracing/values';
import { converseInputContent, converseRequestAttributes, ConverseStreamState, outputMessages, recordConverse } from './converse';
import { invokeInputContent, invokeOperation, invokeOutputContent, invokeRequestAttributes, InvokeStreamState, jsonBody, recordInvoke } from './invoke';
import { clientServer } from './server';

export type Kind = 'converse' | 'converse-stream' | 'invoke' | 'invoke-stream';

export function startSpan(tracer: Tracer, client: unknown, input: Json | undefined, kind: Kind, onError: (e: unknown) => void): GenAiSpan {
  const modelId = str(input?.modelId);
  const converse = kind === 'converse' || kind === 'converse-stream';
  const request = converse ? undefined : jsonBody(input?.body);
  let attributes: Attributes = converse ? converseRequestAttributes(input) : invokeRequestAttributes(request);
  if (runtimeSettings().captureMessageContent) attributes = { ...attributes, ...(converse ? converseInputContent(input) : invokeInputContent(request)) };
  // The server may be resolved after the span starts (server.ts): it reads the span from here.
  const started: { span?: GenAiSpan } = {};
  const server = clientServer(client, () => started.span, onError);
  const span = GenAiSpan.start(tracer, {
    operation: converse ? Operation.Chat : invokeOperation(modelId, request),
    provider: Provider.AwsBedrock,
    requestModel: modelId,
    serverAddress: server?.address,
    serverPort: server?.port,
    stream: kind === 'converse-stream' || kind === 'invoke-stream',
    attributes,
  });
  started.span = span;
  return span;
}

export function settle(span: GenAiSpan, output: Json | undefined, kind: Kind | undefined): unknown {
  const capture = runtimeSettings().captureMessageContent;
  switch (kind) {
    case 'converse':
      recordConverse(span, output);
      if (capture) span.setAttributes(outputMessages(obj(obj(output?.output)?.message)?.content, str(output?.stopReason)));
      break;
    case 'invoke': {
      const body = jsonBody(output?.body);
      recordInvoke(span, body);
      if (capture && body) span.setAttributes(outputMessages(invokeOutputContent(body), undefined));
      break;
    }
    case 'converse-stream':
      return observeOutputStream(span, output, 'stream', new ConverseStreamState(capture));
    case 'invoke-stream':
      return observeOutputStream(span, output, 'body', new InvokeStreamState(capture));
  }
  span.end();
  return undefined;
}

interface StreamStateLike {
  onEvent(event: unknown): boolean;
  record(span: GenAiSpan): void;
  text(): string | undefined;
}

/**
 * The SDK's output object keeps its event stream in `stream` (ConverseStream) or `body`
 * (InvokeModelWithResponseStream): that very object is observed in place, so the caller gets the
 * SDK's own output and stream, the same events in the same order and the same errors (an
 * exception event is thrown by the SDK's iterator and passes through).
 */
function observeOutputStream(span: GenAiSpan, output: Json | undefined, key: 'stream' | 'body', state: StreamStateLike): undefined {
  const stream: unknown = output?.[key];
  const observed =
    isAsyncIterable(stream) &&
    observeStreamInPlace(stream as object, (inner) =>
      observeAsyncIterator(inner, {
        onChunk(event) {
          if (state.onEvent(event)) span.chunk();
        },
        onEnd({ error, abandoned }) {
          state.record(span);
          const text = state.text();
          if (text !== undefined) span.setAttributes(outputMessages([{ text }], undefined));
          if (abandoned) span.setAttributes({ [A.ATTR_AIMETER_RESPONSE_ABANDONED]: true });
          if (error !== undefined) span.fail(error);
          else span.end();
        },
      }),
    );
  if (!observed) span.end();
  return undefined;
}
