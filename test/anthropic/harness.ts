/**
 * Shared harness for the Anthropic tests: the two SDK versions, the four ways a call can be
 * traced, and scenarios that record everything the caller observes (for differential tests).
 *
 * Modes:
 *   v0-own     @anthropic-ai/sdk 0.137.0 with its tracing off (openTelemetry: false): aimeter's span
 *   v0-native  0.137.0 with its own tracing on (default since 0.134): the SDK's span only
 *   v1-own     1.12.0 with its tracing off: aimeter's span
 *   v1-native  1.12.0 with its own tracing on (default): the SDK's span only
 */
import * as path from 'node:path';
import { AnthropicInstrumentation } from '../../instrumentations/anthropic';
import { setupTelemetry, type TestTelemetry } from '../helpers/telemetry';
import type { Exposition, Sample } from '../helpers/exposition';

export type Version = 'v0' | 'v1';
export type Mode = `${Version}-${'own' | 'native'}`;
export const MODES: readonly Mode[] = ['v0-own', 'v0-native', 'v1-own', 'v1-native'];

const REPO = path.resolve(__dirname, '..', '..', '..');
export const FIXTURE_V0 = path.join(REPO, 'test', 'fixtures', 'anthropic-v0');

export type Sdk = any;

/** Loads the SDK (after setupTelemetry, so the require hook patches it). */
export function loadSdk(version: Version): Sdk {
  const id = version === 'v0' ? require.resolve('@anthropic-ai/sdk', { paths: [FIXTURE_V0] }) : require.resolve('@anthropic-ai/sdk');
  return require(id);
}

const ORIGINAL = Symbol.for('aimeter.instrumentation-anthropic.original');

/** True when aimeter's wrapper is installed on the SDK's Messages.prototype.create. */
export function isPatched(sdk: Sdk): boolean {
  return typeof sdk.Anthropic.Messages.prototype.create[ORIGINAL] === 'function';
}

/** Runs `fn` with aimeter's wrapper removed from this SDK copy (the "without aimeter" run). */
export async function withoutAimeter<T>(sdk: Sdk, fn: () => Promise<T>): Promise<T> {
  const proto = sdk.Anthropic.Messages.prototype;
  const wrapped = proto.create;
  const original = wrapped[ORIGINAL];
  if (typeof original !== 'function') throw new Error('aimeter is not installed on this SDK');
  proto.create = original;
  try {
    return await fn();
  } finally {
    proto.create = wrapped;
  }
}

export function makeClient(sdk: Sdk, mode: Mode, url: string, extra: Record<string, unknown> = {}): Sdk {
  const native = mode.endsWith('native');
  return new sdk.Anthropic({ apiKey: 'test-key', baseURL: url, maxRetries: 0, ...(native ? {} : { openTelemetry: false }), ...extra });
}

export interface Harness {
  readonly telemetry: TestTelemetry;
  readonly instrumentation: AnthropicInstrumentation;
  readonly v0: Sdk;
  readonly v1: Sdk;
}

export function setupHarness(): Harness {
  const instrumentation = new AnthropicInstrumentation();
  const telemetry = setupTelemetry({ instrumentations: [instrumentation] });
  return { telemetry, instrumentation, v0: loadSdk('v0'), v1: loadSdk('v1') };
}

export const SONNET = 'claude-sonnet-4-6';
export const HAIKU = 'claude-haiku-4-5';

export function ask(scenario: string, model = SONNET, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model, max_tokens: 1024, messages: [{ role: 'user', content: `[scenario:${scenario}] hello` }], ...extra };
}

/** What the caller saw, as JSON, with the fake server's changing ids replaced. */
export function scrub(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) => (v instanceof Headers ? Object.fromEntries(v) : v))
      .replace(/msg_fake_\d+/g, 'msg_X')
      .replace(/req_fake_[\w]+/g, 'req_X'),
  );
}

export function describeError(error: unknown): Record<string, unknown> {
  const e = error as Record<string, unknown> & Error;
  return scrub({
    class: e?.constructor?.name,
    name: e?.name,
    message: e?.message,
    status: e?.status,
    type: e?.type,
    body: e?.error,
    requestID: e?.requestID ?? e?.request_id,
  }) as Record<string, unknown>;
}

/** Runs `fn`, returning what it resolved to or how it failed. */
export async function outcome(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    return { ok: scrub(await fn()) };
  } catch (error) {
    return { error: describeError(error) };
  }
}

