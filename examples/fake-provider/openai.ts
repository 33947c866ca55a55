/**
 * A loopback fake of the OpenAI HTTP API, for tests, the demo app and the benchmarks.
 *
 *   const fake = await startFakeOpenAI({ chunkDelayMs: 2 });
 *   const client = new OpenAI({ apiKey: 'test', baseURL: fake.url, maxRetries: 0 });
 *   ...
 *   await fake.close();
 *
 * It speaks the real wire format (JSON bodies, SSE exactly as OpenAI sends it, error bodies and
 * status codes) and answers deterministically. Everything it returns is computed from the request
 * by the rules below, so a test can compute the expected numbers by hand.
 *
 * Token counting: `words(text)` = number of whitespace-separated words (/\S+/g).
 *   - Chat completions: prompt_tokens = sum over messages of (3 + words(text of the message))
 *     + 8 per tool definition. The text of a message is its string content, or the `text` of its
 *     text parts joined by ' ', plus the `arguments` of its tool calls.
 *     If the request has `prompt_cache_key`, prompt_tokens_details.cached_tokens =
 *     floor(prompt_tokens / 2). If it has `reasoning_effort`, 16 reasoning tokens are added to
 *     completion_tokens (completion_tokens_details.reasoning_tokens = 16).
 *   - Reply: when the request has tools and the last message is not a tool result, the model calls
 *     the first tool: one tool call (id `call_fake_1`), arguments = a JSON object whose keys are the
 *     tool's declared parameter properties, each with the value "fake"; completion_tokens = 10.
 *     Otherwise the reply text is `Fake reply to: <text of the last message>`, and
 *     completion_tokens = words(reply). With max_completion_tokens / max_tokens = n below that,
 *     the reply is cut to n words and finish_reason is 'length'. `n` > 1 repeats the choice.
 *   - Streaming chat: a first chunk with `{role:'assistant', content:''}`, then one chunk per word
 *     (' word' after the first), then a chunk with the finish_reason; with
 *     stream_options.include_usage every chunk has `usage: null` and a last chunk with
 *     `choices: []` carries the usage; then `data: [DONE]`.
 *   - Responses API: input_tokens = words(instructions) + sum over input items (3 + words(text))
 *     (+ 8 per tool); same reply rules (a `function_call_output` last item counts as a tool result);
 *     cached/reasoning as above (`prompt_cache_key`, `reasoning.effort`). Streaming sends
 *     response.created, response.in_progress, output_item.added, content_part.added,
 *     output_text.delta per word, output_text.done, content_part.done, output_item.done,
 *     response.completed (with usage).
 *   - Embeddings: prompt_tokens = sum of words(input) over the inputs; vectors of `dimensions`
 *     (default 8) floats; base64 when encoding_format is 'base64' (the SDK's default).
 *   - Transcriptions / translations: the audio duration is read from a WAV header when the upload
 *     is a RIFF/WAVE file, otherwise bytes / 32000 (16 kHz, 16-bit mono PCM). Text =
 *     `Fake transcript of <duration to 2 decimals> seconds of audio.` (translations: `Fake
 *     translation of ...`). `json`: `{text, usage}` where usage is `{type:'duration',
 *     seconds: ceil(duration)}` for whisper-1 and `{type:'tokens', input_tokens, output_tokens,
 *     total_tokens, input_token_details:{audio_tokens, text_tokens}}` for other models, with
 *     audio_tokens = ceil(duration * 10), text_tokens = words(prompt), output_tokens = words(text).
 *     Translations' `json` has no usage. `verbose_json`: adds task, language, duration, segments
 *     (and usage for transcriptions). `text`/`srt`/`vtt`: plain text. Transcriptions with
 *     `stream=true` answer with SSE transcript.text.delta events and a transcript.text.done
 *     event carrying the token usage.
 *   - Speech: audio seconds = characters(input) / 20 (20 characters per second); `pcm` is 24 kHz
 *     16-bit mono (48000 bytes per second), `wav` is that plus a 44-byte header, every other
 *     format is 16000 bytes per second of filler. The body is sent in 4096-byte chunks with
 *     `chunkDelayMs` between them, so time to first byte is measurable.
 *
 * Failures, chosen by the model name (any endpoint): `fail-429` (rate limit body, 429),
 * `fail-500`, `fail-400`, `fail-400-quote` (a 400 whose message quotes the text of the last
 * message, or the `input`, as content-policy errors of real providers do), `slow-<ms>` (answers
 * after <ms> milliseconds: for client timeouts), `fail-midstream` (streams two chunks, then
 * destroys the connection). With the option `rejectStreamOptions`, a request carrying
 * `stream_options` gets the 400 that OpenAI-compatible servers without that parameter send
 * (`Unrecognized request argument supplied: stream_options`).
 *
 * Scripted replies (`script` option): any status and body, e.g. usage of 1e308 tokens, negative
 * or non-numeric counts, cached_tokens above prompt_tokens, error codes with quotes or newlines.
 *
 * Response models: `gpt-4o-mini` and `gpt-4o` answer with their dated snapshot name (as OpenAI
 * does); other models are echoed.
 */
