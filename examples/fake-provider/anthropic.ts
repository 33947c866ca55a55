/**
 * A fake Anthropic Messages API on a loopback port, for tests and offline examples.
 *
 *   const fake = await startFakeAnthropic({ chunkDelayMs: 5 });
 *   const client = new Anthropic({ apiKey: 'test', baseURL: fake.url, maxRetries: 0 });
 *   ...
 *   await fake.close();
 *
 * `POST /v1/messages` answers with a JSON Message, or, when the body has `stream: true`, with
 * server-sent events exactly as the API sends them: `message_start` (usage with the cache counts),
 * `content_block_start`, `ping`, `content_block_delta` (`text_delta`, `thinking_delta` and
 * `signature_delta`, `input_json_delta`), `content_block_stop`, `message_delta` (stop reason and
 * final output usage), `message_stop`.
 *
 * What it answers is chosen per request: by `fake.enqueue(scenario)` (first in, first out), else
 * by a `[scenario:NAME]` marker in the request's first user message, else `text`. Token counts
 * are fixed per scenario (see SCENARIOS), so tests can assert exact numbers and dollars.
 */
import type * as http from 'node:http';
import { startHttpFake } from './http-server';

export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface FakeUsage {
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cache_creation_input_tokens: number;
  readonly cache_read_input_tokens: number;
  /** Output tokens spent thinking (part of output_tokens). */
  readonly thinking_tokens?: number;
}

export interface SuccessScenario {
  readonly kind: 'message';
  readonly content: readonly ContentBlock[];
  readonly stopReason: 'end_turn' | 'tool_use' | 'max_tokens';
  readonly usage: FakeUsage;
}

export interface ErrorScenario {
  readonly kind: 'error';
  readonly status: number;
  readonly errorType: string;
  readonly message: string;
  /** Append the text of the first user message, quoted (as content-policy errors do). */
  readonly quotePrompt?: boolean;
}

/** Streams part of a message, then an `error` event (the API's mid-stream failure). */
export interface StreamErrorScenario {
  readonly kind: 'stream_error';
  readonly errorType: string;
  readonly message: string;
}

/** Waits `delayMs` before answering with `then` (for timeouts and aborts). */
export interface SlowScenario {
  readonly kind: 'slow';
  readonly delayMs: number;
  /** A built-in success scenario's name. */
  readonly then: 'text' | 'cached' | 'thinking' | 'tool_use';
}

export type Scenario = SuccessScenario | ErrorScenario | StreamErrorScenario | SlowScenario;

/** The built-in scenarios. Text deltas are split on spaces, one delta per word. */
export const SCENARIOS = {
  text: {
    kind: 'message',
    content: [{ type: 'text', text: 'Hello! How can I help you today?' }],
    stopReason: 'end_turn',
    usage: { input_tokens: 25, output_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  },
  cached: {
    kind: 'message',
    content: [{ type: 'text', text: 'The contract renews on 1 March.' }],
    stopReason: 'end_turn',
    usage: { input_tokens: 40, output_tokens: 20, cache_creation_input_tokens: 1200, cache_read_input_tokens: 3000 },
  },
  thinking: {
    kind: 'message',
    content: [
      { type: 'thinking', thinking: 'The user asks for 17 times 23. 17 times 20 is 340, plus 51 is 391.', signature: 'sig-EqQBCgIYAhIM' },
      { type: 'text', text: '17 x 23 = 391.' },
    ],
    stopReason: 'end_turn',
    usage: {
      input_tokens: 50,
      output_tokens: 300,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      thinking_tokens: 220,
    },
  },
  tool_use: {
    kind: 'message',
    content: [
      { type: 'text', text: 'Let me check the weather.' },
      { type: 'tool_use', id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', input: { location: 'Paris', unit: 'celsius' } },
    ],
    stopReason: 'tool_use',
    usage: { input_tokens: 380, output_tokens: 45, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  },
  rate_limit: { kind: 'error', status: 429, errorType: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit' },
  overloaded: { kind: 'error', status: 529, errorType: 'overloaded_error', message: 'Overloaded' },
  server_error: { kind: 'error', status: 500, errorType: 'api_error', message: 'Internal server error' },
  invalid_prompt: { kind: 'error', status: 400, errorType: 'invalid_request_error', message: 'Prompt rejected by the usage policy', quotePrompt: true },
  stream_overloaded: { kind: 'stream_error', errorType: 'overloaded_error', message: 'Overloaded' },
  slow: { kind: 'slow', delayMs: 2_000, then: 'text' },
} as const satisfies Record<string, Scenario>;

export type ScenarioName = keyof typeof SCENARIOS;

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: unknown;
  readonly scenario: string;
}

export interface FakeAnthropicOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number;
  /** Delay before each streamed event after `message_start` (default 0). */
  readonly chunkDelayMs?: number;
}

export interface FakeAnthropic {
  /** Base URL for the client's `baseURL`, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  readonly port: number;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Answers the next request with `scenario` (a name or a custom scenario). */
  enqueue(...scenarios: Array<ScenarioName | Scenario>): void;
  close(): Promise<void>;
}

let idCounter = 0;

export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const chunkDelayMs = options.chunkDelayMs ?? 0;
  const requests: RecordedRequest[] = [];
  const queue: Array<ScenarioName | Scenario> = [];

  const server = await startHttpFake((req, res, raw) => {
    let body: unknown;
    try {
      body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      body = undefined;
    }
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method !== 'POST' || path !== '/v1/messages') {
      sendError(res, 404, 'not_found_error', `Not found: ${req.method} ${path}`);
      return;
    }
    const chosen = queue.shift() ?? scenarioFromBody(body);
    const scenario = typeof chosen === 'string' ? SCENARIOS[chosen] : chosen;
    requests.push({ method: req.method, path, headers: req.headers, body, scenario: typeof chosen === 'string' ? chosen : chosen.kind });
    void respond(res, scenario, body as Record<string, unknown> | undefined, chunkDelayMs);
  }, { port: options.port });
  return {
    url: server.url,
    port: server.port,
    requests,
    enqueue: (...scenarios) => queue.push(...scenarios),
    close: () => server.close(),
  };
}

