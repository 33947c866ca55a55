/**
 * A loopback fake of the Gemini API (generativelanguage.googleapis.com, v1beta) speaking its
 * wire format: `POST /v1beta/models/{model}:generateContent` (a GenerateContentResponse:
 * `candidates[].content.parts`, `finishReason`, `usageMetadata` with prompt, candidates, cached
 * and thoughts token counts, `modelVersion`, `responseId`), `:streamGenerateContent?alt=sse`
 * (server-sent events, one GenerateContentResponse per `data:` line, usage on the last) and
 * `:batchEmbedContents`; Google's error body (`{error: {code, message, status}}`).
 *
 *   const fake = await startFakeGemini();
 *   const ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: fake.url } });
 *   await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' });
 *   fake.failNext({ status: 429 });
 *   await fake.close();
 *
 * Used by the tests (test/gemini/); it listens on 127.0.0.1 only.
 */
import { startHttpFake } from './http-server';

export interface FakeGeminiOptions {
  /** The text answered, streamed in this many chunks (default 4). */
  readonly text?: string;
  readonly chunks?: number;
  readonly promptTokens?: number;
  readonly candidatesTokens?: number;
  readonly cachedTokens?: number;
  readonly thoughtsTokens?: number;
  /** Milliseconds between streamed chunks (default 2). */
  readonly chunkDelayMs?: number;
}

export interface FakeGemini {
  readonly url: string;
  /** Paths requested, in order. */
  readonly paths: string[];
  /** The next request gets Google's error body with this status. */
  failNext(failure: { status: number }): void;
  close(): Promise<void>;
}

const STATUS_NAMES: Record<number, string> = { 400: 'INVALID_ARGUMENT', 403: 'PERMISSION_DENIED', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' };

export async function startFakeGemini(options: FakeGeminiOptions = {}): Promise<FakeGemini> {
  const text = options.text ?? 'Hello from the fake Gemini server.';
  const chunks = Math.max(1, options.chunks ?? 4);
  const usage = {
    promptTokenCount: options.promptTokens ?? 120,
    candidatesTokenCount: options.candidatesTokens ?? 30,
    ...(options.cachedTokens !== undefined ? { cachedContentTokenCount: options.cachedTokens } : {}),
    ...(options.thoughtsTokens !== undefined ? { thoughtsTokenCount: options.thoughtsTokens } : {}),
    totalTokenCount: (options.promptTokens ?? 120) + (options.candidatesTokens ?? 30) + (options.thoughtsTokens ?? 0),
  };
  const paths: string[] = [];
  let failure: { status: number } | undefined;

  const server = await startHttpFake((req, res, raw) => {
    const url = req.url ?? '';
    paths.push(url);
    if (failure) {
      const { status } = failure;
      failure = undefined;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: status, message: `fake failure ${status}`, status: STATUS_NAMES[status] ?? 'UNKNOWN' } }));
      return;
    }
    const match = /^\/v1beta\/models\/([^:/?]+):(generateContent|streamGenerateContent|batchEmbedContents)/.exec(url);
    if (!match) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 404, message: 'not found', status: 'NOT_FOUND' } }));
      return;
    }
    const [, model, method] = match;
    const modelVersion = model;
    if (method === 'batchEmbedContents') {
      const requests = (JSON.parse(raw.toString() || '{}') as { requests?: unknown[] }).requests ?? [];
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ embeddings: requests.map(() => ({ values: [0.1, 0.2, 0.3] })) }));
      return;
    }
    const candidate = (part: string, last: boolean) => ({
      content: { parts: [{ text: part }], role: 'model' },
      ...(last ? { finishReason: 'STOP' } : {}),
      index: 0,
    });
    if (method === 'generateContent') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ candidates: [candidate(text, true)], usageMetadata: usage, modelVersion, responseId: 'resp-fake-1' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const size = Math.ceil(text.length / chunks);
    let i = 0;
    const send = () => {
      const last = i === chunks - 1;
      const event = {
        candidates: [candidate(text.slice(i * size, (i + 1) * size), last)],
        // Gemini reports usage as it goes; the last chunk's is final.
        usageMetadata: last ? usage : { promptTokenCount: usage.promptTokenCount },
        modelVersion,
        responseId: 'resp-fake-stream',
      };
      res.write(`data: ${JSON.stringify(event)}\r\n\r\n`);
      i++;
      if (i < chunks) setTimeout(send, options.chunkDelayMs ?? 2);
      else res.end();
    };
    send();
  });
  return {
    url: server.url,
    paths,
    failNext(f) {
      failure = f;
    },
    close: () => server.close(),
  };
}
