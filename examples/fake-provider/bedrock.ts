/**
 * A loopback fake of the Amazon Bedrock Runtime API speaking its wire format (REST-JSON, and the
 * AWS event stream for the streamed operations), for the real `@aws-sdk/client-bedrock-runtime`:
 *
 * - `POST /model/{modelId}/converse`: a ConverseResponse (`output.message.content[].text`,
 *   `stopReason`, `usage` with `inputTokens` NOT counting the cache, `cacheReadInputTokens`,
 *   `cacheWriteInputTokens`, `metrics.latencyMs`);
 * - `POST /model/{modelId}/converse-stream`: `application/vnd.amazon.eventstream` messages
 *   (prelude, headers, JSON payload, CRC32s): `messageStart`, `contentBlockDelta` per chunk,
 *   `contentBlockStop`, `messageStop`, `metadata` (usage);
 * - `POST /model/{modelId}/invoke`: the model family's own body, chosen by the model id
 *   (Anthropic Claude messages, Amazon Nova, Amazon Titan text and embeddings, Meta Llama);
 * - `POST /model/{modelId}/invoke-with-response-stream`: `chunk` events whose `bytes` are the
 *   family's streamed JSON (Claude's Messages events, Nova's message events, Titan's and Llama's
 *   text pieces), the last one with
 *   `amazon-bedrock-invocationMetrics`.
 *
 * Errors are AWS's: the status, `x-amzn-errortype: <Name>` and `{"message": ...}`; or, mid-stream,
 * an `exception` event. It never checks signatures (any static credentials do).
 *
 *   const fake = await startFakeBedrock();
 *   const client = new BedrockRuntimeClient({ region: 'us-east-1', endpoint: fake.url, maxAttempts: 1,
 *     credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake' } });
 *   fake.failNext({ status: 429, type: 'ThrottlingException' });
 *   await fake.close();
 *
 * It speaks HTTP/2 without TLS, as the SDK's default request handler (NodeHttp2Handler) does to an
 * `http://` endpoint. Used by the tests (test/bedrock/); it listens on 127.0.0.1 only.
 */
import type * as http from 'node:http';
import type * as http2 from 'node:http2';
import { crc32 } from 'node:zlib';
import { startHttpFake } from './http-server';

export interface FakeBedrockOptions {
  /** The text answered, streamed in this many chunks (default 4). */
  readonly text?: string;
  readonly chunks?: number;
  /** Input tokens NOT read from or written to the cache (Bedrock's `inputTokens`). */
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly cacheReadTokens?: number;
  readonly cacheWriteTokens?: number;
  /**
   * HTTP/1.1 instead of HTTP/2 (the same routes and bodies): what the SDK's default handler spoke
   * before the client moved to HTTP/2 (NodeHttpHandler, e.g. 3.422).
   */
  readonly http1?: boolean;
}

export interface FakeBedrockFailure {
  readonly status: number;
  /** The AWS error name, e.g. ThrottlingException, ValidationException. */
  readonly type: string;
  /** Fail inside the event stream, after the first chunk, instead of with an HTTP error. */
  readonly midStream?: boolean;
}

export interface FakeBedrockRequest {
  readonly path: string;
  readonly body: unknown;
}

export interface FakeBedrock {
  readonly url: string;
  readonly requests: FakeBedrockRequest[];
  failNext(failure: FakeBedrockFailure): void;
  close(): Promise<void>;
}

/** One AWS event-stream message: prelude (lengths + CRC), string headers, payload, message CRC. */
export function eventStreamMessage(headers: Record<string, string>, payload: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = Buffer.from(name, 'utf8');
    const v = Buffer.from(value, 'utf8');
    const h = Buffer.alloc(1 + n.length + 1 + 2 + v.length);
    h.writeUInt8(n.length, 0);
    n.copy(h, 1);
    h.writeUInt8(7, 1 + n.length); // header value type 7: string
    h.writeUInt16BE(v.length, 2 + n.length);
    v.copy(h, 4 + n.length);
    parts.push(h);
  }
  const headerBytes = Buffer.concat(parts);
  const total = 12 + headerBytes.length + payload.length + 4;
  const prelude = Buffer.alloc(12);
  prelude.writeUInt32BE(total, 0);
  prelude.writeUInt32BE(headerBytes.length, 4);
  prelude.writeUInt32BE(crc32(prelude.subarray(0, 8)), 8);
  const body = Buffer.concat([prelude, headerBytes, payload]);
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE(crc32(body), 0);
  return Buffer.concat([body, trailer]);
}