/** The text of the first user message. */
function firstUserText(body: unknown): string {
  const messages = (body as { messages?: Array<{ content?: unknown }> } | undefined)?.messages;
  const first = messages?.[0]?.content;
  return typeof first === 'string'
    ? first
    : Array.isArray(first)
      ? first.map((part) => (typeof part?.text === 'string' ? part.text : '')).join(' ')
      : '';
}

/** `[scenario:NAME]` in the first user message's text, else `text`. */
function scenarioFromBody(body: unknown): ScenarioName {
  const text = firstUserText(body);
  const match = /\[scenario:([a-z_]+)\]/.exec(text);
  const name = match?.[1];
  return name !== undefined && name in SCENARIOS ? (name as ScenarioName) : 'text';
}

async function respond(
  res: http.ServerResponse,
  scenario: Scenario,
  body: Record<string, unknown> | undefined,
  chunkDelayMs: number,
): Promise<void> {
  try {
    if (scenario.kind === 'slow') {
      await sleep(scenario.delayMs);
      if (res.destroyed || res.writableEnded) return;
      return respond(res, SCENARIOS[scenario.then], body, chunkDelayMs);
    }
    if (scenario.kind === 'error') {
      const message = scenario.quotePrompt ? `${scenario.message}: "${firstUserText(body)}"` : scenario.message;
      sendError(res, scenario.status, scenario.errorType, message);
      return;
    }
    const model = typeof body?.model === 'string' ? body.model : 'claude-sonnet-4-5';
    const id = `msg_fake_${String(++idCounter).padStart(6, '0')}`;
    if (body?.stream === true) {
      await streamMessage(res, scenario, id, model, chunkDelayMs);
    } else {
      const message = scenario.kind === 'message' ? messageJson(scenario, id, model) : undefined;
      if (!message) {
        sendError(res, 500, 'api_error', 'stream_error scenarios need stream: true');
        return;
      }
      sendJson(res, 200, message);
    }
  } catch {
    if (!res.headersSent) res.writeHead(500);
    res.end();
  }
}

function usageJson(usage: FakeUsage, outputTokens: number, final: boolean): Record<string, unknown> {
  return {
    input_tokens: usage.input_tokens,
    cache_creation_input_tokens: usage.cache_creation_input_tokens,
    cache_read_input_tokens: usage.cache_read_input_tokens,
    cache_creation:
      usage.cache_creation_input_tokens > 0
        ? { ephemeral_5m_input_tokens: usage.cache_creation_input_tokens, ephemeral_1h_input_tokens: 0 }
        : null,
    output_tokens: outputTokens,
    output_tokens_details: final && usage.thinking_tokens !== undefined ? { thinking_tokens: usage.thinking_tokens } : null,
    server_tool_use: null,
    service_tier: 'standard',
  };
}