/** Everything a caller can observe, per scenario: used with and without aimeter. */
export const SCENARIO_RUNS: Record<string, (client: Sdk) => Promise<unknown>> = {
  plain: (c) => c.messages.create(ask('text')),
  cached: (c) => c.messages.create(ask('cached')),
  thinking: (c) => c.messages.create(ask('thinking', SONNET, { thinking: { type: 'enabled', budget_tokens: 1024 } })),
  tool_use: (c) =>
    c.messages.create(
      ask('tool_use', HAIKU, { tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { location: { type: 'string' } } } }] }),
    ),
  with_response: async (c) => {
    const { data, response, request_id } = await c.messages.create(ask('text')).withResponse();
    return { data, status: response.status, request_id };
  },
  as_response: async (c) => {
    const response = await c.messages.create(ask('text')).asResponse();
    return { status: response.status, body: await response.json() };
  },
  stream: async (c) => {
    const stream = await c.messages.create(ask('thinking', SONNET, { stream: true }));
    const events: unknown[] = [];
    for await (const event of stream) events.push(event);
    return { events, hasController: stream.controller instanceof AbortController };
  },
  stream_break: async (c) => {
    const stream = await c.messages.create(ask('text', SONNET, { stream: true }));
    const events: unknown[] = [];
    for await (const event of stream) {
      events.push(event);
      if (events.length === 4) break;
    }
    return { events, aborted: stream.controller.signal.aborted };
  },
  stream_tee: async (c) => {
    const stream = await c.messages.create(ask('tool_use', HAIKU, { stream: true }));
    const [left, right] = stream.tee();
    const a: unknown[] = [];
    const b: unknown[] = [];
    for await (const event of left) a.push(event);
    for await (const event of right) b.push(event);
    return { a, b };
  },
  stream_readable: async (c) => {
    const stream = await c.messages.create(ask('text', SONNET, { stream: true }));
    const reader = stream.toReadableStream().getReader();
    let text = '';
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    return text;
  },
  stream_twice: async (c) => {
    const stream = await c.messages.create(ask('text', SONNET, { stream: true }));
    for await (const _ of stream) void _;
    try {
      for await (const _ of stream) void _;
      return 'iterated twice';
    } catch (error) {
      return describeError(error);
    }
  },
  helper: async (c) => {
    const stream = c.messages.stream(ask('tool_use', HAIKU));
    const seen: unknown[] = [];
    stream.on('connect', () => seen.push('connect'));
    stream.on('text', (delta: string, snapshot: string) => seen.push(['text', delta, snapshot]));
    stream.on('inputJson', (partial: string, snapshot: unknown) => seen.push(['inputJson', partial, snapshot]));
    stream.on('contentBlock', (block: unknown) => seen.push(['contentBlock', block]));
    stream.on('message', (message: unknown) => seen.push(['message', message]));
    stream.on('end', () => seen.push('end'));
    const final = await stream.finalMessage();
    const finalText = await stream.finalText();
    return { seen, final, finalText };
  },
  helper_iterate: async (c) => {
    const stream = c.messages.stream(ask('thinking'));
    const events: unknown[] = [];
    for await (const event of stream) events.push(event);
    return { events, final: await stream.finalMessage() };
  },
  helper_abort: async (c) => {
    const stream = c.messages.stream(ask('text'));
    const texts: string[] = [];
    stream.on('text', (t: string) => {
      texts.push(t);
      if (texts.length === 2) stream.abort();
    });
    const result = await outcome(() => stream.finalMessage());
    return { texts, result, aborted: stream.aborted };
  },
  rate_limit: (c) => c.messages.create(ask('rate_limit')),
  overloaded: (c) => c.messages.create(ask('overloaded')),
  server_error: (c) => c.messages.create(ask('server_error')),
  stream_error: async (c) => {
    const stream = await c.messages.create(ask('stream_overloaded', SONNET, { stream: true }));
    const events: unknown[] = [];
    try {
      for await (const event of stream) events.push(event);
      return { events };
    } catch (error) {
      return { events, error: describeError(error) };
    }
  },
  helper_error: async (c) => {
    const stream = c.messages.stream(ask('stream_overloaded'));
    const errors: unknown[] = [];
    stream.on('error', (e: unknown) => errors.push(describeError(e)));
    const result = await outcome(() => stream.finalMessage());
    return { errors, result };
  },
  timeout: (c) => c.messages.create(ask('slow'), { timeout: 100 }),
  abort: (c) => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    return c.messages.create(ask('slow'), { signal: controller.signal });
  },
};

/** Samples that do not depend on timing: every sample, except the values of time histograms (their counts stay). */
export function timingFree(exposition: Exposition): Sample[] {
  return exposition.samples
    .filter((s) => !s.name.startsWith('aimeter_internal') && !s.name.startsWith('aimeter_series'))
    .filter((s) => !/_seconds_(bucket|sum)$/.test(s.name) || /speech_to_text_audio/.test(s.name))
    .map((s) => ({ name: s.name, labels: s.labels, value: s.value }))
    .sort((a, b) => (a.name + JSON.stringify(a.labels)).localeCompare(b.name + JSON.stringify(b.labels)));
}
