/**
 * The kit's parent resolvers (src/tracing/framework-parent.ts): a span started without an
 * explicit parent takes the first resolver's answer, an explicit parent always wins, and a
 * resolver that throws is counted and leaves the active context in place.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { internalErrorCounts } from '../../src/internal/errors';
import { registerParentResolver } from '../../src/tracing/framework-parent';
import { GenAiSpan } from '../../src/tracing/genai-span';

test('parent resolvers: the answer is the parent, an explicit parent wins, a throwing resolver is counted and ignored', () => {
  const exporter = new InMemorySpanExporter();
  const tracer = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('t');
  const agent = tracer.startSpan('invoke_agent a');
  const agentContext = trace.setSpan(ROOT_CONTEXT, agent);
  let answer: typeof agentContext | undefined = agentContext;
  registerParentResolver('test-framework', () => answer);

  const resolved = GenAiSpan.start(tracer, { operation: 'chat', provider: 'openai' });
  assert.equal(resolved.span.spanContext().traceId, agent.spanContext().traceId);
  const explicit = GenAiSpan.start(tracer, { operation: 'chat', provider: 'openai', parent: ROOT_CONTEXT });
  assert.notEqual(explicit.span.spanContext().traceId, agent.spanContext().traceId);

  answer = undefined; // nothing to say: the active context stays
  const active = context.active();
  assert.equal(GenAiSpan.start(tracer, { operation: 'chat', provider: 'openai' }).parent, active);

  const before = internalErrorCounts().get('test-framework') ?? 0;
  registerParentResolver('test-framework', () => {
    throw new Error('resolver bug');
  });
  assert.equal(GenAiSpan.start(tracer, { operation: 'chat', provider: 'openai' }).parent, active);
  assert.equal(internalErrorCounts().get('test-framework'), before + 1, 'one registration per component: the throwing one replaced the first');
  registerParentResolver('test-framework', () => undefined);
});