import type http from 'node:http';
import { startHttpFake } from './http-server';

export interface FakeOpenAIOptions {
  /** How long an idle keep-alive connection stays open (Node's default: 5 s). The benchmarks raise it: a client slowed down by valgrind otherwise races the server's close. */
  readonly keepAliveTimeoutMs?: number;
  /** Port to listen on (default 0: any free port). Always binds 127.0.0.1. */
  readonly port?: number;
  /** Delay before the response headers are sent, in ms (default 0). */
  readonly latencyMs?: number;
  /** Delay between streamed chunks (SSE events, audio chunks), in ms (default 0). */
  readonly chunkDelayMs?: number;
  /**
   * A misbehaving provider, for fault-injection tests: called with each request's path and JSON
   * body; a reply it returns is sent instead of the normal answer (`body` as raw text when a
   * string, so that invalid JSON such as `NaN` can be sent; else JSON-encoded).
   */
  readonly script?: (request: { readonly path: string; readonly body: any }) => ScriptedReply | undefined;
  /** Answer requests that carry `stream_options` with a 400, as servers that do not know it do. */
  readonly rejectStreamOptions?: boolean;
}

export interface ScriptedReply {
  readonly status?: number;
  readonly body: unknown;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  /** Parsed JSON body, the fields of a multipart body (files as {filename, size}), or undefined. */
  readonly body: any;
}

export interface FakeOpenAI {
  /** Base URL for the OpenAI client, e.g. http://127.0.0.1:PORT/v1 */
  readonly url: string;
  readonly port: number;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

const SNAPSHOTS: Record<string, string> = {
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-4o': 'gpt-4o-2024-08-06',
};

export function words(text: string): number {
  return (text.match(/\S+/g) ?? []).length;
}

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = [];
  let counter = 0;
  const server = await startHttpFake((req, res, raw) => {
    const ctx = new Ctx(req, res, raw, options, ++counter);
    requests.push({ method: req.method ?? '', path: ctx.path, headers: req.headers, body: ctx.recordedBody() });
    ctx.handle().catch((error) => {
      if (!res.headersSent) json(res, 500, { error: { message: String(error), type: 'server_error', param: null, code: null } });
      else res.destroy();
    });
  }, { port: options.port, keepAliveTimeoutMs: options.keepAliveTimeoutMs });
  return {
    url: `${server.url}/v1`,
    port: server.port,
    requests,
    close: () => server.close(),
  };
}

// ---------------------------------------------------------------------------------------------

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve());

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-request-id': `req_fake_${status}`,
    ...headers,
  });
  res.end(text);
}

interface MultipartField {
  name: string;
  filename?: string;
  data: Buffer;
}

function parseMultipart(raw: Buffer, contentType: string): MultipartField[] {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!m) return [];
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
  const fields: MultipartField[] = [];
  let pos = raw.indexOf(boundary);
  while (pos !== -1) {
    const start = pos + boundary.length;
    if (raw.subarray(start, start + 2).toString() === '--') break;
    const headerEnd = raw.indexOf('\r\n\r\n', start);
    if (headerEnd === -1) break;
    const headers = raw.subarray(start, headerEnd).toString('utf8');
    const next = raw.indexOf(boundary, headerEnd);
    if (next === -1) break;
    const data = raw.subarray(headerEnd + 4, next - 2); // strip the CRLF before the boundary
    const name = /name="([^"]*)"/i.exec(headers)?.[1] ?? '';
    const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
    fields.push({ name, ...(filename !== undefined ? { filename } : {}), data });
    pos = next;
  }
  return fields;
}

