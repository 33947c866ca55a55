/**
 * Content (tool arguments and results) is recorded only when message content capture is on
 * (OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT, or start({ captureMessageContent })).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tool, traceTool } from '../../src/api';
import { runtimeSettings, setRuntimeSettings } from '../../src/config/runtime';
import { setWarningSink } from '../../src/internal/log';
import { setupTelemetry } from '../helpers/telemetry';
import { spanNamed } from './util';

delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;

class Tools {
  @tool({ name: 'add' })
  add(a: number, b: number): number {
    return a + b;
  }

  @tool({ name: 'echo' })
  async echo(text: string): Promise<{ echoed: string }> {
    return { echoed: text };
  }
}

async function runTools(): Promise<void> {
  await traceTool({ name: 'search', arguments: { q: 'secret query' } }, async () => ['secret result']);
  traceTool({ name: 'explicit', arguments: 'raw args' }, (call) => {
    call.setResult('what the model sees');
    return { internal: true };
  });
  const tools = new Tools();
  assert.equal(tools.add(2, 3), 5);
  assert.deepEqual(await tools.echo('hi'), { echoed: 'hi' });
  // A result that cannot be serialised is skipped, not thrown.
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  assert.equal(traceTool({ name: 'loop' }, () => circular), circular);
}

const CONTENT_KEYS = ['gen_ai.tool.call.arguments', 'gen_ai.tool.call.result'];

test('content is off by default: no arguments or results on tool spans', async () => {
  assert.equal(runtimeSettings().captureMessageContent, false);
  const t = setupTelemetry();
  try {
    await runTools();
    const spans = t.exporter.getFinishedSpans();
    assert.equal(spans.length, 5);
    for (const span of spans) {
      for (const key of CONTENT_KEYS) assert.equal(span.attributes[key], undefined, `${span.name} has no ${key}`);
    }
  } finally {
    await t.shutdown();
  }
});

test('content is recorded when capture is on', async () => {
  setWarningSink(() => {});
  setRuntimeSettings({ captureMessageContent: true });
  const t = setupTelemetry();
  try {
    await runTools();
    const attrs = (name: string) => spanNamed(t.exporter, `execute_tool ${name}`).attributes;
    assert.equal(attrs('search')['gen_ai.tool.call.arguments'], '{"q":"secret query"}');
    assert.equal(attrs('search')['gen_ai.tool.call.result'], '["secret result"]');
    assert.equal(attrs('explicit')['gen_ai.tool.call.arguments'], 'raw args');
    assert.equal(attrs('explicit')['gen_ai.tool.call.result'], 'what the model sees');
    assert.equal(attrs('add')['gen_ai.tool.call.arguments'], '[2,3]', 'decorator: the method arguments');
    assert.equal(attrs('add')['gen_ai.tool.call.result'], '5');
    assert.equal(attrs('echo')['gen_ai.tool.call.arguments'], 'hi', 'a single string argument as is');
    assert.equal(attrs('echo')['gen_ai.tool.call.result'], '{"echoed":"hi"}');
    assert.equal(attrs('loop')['gen_ai.tool.call.result'], undefined);
  } finally {
    setRuntimeSettings({ captureMessageContent: false });
    await t.shutdown();
  }
});
