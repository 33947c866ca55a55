/**
 * The assistant's turns. Every OpenAI call below is plain SDK code: the aimeter preload turns
 * each into a GenAI span automatically. Only the agent loop and the tools, which no SDK patch
 * can see, use aimeter's manual API (traceAgent, traceTool).
 */
import OpenAI, { toFile } from 'openai';
import { traceAgent, traceTurn } from 'aimeter';
import { runTool, TOOL_DEFINITIONS } from './tools';
import { fakeWav } from '../fake-provider/openai';

export interface Models {
  readonly chat: string;
  readonly reasoning: string;
  readonly transcribe: string;
  readonly speech: string;
  readonly embedding: string;
  /** A model missing from the price list (fake provider only), to show unpriced calls. */
  readonly unpriced: string | undefined;
  /** A model name that makes the fake provider answer 429 (fake provider only). */
  readonly rateLimited: string | undefined;
}

const SYSTEM = 'You are a helpful voice assistant for an online shop. Answer briefly.';
const QUESTIONS = [
  'What is the weather in Paris today?',
  'Where is my order 1234?',
  'Can you check the weather in Lisbon and tell me if I need an umbrella?',
  'Has order 98 shipped yet?',
];

export class Assistant {
  constructor(
    private readonly client: OpenAI,
    private readonly models: Models,
  ) {}

  /**
   * A voice turn: speech-to-text -> agent (LLM + tools) -> text-to-speech, traced as one
   * conversation turn. The turn latency comes from the end of the transcription to the first
   * audio byte (aimeter's fallbacks); now and then the caller barges in.
   */
  async voiceTurn(conversationId: string, seconds: number): Promise<void> {
    await traceTurn({ conversationId }, async (turn) => {
      const transcription = await this.client.audio.transcriptions.create({
        file: await toFile(fakeWav(seconds), 'turn.wav', { type: 'audio/wav' }),
        model: this.models.transcribe,
      });
      const question = QUESTIONS[Math.floor(Math.random() * QUESTIONS.length)]!;
      const answer = await this.agentTurn(`${question} (heard: ${transcription.text.slice(0, 40)})`);
      const speech = await this.client.audio.speech.create({ model: this.models.speech, voice: 'alloy', input: answer });
      await speech.arrayBuffer();
      if (Math.random() < 0.15) turn.interrupted();
    });
  }

  /** The support agent: a streamed LLM call that may ask for tools, the tools, then the answer. */
  async agentTurn(question: string): Promise<string> {
    return traceAgent({ name: 'support-agent', provider: 'openai', model: this.models.chat }, async (run) => {
      const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: question },
      ];
      for (let step = 0; step < 3; step++) {
        const stream = await this.client.chat.completions.create({
          model: this.models.chat,
          messages,
          // The model calls the most relevant tool first (the fake provider always picks the first).
          tools: /order/i.test(question) ? [...TOOL_DEFINITIONS].reverse() : TOOL_DEFINITIONS,
          stream: true,
          stream_options: { include_usage: true },
        });
        let text = '';
        const calls: { id: string; name: string; arguments: string }[] = [];
        for await (const chunk of stream) {
          const delta = chunk.choices[0]?.delta;
          if (delta?.content) text += delta.content;
          for (const call of delta?.tool_calls ?? []) {
            const slot = (calls[call.index] ??= { id: '', name: '', arguments: '' });
            if (call.id) slot.id = call.id;
            if (call.function?.name) slot.name += call.function.name;
            if (call.function?.arguments) slot.arguments += call.function.arguments;
          }
        }
        if (calls.length === 0) {
          run.setOutcome('success');
          return text;
        }
        messages.push({
          role: 'assistant',
          content: text || null,
          tool_calls: calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })),
        });
        for (const call of calls) {
          const result = await runTool(this.client, call.name, call.id, call.arguments).catch((error: Error) => JSON.stringify({ error: error.message }));
          messages.push({ role: 'tool', tool_call_id: call.id, content: result });
        }
      }
      run.setOutcome('failure');
      return 'Sorry, I could not finish that.';
    });
  }

  /**
   * A RAG-style text turn: embed the question, retrieve from the handbook index (a `retrieval`
   * span), answer with a cached system prompt. Returns the response id, which the demo's
   * feedback refers to.
   */
  async textTurn(retrieve: () => Promise<unknown> = async () => undefined): Promise<string> {
    const question = QUESTIONS[Math.floor(Math.random() * QUESTIONS.length)]!;
    await this.client.embeddings.create({ model: this.models.embedding, input: question });
    await retrieve();
    const completion = await this.client.chat.completions.create({
      model: this.models.chat,
      messages: [
        { role: 'system', content: `${SYSTEM} Use the shop handbook: returns within 30 days, shipping 2-4 days. `.repeat(20) },
        { role: 'user', content: question },
      ],
      prompt_cache_key: 'shop-handbook-v1',
    });
    return completion.id;
  }

  /** A reasoning-model call (reasoning tokens), occasionally an unpriced or rate-limited model. */
  async reasoningTurn(variant: 'reasoning' | 'unpriced' | 'rate-limited'): Promise<void> {
    const model = variant === 'unpriced' ? this.models.unpriced : variant === 'rate-limited' ? this.models.rateLimited : this.models.reasoning;
    if (!model) return;
    await this.client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Plan the cheapest delivery route for three parcels.' }],
      reasoning_effort: 'low',
    });
  }
}
