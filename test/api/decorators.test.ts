/**
 * Decorators: TypeScript 5 standard decorators (this file is compiled with
 * experimentalDecorators off, so `@llm(...)` below is the standard form) and the legacy
 * `(target, key, descriptor)` form, invoked by hand as the legacy emit would.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeCall, agent, llm, speechToText, textToSpeech, tool } from '../../src/api';
import { setWarningSink } from '../../src/internal/log';
import { setupTelemetry } from '../helpers/telemetry';
import { sum } from '../helpers/exposition';
import { close, parentId, spanNamed } from './util';

interface Reply {
  readonly text: string;
  readonly usage: { readonly input: number; readonly output: number };
}

class Assistant {
  readonly greeting = 'Hi';

  @agent({ name: 'concierge', provider: 'openai' })
  async handle(question: string): Promise<string> {
    const first = await this.complete(question);
    const weather = this.weather('paris');
    return `${first.text} ${weather}`;
  }

  @llm({ provider: 'openai', model: 'gpt-4o-mini', usageFromResult: (r: Reply) => ({ inputTokens: r.usage.input, outputTokens: r.usage.output }) })
  async complete(question: string): Promise<Reply> {
    return { text: `${this.greeting}, ${question}`, usage: { input: 100, output: 20 } };
  }

  // Options from the call's arguments; a sync method.
  @tool((city: string) => ({ name: `weather`, type: 'function', callId: `call-${city}` }))
  weather(city: string): string {
    return `${this.greeting} from ${city}`;
  }

  // Options from `this`.
  @tool(function (this: Assistant) {
    return { name: this.greeting.toLowerCase() };
  })
  wave(): string {
    return 'wave';
  }

  @speechToText({ provider: 'openai', model: 'whisper-1' })
  transcribe(seconds: number): string {
    activeCall()?.setAudioDuration(seconds);
    return 'transcript';
  }

  @textToSpeech({ provider: 'openai', model: 'tts-1' })
  async speak(text: string): Promise<Uint8Array> {
    activeCall()?.setCharacters(text.length);
    return new Uint8Array(256);
  }

  static calls = 0;

  @llm({ provider: 'openai', model: 'gpt-4o' })
  static count(): number {
    return ++Assistant.calls;
  }
}

test('standard decorators: spans, nesting, this, arguments and return values', async () => {
  const t = setupTelemetry();
  try {
    const assistant = new Assistant();
    assert.equal(await assistant.handle('where?'), 'Hi, where? Hi from paris');
    assert.equal(assistant.wave(), 'wave');
    assert.equal(Assistant.count(), 1);
    assert.equal(assistant.handle.name, 'handle', 'the method keeps its name');
    assert.equal(assistant.weather.length, 1, 'and its arity');

    const agentSpan = spanNamed(t.exporter, 'invoke_agent concierge');
    const llmSpan = spanNamed(t.exporter, 'chat gpt-4o-mini');
    const toolSpan = spanNamed(t.exporter, 'execute_tool weather');
    assert.equal(parentId(llmSpan), agentSpan.spanContext().spanId);
    assert.equal(parentId(toolSpan), agentSpan.spanContext().spanId);
    assert.equal(toolSpan.attributes['gen_ai.tool.call.id'], 'call-paris');
    assert.equal(llmSpan.attributes['gen_ai.usage.input_tokens'], 100);
    spanNamed(t.exporter, 'execute_tool hi');
    spanNamed(t.exporter, 'chat gpt-4o');

    const m = t.scrape();
    assert.equal(sum(m, 'aimeter_tokens_total', { gen_ai_agent_name: 'concierge', gen_ai_token_type: 'output' }), 20);
    close(sum(m, 'aimeter_cost_usd_total', { gen_ai_request_model: 'gpt-4o-mini' }), (100 * 0.15 + 20 * 0.6) / 1e6, 'decorated LLM cost');
    assert.equal(sum(m, 'aimeter_agent_model_calls_sum', { gen_ai_agent_name: 'concierge' }), 1);
    assert.equal(sum(m, 'aimeter_agent_tool_calls_sum', { gen_ai_agent_name: 'concierge' }), 1);
  } finally {
    await t.shutdown();
  }
});

test('standard decorators: speech methods report through activeCall()', async () => {
  const t = setupTelemetry();
  try {
    const assistant = new Assistant();
    assert.equal(assistant.transcribe(60), 'transcript');
    assert.equal((await assistant.speak('hello')).byteLength, 256);
    assert.equal(spanNamed(t.exporter, 'speech_to_text whisper-1').attributes['aimeter.speech.audio.duration'], 60);
    const tts = spanNamed(t.exporter, 'text_to_speech tts-1');
    assert.equal(tts.attributes['aimeter.speech.characters'], 5);
    assert.equal(tts.attributes['aimeter.speech.audio.size'], 256);
    // whisper-1 $0.006/min * 1 min + tts-1 5 chars * $15/1M.
    close(sum(t.scrape(), 'aimeter_cost_usd_total'), 0.006 + (5 * 15) / 1e6, 'speech cost');
  } finally {
    await t.shutdown();
  }
});

test('legacy decorators: (target, key, descriptor) returns a descriptor wrapping the method', async () => {
  class Legacy {
    constructor(readonly prefix: string) {}
    lookup(id: string): string {
      return `${this.prefix}:${id}`;
    }
    async run(): Promise<string> {
      return this.lookup('7');
    }
    async fail(): Promise<never> {
      throw new RangeError('nope');
    }
  }
  // What TypeScript's legacy emit (__decorate) does for each decorated method.
  const decorate = (decorator: ReturnType<typeof tool>, key: keyof Legacy) => {
    const descriptor = Object.getOwnPropertyDescriptor(Legacy.prototype, key)!;
    const result = (decorator as (t: object, k: string, d: PropertyDescriptor) => PropertyDescriptor | void)(Legacy.prototype, key, descriptor);
    assert.ok(result && typeof result.value === 'function');
    assert.notEqual(result.value, descriptor.value);
    Object.defineProperty(Legacy.prototype, key, result);
  };
  decorate(tool((id: string) => ({ name: `lookup`, callId: id })), 'lookup');
  decorate(agent({ name: 'legacy-agent' }), 'run');
  decorate(llm({ provider: 'openai', model: 'gpt-4o-mini' }), 'fail');

  const t = setupTelemetry();
  try {
    const instance = new Legacy('p');
    assert.equal(await instance.run(), 'p:7');
    const error = await instance.fail().catch((e: unknown) => e);
    assert.ok(error instanceof RangeError);
    const agentSpan = spanNamed(t.exporter, 'invoke_agent legacy-agent');
    const toolSpan = spanNamed(t.exporter, 'execute_tool lookup');
    assert.equal(parentId(toolSpan), agentSpan.spanContext().spanId);
    assert.equal(toolSpan.attributes['gen_ai.tool.call.id'], '7');
    assert.equal(spanNamed(t.exporter, 'chat gpt-4o-mini').attributes['error.type'], 'RangeError');
  } finally {
    await t.shutdown();
  }
});

test('decorators leave non-methods alone, and a throwing options function runs the method untraced', async () => {
  const standard = llm({ provider: 'openai', model: 'm' }) as unknown as (v: unknown, c: { kind: string }) => unknown;
  assert.equal(standard(undefined, { kind: 'field' }), undefined);
  const legacy = llm({ provider: 'openai', model: 'm' }) as unknown as (t: object, k: string, d?: PropertyDescriptor) => unknown;
  const getter = { get: () => 1, configurable: true };
  assert.equal(legacy({}, 'x', getter), getter);

  setWarningSink(() => {});
  const t = setupTelemetry();
  try {
    const broken = tool(() => {
      throw new Error('options exploded');
    }) as unknown as (v: (this: { n: number }) => number, c: { kind: string }) => (this: { n: number }) => number;
    const method = broken(function (this: { n: number }) {
      return this.n;
    }, { kind: 'method' });
    assert.equal(method.call({ n: 3 }), 3);
    assert.equal(t.exporter.getFinishedSpans().length, 0);
  } finally {
    await t.shutdown();
  }
});