/** Seconds of audio in an upload: WAV header when present, else 16 kHz 16-bit mono PCM. */
export function fakeAudioSeconds(data: Buffer): number {
  if (data.length >= 44 && data.toString('ascii', 0, 4) === 'RIFF' && data.toString('ascii', 8, 12) === 'WAVE') {
    let offset = 12;
    let byteRate = 0;
    while (offset + 8 <= data.length) {
      const id = data.toString('ascii', offset, offset + 4);
      const size = data.readUInt32LE(offset + 4);
      if (id === 'fmt ') byteRate = data.readUInt32LE(offset + 16);
      if (id === 'data' && byteRate > 0) return Math.min(size, data.length - offset - 8) / byteRate;
      offset += 8 + size + (size % 2);
    }
  }
  return data.length / 32000;
}

function messageText(message: any): string {
  const parts: string[] = [];
  const content = message?.content;
  if (typeof content === 'string') parts.push(content);
  else if (Array.isArray(content)) {
    for (const p of content) if (p && typeof p.text === 'string') parts.push(p.text);
  }
  if (Array.isArray(message?.tool_calls)) {
    for (const tc of message.tool_calls) if (typeof tc?.function?.arguments === 'string') parts.push(tc.function.arguments);
  }
  if (typeof message?.output === 'string') parts.push(message.output); // function_call_output
  if (typeof message?.arguments === 'string') parts.push(message.arguments); // function_call
  return parts.join(' ');
}

function fakeArguments(parameters: any): string {
  const props = parameters && typeof parameters === 'object' ? parameters.properties : undefined;
  const out: Record<string, string> = {};
  if (props && typeof props === 'object') for (const key of Object.keys(props)) out[key] = 'fake';
  return JSON.stringify(out);
}

interface Plan {
  /** Text reply (split into words for streaming). */
  text?: string;
  toolCall?: { name: string; arguments: string };
  finishReason: string;
  completionTokens: number;
}

function planReply(lastText: string, tool: { name: string; parameters: any } | undefined, maxTokens: number | undefined): Plan {
  if (tool) return { toolCall: { name: tool.name, arguments: fakeArguments(tool.parameters) }, finishReason: 'tool_calls', completionTokens: 10 };
  const all = `Fake reply to: ${lastText}`.match(/\S+/g) ?? [];
  const cut = maxTokens !== undefined && maxTokens < all.length ? all.slice(0, maxTokens) : all;
  return { text: cut.join(' '), finishReason: cut.length < all.length ? 'length' : 'stop', completionTokens: cut.length };
}

class Ctx {
  readonly path: string;
  private readonly body: any;
  private readonly multipart: MultipartField[] | undefined;

  constructor(
    private readonly req: http.IncomingMessage,
    private readonly res: http.ServerResponse,
    raw: Buffer,
    private readonly options: FakeOpenAIOptions,
    private readonly n: number,
  ) {
    this.path = (req.url ?? '').split('?')[0]!.replace(/^\/openai\/deployments\/[^/]+/, '/v1');
    const type = String(req.headers['content-type'] ?? '');
    if (type.startsWith('multipart/form-data')) {
      this.multipart = parseMultipart(raw, type);
      const fields: Record<string, unknown> = {};
      for (const f of this.multipart) fields[f.name] = f.filename !== undefined ? { filename: f.filename, size: f.data.length } : f.data.toString('utf8');
      this.body = fields;
    } else if (raw.length > 0) {
      try {
        this.body = JSON.parse(raw.toString('utf8'));
      } catch {
        this.body = undefined;
      }
    }
  }

  recordedBody(): any {
    return this.body;
  }

