/**
 * The SDK cells' app (test/compat/sdk-matrix.test.ts), CommonJS: an unmodified app (nothing of
 * aimeter in it) that makes a few real calls with one provider SDK, `AIMETER_COMPAT_SDK`, against
 * the loopback fake at `AIMETER_COMPAT_FAKE_URL`, prints "result <json>" and "ready", and ends by
 * itself once stdin closes. Copied next to the SDK version under test by sandbox.ts, so its
 * `require()`s find that version (the oldest one aimeter's hook accepts), typed loosely: the
 * types at hand are the newest version's.
 *
 * Each scenario uses only what the oldest release of its range already had (e.g. no Converse on
 * Bedrock Runtime 3.422: InvokeModel and its stream).
 */
const url = process.env.AIMETER_COMPAT_FAKE_URL ?? '';

async function drain(stream: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of stream) n++;
  return n;
}

/** A web ReadableStream or a Node Readable, read to its end: the byte count. */
async function bytesOf(body: any): Promise<number> {
  let bytes = 0;
  if (typeof body?.getReader === 'function') {
    const reader = body.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += (r.value as Uint8Array).byteLength;
  } else for await (const chunk of body as AsyncIterable<Uint8Array>) bytes += chunk.byteLength;
  return bytes;
}

const SCENARIOS: Record<string, () => Promise<Record<string, unknown>>> = {
  // @anthropic-ai/sdk: a message and a streamed one ("hello" answers the fake's `text` scenario).
  async anthropic() {
    const { default: Anthropic } = require('@anthropic-ai/sdk');
    const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: url, maxRetries: 0 });
    const ask = { model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] };
    const message = await client.messages.create(ask);
    const events = await drain(await client.messages.create({ ...ask, stream: true }));
    return { outputTokens: message.usage.output_tokens, events };
  },

  // @google/genai: generateContent, generateContentStream, embedContent. Imported: 1.0.x's
  // CommonJS entry is broken (a CommonJS file in a "type": "module" package; require() gives an
  // empty module), so its users import it (the cell runs under --import).
  async gemini() {
    const { GoogleGenAI }: any = await import('@google/genai');
    const ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: url } });
    const response = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Say hello' });
    const chunks = await drain(await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Say hello' }));
    const embedding = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: 'one two three' });
    return { text: response.text, chunks, embeddings: embedding.embeddings?.length };
  },

  // @deepgram/sdk: a file and a URL transcribed.
  async deepgram() {
    const { DeepgramClient } = require('@deepgram/sdk');
    const deepgram = new DeepgramClient({ apiKey: 'k', baseUrl: url });
    const file = await deepgram.listen.v1.media.transcribeFile(Buffer.from('audio'), { model: 'nova-3' });
    await deepgram.listen.v1.media.transcribeUrl({ url: 'https://example.com/a.wav', model: 'nova-3' });
    return { duration: file.metadata?.duration };
  },

  // @elevenlabs/elevenlabs-js: convert and stream, 25 characters each, read to the end.
  async elevenlabs() {
    const { ElevenLabsClient } = require('@elevenlabs/elevenlabs-js');
    const elevenlabs = new ElevenLabsClient({ apiKey: 'k', baseUrl: url });
    const text = 'twenty-five characters!!.';
    const converted = await bytesOf(await elevenlabs.textToSpeech.convert('voice', { text, modelId: 'eleven_multilingual_v2' }));
    const streamed = await bytesOf(await elevenlabs.textToSpeech.stream('voice', { text, modelId: 'eleven_multilingual_v2' }));
    return { bytes: converted + streamed };
  },

  // @aws-sdk/client-bedrock-runtime: InvokeModel and InvokeModelWithResponseStream, Claude bodies.
  async bedrock() {
    const { BedrockRuntimeClient, InvokeModelCommand, InvokeModelWithResponseStreamCommand } = require('@aws-sdk/client-bedrock-runtime');
    const client = new BedrockRuntimeClient({ region: 'us-east-1', endpoint: url, maxAttempts: 1, credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake' } });
    const body = JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    const modelId = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
    const invoked = await client.send(new InvokeModelCommand({ modelId, body }));
    const streamed = await client.send(new InvokeModelWithResponseStreamCommand({ modelId, body }));
    const chunks = await drain(streamed.body);
    client.destroy();
    return { usage: JSON.parse(Buffer.from(invoked.body).toString('utf8')).usage, chunks };
  },

  // ai (Vercel AI SDK) with @ai-sdk/openai's chat model: generateText and streamText.
  async 'vercel-ai'() {
    const { generateText, streamText } = require('ai');
    const { createOpenAI } = require('@ai-sdk/openai');
    const openai = createOpenAI({ apiKey: 'sk-test', baseURL: url });
    const model = openai.chat('gpt-4o-mini');
    const generated = await generateText({ model, prompt: 'Say hello to the world', maxRetries: 0 });
    const stream = streamText({ model, prompt: 'Hi', maxRetries: 0 });
    const parts = await drain(stream.textStream);
    return { text: generated.text, parts, usage: (await stream.usage).totalTokens };
  },

  // @langchain/core: one tool, invoked with a model's ToolCall and directly.
  async langchain() {
    const { tool } = require('@langchain/core/tools');
    const { z } = require('zod');
    const weather = tool(async ({ city }: { city: string }) => `sunny in ${city}`, {
      name: 'get_weather',
      description: 'Weather of a city',
      schema: z.object({ city: z.string() }),
    });
    const message = await weather.invoke({ id: 'call_1', name: 'get_weather', args: { city: 'Paris' }, type: 'tool_call' });
    const direct = await weather.invoke({ city: 'Rome' });
    return { message: message.content, direct };
  },

  // langchain: a createAgent agent with one tool and @langchain/openai's chat model, run with
  // invoke() (the fake asks for the tool, then answers).
  async 'langchain-agent'() {
    const { createAgent } = require('langchain');
    const { ChatOpenAI } = require('@langchain/openai');
    const { tool } = require('@langchain/core/tools');
    const { HumanMessage } = require('@langchain/core/messages');
    const { z } = require('zod');
    const weather = tool(async ({ city }: { city: string }) => `sunny in ${city}`, {
      name: 'get_weather',
      description: 'Weather of a city',
      schema: z.object({ city: z.string() }),
    });
    const model = new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'sk-test', maxRetries: 0, configuration: { baseURL: url } });
    const agent = createAgent({ name: 'compat-agent', model, tools: [weather] });
    const state = await agent.invoke({ messages: [new HumanMessage('What is the weather in Paris?')] });
    return { answer: String(state.messages.at(-1).content) };
  },

  // @openai/agents: one agent with one function tool (the fake asks for it, then answers).
  async 'openai-agents'() {
    const agents = require('@openai/agents');
    const { z } = require('zod');
    agents.setTraceProcessors([]);
    agents.setDefaultOpenAIKey('sk-test');
    process.env.OPENAI_BASE_URL = url;
    const weather = agents.tool({
      name: 'get_weather',
      description: 'Weather of a city',
      parameters: z.object({ city: z.string() }),
      execute: async ({ city }: { city: string }) => `sunny in ${city}`,
    });
    const agent = new agents.Agent({ name: 'compat-agent', instructions: 'Help', model: 'gpt-4o-mini', tools: [weather] });
    const result = await agents.run(agent, 'What is the weather in Paris?');
    return { finalOutput: result.finalOutput };
  },
};

async function main(): Promise<void> {
  const sdk = process.env.AIMETER_COMPAT_SDK ?? '';
  const scenario = SCENARIOS[sdk];
  if (!scenario) throw new Error(`AIMETER_COMPAT_SDK: no scenario "${sdk}" (one of ${Object.keys(SCENARIOS).join(', ')})`);
  const result = await scenario();
  process.stdout.write(`result ${JSON.stringify({ node: process.version, ...result })}\nready\n`);
  // Ends by itself once stdin closes (no process.exit: a natural exit is the one telemetry flushes on).
  process.stdin.resume();
  process.stdin.on('end', () => process.stdin.pause());
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