function messageJson(scenario: SuccessScenario, id: string, model: string): Record<string, unknown> {
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: scenario.content,
    stop_reason: scenario.stopReason,
    stop_sequence: null,
    usage: usageJson(scenario.usage, scenario.usage.output_tokens, true),
  };
}

async function streamMessage(
  res: http.ServerResponse,
  scenario: SuccessScenario | StreamErrorScenario,
  id: string,
  model: string,
  chunkDelayMs: number,
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'request-id': `req_fake_${id}`,
  });
  const success: SuccessScenario = scenario.kind === 'message' ? scenario : SCENARIOS.text;
  const send = async (event: string, data: unknown, delay = true): Promise<boolean> => {
    if (delay && chunkDelayMs > 0) await sleep(chunkDelayMs);
    if (res.destroyed || res.writableEnded) return false;
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    return true;
  };
  const start = {
    type: 'message_start',
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: usageJson(success.usage, 1, false),
    },
  };
  if (!(await send('message_start', start, false))) return;
  for (const [index, block] of success.content.entries()) {
    const opening =
      block.type === 'text'
        ? { type: 'text', text: '' }
        : block.type === 'thinking'
          ? { type: 'thinking', thinking: '', signature: '' }
          : { type: 'tool_use', id: block.id, name: block.name, input: {} };
    if (!(await send('content_block_start', { type: 'content_block_start', index, content_block: opening }))) return;
    if (index === 0 && !(await send('ping', { type: 'ping' }))) return;
    for (const delta of deltasOf(block)) {
      if (!(await send('content_block_delta', { type: 'content_block_delta', index, delta }))) return;
      if (scenario.kind === 'stream_error') {
        await send('error', { type: 'error', error: { type: scenario.errorType, message: scenario.message } });
        res.end();
        return;
      }
    }
    if (!(await send('content_block_stop', { type: 'content_block_stop', index }))) return;
  }
  const final = usageJson(success.usage, success.usage.output_tokens, true);
  const deltaUsage = {
    input_tokens: final.input_tokens,
    cache_creation_input_tokens: final.cache_creation_input_tokens,
    cache_read_input_tokens: final.cache_read_input_tokens,
    output_tokens: final.output_tokens,
    output_tokens_details: final.output_tokens_details,
    server_tool_use: null,
  };
  if (
    !(await send('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: success.stopReason, stop_sequence: null },
      usage: deltaUsage,
    }))
  )
    return;
  if (!(await send('message_stop', { type: 'message_stop' }))) return;
  res.end();
}

/** The deltas the API streams for one block. */
export function deltasOf(block: ContentBlock): Array<Record<string, string>> {
  switch (block.type) {
    case 'text':
      return splitWords(block.text).map((text) => ({ type: 'text_delta', text }));
    case 'thinking':
      return [
        ...splitWords(block.thinking).map((thinking) => ({ type: 'thinking_delta', thinking })),
        { type: 'signature_delta', signature: block.signature },
      ];
    case 'tool_use': {
      const json = JSON.stringify(block.input);
      const cut = Math.ceil(json.length / 2);
      return [
        { type: 'input_json_delta', partial_json: '' },
        { type: 'input_json_delta', partial_json: json.slice(0, cut) },
        { type: 'input_json_delta', partial_json: json.slice(cut) },
      ];
    }
  }
}

/** Number of `content_block_delta` events a success scenario streams. */
export function deltaCount(scenario: SuccessScenario): number {
  return scenario.content.reduce((n, block) => n + deltasOf(block).length, 0);
}

function splitWords(text: string): string[] {
  return text.split(/(?<= )/);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_fake_${++idCounter}` });
  res.end(text);
}

function sendError(res: http.ServerResponse, status: number, type: string, message: string): void {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'request-id': `req_fake_err_${++idCounter}`,
    // Tells the SDK not to retry, so one call is one request whatever the client's maxRetries.
    'x-should-retry': 'false',
  };
  if (status === 429) headers['retry-after'] = '1';
  res.writeHead(status, headers);
  res.end(JSON.stringify({ type: 'error', error: { type, message }, request_id: headers['request-id'] }));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
