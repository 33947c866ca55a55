/** The LLM calls every process test makes: real `openai` SDK, fake OpenAI server on loopback, fixed prompt (fixed tokens and cost). */
import OpenAI from 'openai';

export async function makeCalls(baseURL: string, count: number): Promise<void> {
  const client = new OpenAI({ apiKey: 'test', baseURL, maxRetries: 0 });
  for (let i = 0; i < count; i++) {
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there world' }] });
  }
}