  async handle(): Promise<void> {
    const model = String(this.body?.model ?? '');
    await sleep(this.options.latencyMs ?? 0);
    const scripted = this.options.script?.({ path: this.path, body: this.body });
    if (scripted) {
      const text = typeof scripted.body === 'string' ? scripted.body : JSON.stringify(scripted.body);
      this.res.writeHead(scripted.status ?? 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      this.res.end(text);
      return;
    }
    const slow = /^slow-(\d+)$/.exec(model);
    if (slow) await sleep(Number(slow[1]));
    if (model === 'fail-429') {
      return json(
        this.res,
        429,
        { error: { message: 'Rate limit reached for requests (fake).', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
        { 'retry-after': '1', 'x-ratelimit-remaining-requests': '0' },
      );
    }
    if (model === 'fail-500') {
      return json(this.res, 500, {
        error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null },
      });
    }
    if (model === 'fail-400') {
      return json(this.res, 400, { error: { message: "Invalid value for 'model' (fake).", type: 'invalid_request_error', param: 'model', code: null } });
    }
    if (model === 'fail-400-quote') {
      const messages = Array.isArray(this.body?.messages) ? this.body.messages : undefined;
      const quoted = messages ? messageText(messages[messages.length - 1]) : typeof this.body?.input === 'string' ? this.body.input : JSON.stringify(this.body?.input ?? '');
      return json(this.res, 400, {
        error: { message: `Invalid prompt: '${quoted}' was flagged by the usage policy (fake).`, type: 'invalid_request_error', param: 'messages', code: 'invalid_prompt' },
      });
    }
    if (this.options.rejectStreamOptions && this.body?.stream_options !== undefined) {
      return json(this.res, 400, {
        error: { message: 'Unrecognized request argument supplied: stream_options', type: 'invalid_request_error', param: null, code: null },
      });
    }
    switch (this.path) {
      case '/v1/chat/completions':
        return this.chat();
      case '/v1/responses':
        return this.responses();
      case '/v1/embeddings':
        return this.embeddings();
      case '/v1/audio/transcriptions':
        return this.audio('transcribe');
      case '/v1/audio/translations':
        return this.audio('translate');
      case '/v1/audio/speech':
        return this.speech();
    }
    json(this.res, 404, { error: { message: `Unknown path ${this.path} (fake)`, type: 'invalid_request_error', param: null, code: 'unknown_url' } });
  }

  private get responseModel(): string {
    const model = String(this.body?.model ?? '');
    return SNAPSHOTS[model] ?? model;
  }

  private async sse(events: Array<{ event?: string; data: unknown }>, done: boolean): Promise<void> {
    const res = this.res;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-request-id': `req_fake_${this.n}` });
    const midstream = this.body?.model === 'fail-midstream';
    let sent = 0;
    for (const e of events) {
      if (midstream && sent === 2) {
        // Let the two events reach the client, then cut the connection.
        await new Promise<void>((resolve) => res.write('', () => resolve()));
        await sleep(20);
        res.destroy();
        return;
      }
      if (sent > 0) await sleep(this.options.chunkDelayMs ?? 0);
      if (res.destroyed) return;
      res.write(`${e.event ? `event: ${e.event}\n` : ''}data: ${JSON.stringify(e.data)}\n\n`);
      sent++;
    }
    if (done) {
      await sleep(this.options.chunkDelayMs ?? 0);
      if (!res.destroyed) res.write('data: [DONE]\n\n');
    }
    res.end();
  }

  private chat(): Promise<void> | void {
    const b = this.body ?? {};
    const messages: any[] = Array.isArray(b.messages) ? b.messages : [];
    const tools: any[] = Array.isArray(b.tools) ? b.tools : [];
    const promptTokens = messages.reduce((t, m) => t + 3 + words(messageText(m)), 0) + 8 * tools.length;
    const last = messages[messages.length - 1];
    const callTool = tools.length > 0 && last?.role !== 'tool' && b.tool_choice !== 'none';
    const tool = callTool ? { name: String(tools[0]?.function?.name ?? tools[0]?.name ?? 'tool'), parameters: tools[0]?.function?.parameters } : undefined;
    const maxTokens = typeof b.max_completion_tokens === 'number' ? b.max_completion_tokens : typeof b.max_tokens === 'number' ? b.max_tokens : undefined;
    const plan = planReply(messageText(last), tool, maxTokens);
    const n = typeof b.n === 'number' && b.n > 1 ? b.n : 1;
    const reasoning = b.reasoning_effort ? 16 : 0;
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: plan.completionTokens * n + reasoning,
      total_tokens: promptTokens + plan.completionTokens * n + reasoning,
      prompt_tokens_details: { cached_tokens: b.prompt_cache_key ? Math.floor(promptTokens / 2) : 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    };
    const id = `chatcmpl-fake-${this.n}`;
    const created = 1_700_000_000 + this.n;
    const model = this.responseModel;
    const toolCall = plan.toolCall ? { id: 'call_fake_1', type: 'function', function: plan.toolCall } : undefined;
    if (!b.stream) {
      const choices = Array.from({ length: n }, (_, index) => ({
        index,
        message: { role: 'assistant', content: plan.text ?? null, refusal: null, annotations: [], ...(toolCall ? { tool_calls: [toolCall] } : {}) },
        logprobs: null,
        finish_reason: plan.finishReason,
      }));
      return json(this.res, 200, { id, object: 'chat.completion', created, model, choices, usage, service_tier: 'default', system_fingerprint: 'fp_fake' });
    }
    const includeUsage = b.stream_options?.include_usage === true;
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
      data: { id, object: 'chat.completion.chunk', created, model, service_tier: 'default', system_fingerprint: 'fp_fake', choices, ...(includeUsage ? { usage: null } : {}), ...extra },
    });
    const events: Array<{ data: unknown }> = [];
    for (let index = 0; index < n; index++) {
      events.push(chunk([{ index, delta: { role: 'assistant', content: toolCall ? null : '', refusal: null }, logprobs: null, finish_reason: null }]));
      if (toolCall) {
        events.push(chunk([{ index, delta: { tool_calls: [{ index: 0, id: toolCall.id, type: 'function', function: { name: toolCall.function.name, arguments: '' } }] }, logprobs: null, finish_reason: null }]));
        const args = toolCall.function.arguments;
        const half = Math.ceil(args.length / 2);
        for (const part of [args.slice(0, half), args.slice(half)]) {
          if (part) events.push(chunk([{ index, delta: { tool_calls: [{ index: 0, function: { arguments: part } }] }, logprobs: null, finish_reason: null }]));
        }
      } else {
        (plan.text ?? '').split(' ').forEach((w, i) => {
          events.push(chunk([{ index, delta: { content: i === 0 ? w : ` ${w}` }, logprobs: null, finish_reason: null }]));
        });
      }
      events.push(chunk([{ index, delta: {}, logprobs: null, finish_reason: plan.finishReason }]));
    }
    if (includeUsage) events.push(chunk([], { usage }));
    return this.sse(events, true);
  }