function event(type: string, payload: unknown): Buffer {
  return eventStreamMessage({ ':message-type': 'event', ':event-type': type, ':content-type': 'application/json' }, Buffer.from(JSON.stringify(payload)));
}

function exceptionEvent(type: string, message: string): Buffer {
  const name = type.charAt(0).toLowerCase() + type.slice(1);
  return eventStreamMessage({ ':message-type': 'exception', ':exception-type': name, ':content-type': 'application/json' }, Buffer.from(JSON.stringify({ message })));
}

/** A `chunk` event of InvokeModelWithResponseStream: the model's own JSON, base64 in `bytes`. */
function chunkEvent(json: unknown): Buffer {
  return event('chunk', { bytes: Buffer.from(JSON.stringify(json)).toString('base64') });
}

function pieces(text: string, n: number): string[] {
  const size = Math.ceil(text.length / n);
  return Array.from({ length: n }, (_, i) => text.slice(i * size, (i + 1) * size));
}

export async function startFakeBedrock(options: FakeBedrockOptions = {}): Promise<FakeBedrock> {
  const text = options.text ?? 'Hello from the fake Bedrock server.';
  const chunks = Math.max(1, options.chunks ?? 4);
  const input = options.inputTokens ?? 100;
  const output = options.outputTokens ?? 20;
  const cacheRead = options.cacheReadTokens;
  const cacheWrite = options.cacheWriteTokens;
  const converseUsage = {
    inputTokens: input,
    outputTokens: output,
    totalTokens: input + output + (cacheRead ?? 0) + (cacheWrite ?? 0),
    ...(cacheRead !== undefined ? { cacheReadInputTokens: cacheRead } : {}),
    ...(cacheWrite !== undefined ? { cacheWriteInputTokens: cacheWrite } : {}),
  };
  const invocationMetrics = {
    inputTokenCount: input,
    outputTokenCount: output,
    invocationLatency: 12,
    firstByteLatency: 3,
    ...(cacheRead !== undefined ? { cacheReadInputTokenCount: cacheRead } : {}),
    ...(cacheWrite !== undefined ? { cacheWriteInputTokenCount: cacheWrite } : {}),
  };
  const requests: FakeBedrockRequest[] = [];
  let failure: FakeBedrockFailure | undefined;

  const invokeBody = (model: string): unknown => {
    if (model.includes('anthropic.')) {
      return {
        id: 'msg_bdrk_fake1',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5-20250929',
        content: [{ type: 'text', text }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: input, output_tokens: output, cache_read_input_tokens: cacheRead ?? 0, cache_creation_input_tokens: cacheWrite ?? 0 },
      };
    }
    if (model.includes('amazon.nova')) {
      return {
        output: { message: { role: 'assistant', content: [{ text }] } },
        stopReason: 'end_turn',
        usage: { inputTokens: input, outputTokens: output, totalTokens: input + output, cacheReadInputTokenCount: cacheRead ?? 0, cacheWriteInputTokenCount: cacheWrite ?? 0 },
      };
    }
    if (model.includes('embed')) return { embedding: [0.1, 0.2, 0.3], inputTextTokenCount: input };
    if (model.includes('amazon.titan')) return { inputTextTokenCount: input, results: [{ tokenCount: output, outputText: text, completionReason: 'FINISH' }] };
    if (model.includes('meta.llama')) return { generation: text, prompt_token_count: input, generation_token_count: output, stop_reason: 'stop' };
    return { unknown: true };
  };

  const invokeStream = (model: string): unknown[] => {
    const parts = pieces(text, chunks);
    if (model.includes('anthropic.')) {
      return [
        { type: 'message_start', message: { id: 'msg_bdrk_stream', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [], usage: { input_tokens: input, output_tokens: 1, cache_read_input_tokens: cacheRead ?? 0, cache_creation_input_tokens: cacheWrite ?? 0 } } },
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        ...parts.map((p) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: p } })),
        { type: 'content_block_stop', index: 0 },
        { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: output } },
        { type: 'message_stop', 'amazon-bedrock-invocationMetrics': invocationMetrics },
      ];
    }
    if (model.includes('amazon.nova')) {
      return [
        { messageStart: { role: 'assistant' } },
        ...parts.map((p) => ({ contentBlockDelta: { delta: { text: p }, contentBlockIndex: 0 } })),
        { contentBlockStop: { contentBlockIndex: 0 } },
        { messageStop: { stopReason: 'end_turn' } },
        { metadata: { usage: { inputTokens: input, outputTokens: output } }, 'amazon-bedrock-invocationMetrics': invocationMetrics },
      ];
    }
    if (model.includes('amazon.titan')) {
      return parts.map((p, i) => ({
        outputText: p,
        index: 0,
        totalOutputTextTokenCount: i === parts.length - 1 ? output : null,
        completionReason: i === parts.length - 1 ? 'FINISH' : null,
        inputTextTokenCount: i === 0 ? input : null,
        ...(i === parts.length - 1 ? { 'amazon-bedrock-invocationMetrics': invocationMetrics } : {}),
      }));
    }
    // Meta Llama (and the generic shape): one generation piece per chunk, the counts on the last.
    return parts.map((p, i) =>
      i === parts.length - 1
        ? { generation: p, prompt_token_count: input, generation_token_count: output, stop_reason: 'stop', 'amazon-bedrock-invocationMetrics': invocationMetrics }
        : { generation: p, prompt_token_count: null, generation_token_count: i + 1, stop_reason: null },
    );
  };

  const handle = (req: http2.Http2ServerRequest | http.IncomingMessage, res: http2.Http2ServerResponse | http.ServerResponse, body: Buffer): void => {
    const url = req.url ?? '';
    const raw = body.toString('utf8');
    let parsed: unknown = raw;
    try {
      parsed = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      // Not JSON (an InvokeModel body may be anything): kept as text.
    }
    requests.push({ path: url, body: parsed });
    const match = /^\/model\/([^/]+)\/(converse|converse-stream|invoke|invoke-with-response-stream)$/.exec(url.split('?')[0]!);
    const current = failure;
    failure = undefined;
    if (current && !current.midStream) {
      res.writeHead(current.status, { 'content-type': 'application/json', 'x-amzn-errortype': current.type, 'x-amzn-requestid': 'fake-request-id' });
      res.end(JSON.stringify({ message: `fake ${current.type}` }));
      return;
    }
    if (!match) {
      res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' });
      res.end(JSON.stringify({ message: 'not found' }));
      return;
    }
    const model = decodeURIComponent(match[1]!);
    const operation = match[2]!;
    const headers = { 'x-amzn-requestid': 'fake-request-id' };
    if (operation === 'converse') {
      res.writeHead(200, { ...headers, 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          output: { message: { role: 'assistant', content: [{ text }] } },
          stopReason: 'end_turn',
          usage: converseUsage,
          metrics: { latencyMs: 12 },
        }),
      );
      return;
    }
    if (operation === 'invoke') {
      res.writeHead(200, { ...headers, 'content-type': 'application/json', 'x-amzn-bedrock-input-token-count': String(input), 'x-amzn-bedrock-output-token-count': String(output) });
      res.end(JSON.stringify(invokeBody(model)));
      return;
    }
    const messages: Buffer[] =
      operation === 'converse-stream'
        ? [
            event('messageStart', { role: 'assistant' }),
            ...pieces(text, chunks).map((p) => event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: p } })),
            event('contentBlockStop', { contentBlockIndex: 0 }),
            event('messageStop', { stopReason: 'end_turn' }),
            event('metadata', { usage: converseUsage, metrics: { latencyMs: 12 } }),
          ]
        : invokeStream(model).map(chunkEvent);
    if (current?.midStream) messages.splice(2, messages.length, exceptionEvent(current.type, `fake ${current.type}`));
    res.writeHead(200, { ...headers, 'content-type': 'application/vnd.amazon.eventstream' });
    let i = 0;
    // One message per write, a tick apart, so the client sees them as separate chunks.
    const send = (): void => {
      if (i >= messages.length) {
        res.end();
        return;
      }
      (res as http.ServerResponse).write(messages[i++]);
      setImmediate(send);
    };
    send();
  };
  // HTTP/2 without TLS (prior knowledge), as the SDK's default NodeHttp2Handler speaks to an http:// endpoint.
  const server = await startHttpFake(handle, { http2: !options.http1 });
  return {
    url: server.url,
    requests,
    failNext(f) {
      failure = f;
    },
    close: () => server.close(),
  };
}