  private responses(): Promise<void> | void {
    const b = this.body ?? {};
    const input: any[] = typeof b.input === 'string' ? [{ role: 'user', content: b.input }] : Array.isArray(b.input) ? b.input : [];
    const tools: any[] = Array.isArray(b.tools) ? b.tools.filter((t: any) => t?.type === 'function') : [];
    const inputTokens =
      words(typeof b.instructions === 'string' ? b.instructions : '') + input.reduce((t, m) => t + 3 + words(messageText(m)), 0) + 8 * tools.length;
    const last = input[input.length - 1];
    const callTool = tools.length > 0 && last?.type !== 'function_call_output' && b.tool_choice !== 'none';
    const tool = callTool ? { name: String(tools[0].name), parameters: tools[0].parameters } : undefined;
    const plan = planReply(messageText(last), tool, typeof b.max_output_tokens === 'number' ? b.max_output_tokens : undefined);
    const reasoning = b.reasoning?.effort ? 16 : 0;
    const usage = {
      input_tokens: inputTokens,
      input_tokens_details: { cached_tokens: b.prompt_cache_key ? Math.floor(inputTokens / 2) : 0 },
      output_tokens: plan.completionTokens + reasoning,
      output_tokens_details: { reasoning_tokens: reasoning },
      total_tokens: inputTokens + plan.completionTokens + reasoning,
    };
    const id = `resp_fake_${this.n}`;
    const msgId = `msg_fake_${this.n}`;
    const item: any = plan.toolCall
      ? { id: `fc_fake_${this.n}`, type: 'function_call', status: 'completed', arguments: plan.toolCall.arguments, call_id: 'call_fake_1', name: plan.toolCall.name }
      : { id: msgId, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: plan.text ?? '', annotations: [], logprobs: [] }] };
    const base = {
      id,
      object: 'response',
      created_at: 1_700_000_000 + this.n,
      model: this.responseModel,
      instructions: b.instructions ?? null,
      parallel_tool_calls: true,
      temperature: b.temperature ?? 1,
      top_p: b.top_p ?? 1,
      tool_choice: b.tool_choice ?? 'auto',
      tools: b.tools ?? [],
      max_output_tokens: b.max_output_tokens ?? null,
      text: { format: { type: 'text' } },
      error: null,
      incomplete_details: plan.finishReason === 'length' ? { reason: 'max_output_tokens' } : null,
      metadata: {},
    };
    const status = plan.finishReason === 'length' ? 'incomplete' : 'completed';
    const final = { ...base, status, output: [item], usage };
    if (!b.stream) return json(this.res, 200, final);
    let seq = 0;
    const ev = (type: string, data: Record<string, unknown>) => ({ event: type, data: { type, sequence_number: seq++, ...data } });
    const events = [
      ev('response.created', { response: { ...base, status: 'in_progress', output: [], usage: null } }),
      ev('response.in_progress', { response: { ...base, status: 'in_progress', output: [], usage: null } }),
    ];
    if (plan.toolCall) {
      events.push(ev('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', arguments: '' } }));
      events.push(ev('response.function_call_arguments.delta', { item_id: item.id, output_index: 0, delta: item.arguments }));
      events.push(ev('response.function_call_arguments.done', { item_id: item.id, output_index: 0, arguments: item.arguments }));
      events.push(ev('response.output_item.done', { output_index: 0, item }));
    } else {
      const part = { type: 'output_text', text: '', annotations: [], logprobs: [] };
      events.push(ev('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } }));
      events.push(ev('response.content_part.added', { item_id: msgId, output_index: 0, content_index: 0, part }));
      (plan.text ?? '').split(' ').forEach((w, i) => {
        events.push(ev('response.output_text.delta', { item_id: msgId, output_index: 0, content_index: 0, delta: i === 0 ? w : ` ${w}`, logprobs: [] }));
      });
      events.push(ev('response.output_text.done', { item_id: msgId, output_index: 0, content_index: 0, text: plan.text ?? '', logprobs: [] }));
      events.push(ev('response.content_part.done', { item_id: msgId, output_index: 0, content_index: 0, part: { ...part, text: plan.text ?? '' } }));
      events.push(ev('response.output_item.done', { output_index: 0, item }));
    }
    events.push(ev(status === 'completed' ? 'response.completed' : 'response.incomplete', { response: final }));
    return this.sse(events, false);
  }

  private embeddings(): void {
    const b = this.body ?? {};
    const inputs: unknown[] = Array.isArray(b.input) ? b.input : [b.input];
    const dims = typeof b.dimensions === 'number' ? b.dimensions : 8;
    let tokens = 0;
    const data = inputs.map((input, index) => {
      tokens += typeof input === 'string' ? words(input) : Array.isArray(input) ? input.length : 0;
      const vector = Array.from({ length: dims }, (_, i) => Math.round(Math.sin(index + i + 1) * 1e4) / 1e4);
      const embedding = b.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
      return { object: 'embedding', index, embedding };
    });
    json(this.res, 200, { object: 'list', data, model: this.responseModel, usage: { prompt_tokens: tokens, total_tokens: tokens } });
  }

  private audio(task: 'transcribe' | 'translate'): Promise<void> | void {
    const fields = this.multipart ?? [];
    const field = (name: string) => fields.find((f) => f.name === name);
    const file = field('file');
    const model = field('model')?.data.toString('utf8') ?? '';
    const format = field('response_format')?.data.toString('utf8') ?? 'json';
    const prompt = field('prompt')?.data.toString('utf8') ?? '';
    const stream = field('stream')?.data.toString('utf8') === 'true';
    const duration = file ? fakeAudioSeconds(file.data) : 0;
    const text = `Fake ${task === 'transcribe' ? 'transcript' : 'translation'} of ${duration.toFixed(2)} seconds of audio.`;
    const audioTokens = Math.ceil(duration * 10);
    const textTokens = words(prompt);
    const tokenUsage = {
      type: 'tokens',
      input_tokens: audioTokens + textTokens,
      input_token_details: { text_tokens: textTokens, audio_tokens: audioTokens },
      output_tokens: words(text),
      total_tokens: audioTokens + textTokens + words(text),
    };
    const usage = model === 'whisper-1' ? { type: 'duration', seconds: Math.ceil(duration) } : tokenUsage;
    if (stream && task === 'transcribe') {
      const events: Array<{ data: unknown }> = text.split(' ').map((w, i) => ({ data: { type: 'transcript.text.delta', delta: i === 0 ? w : ` ${w}`, logprobs: [] } }));
      events.push({ data: { type: 'transcript.text.done', text, logprobs: [], usage: tokenUsage } });
      return this.sse(events, false);
    }
    if (format === 'text' || format === 'srt' || format === 'vtt') {
      const body = format === 'text' ? `${text}\n` : format === 'srt' ? `1\n00:00:00,000 --> 00:00:0${Math.min(9, Math.ceil(duration))},000\n${text}\n\n` : `WEBVTT\n\n00:00:00.000 --> 00:00:0${Math.min(9, Math.ceil(duration))}.000\n${text}\n\n`;
      this.res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      this.res.end(body);
      return;
    }
    if (format === 'verbose_json') {
      return json(this.res, 200, {
        task: task === 'transcribe' ? 'transcribe' : 'translate',
        language: 'english',
        duration,
        text,
        segments: [{ id: 0, seek: 0, start: 0, end: duration, text, tokens: [1, 2, 3], temperature: 0, avg_logprob: -0.1, compression_ratio: 1, no_speech_prob: 0 }],
        ...(task === 'transcribe' ? { usage: { type: 'duration', seconds: Math.ceil(duration) } } : {}),
      });
    }
    return json(this.res, 200, task === 'transcribe' ? { text, usage } : { text });
  }

  private async speech(): Promise<void> {
    const b = this.body ?? {};
    const input = typeof b.input === 'string' ? b.input : '';
    const seconds = [...input].length / 20;
    const format = typeof b.response_format === 'string' ? b.response_format : 'mp3';
    const pcmBytes = Math.round(seconds * 24000) * 2;
    let audio: Buffer;
    if (format === 'pcm') audio = fillerAudio(pcmBytes);
    else if (format === 'wav') audio = Buffer.concat([wavHeader(pcmBytes, 24000), fillerAudio(pcmBytes)]);
    else audio = fillerAudio(Math.round(seconds * 16000));
    const type = format === 'wav' ? 'audio/wav' : format === 'pcm' ? 'audio/pcm' : format === 'opus' ? 'audio/ogg' : `audio/${format === 'mp3' ? 'mpeg' : format}`;
    this.res.writeHead(200, { 'content-type': type, 'transfer-encoding': 'chunked', 'x-request-id': `req_fake_${this.n}` });
    for (let offset = 0; offset < audio.length; offset += 4096) {
      if (offset > 0) await sleep(this.options.chunkDelayMs ?? 0);
      if (this.res.destroyed) return;
      this.res.write(audio.subarray(offset, offset + 4096));
    }
    this.res.end();
  }
}

function fillerAudio(bytes: number): Buffer {
  const buf = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) buf[i] = (i * 31) & 0xff;
  return buf;
}

/** A 44-byte PCM WAV header (16-bit mono). Exported for tests that build WAV uploads. */
export function wavHeader(dataBytes: number, sampleRate: number, channels = 1, bitsPerSample = 16): Buffer {
  const h = Buffer.alloc(44);
  const blockAlign = (channels * bitsPerSample) / 8;
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * blockAlign, 28);
  h.writeUInt16LE(blockAlign, 32);
  h.writeUInt16LE(bitsPerSample, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/** A complete WAV file of `seconds` of silence-like filler (for upload tests). */
export function fakeWav(seconds: number, sampleRate = 16000): Buffer {
  const dataBytes = Math.round(seconds * sampleRate) * 2;
  return Buffer.concat([wavHeader(dataBytes, sampleRate), fillerAudio(dataBytes)]);
}
