/** The assistant's tools: plain functions, each traced as `execute_tool {name}` with aimeter's manual API. */
import type OpenAI from 'openai';
import { traceTool } from 'aimeter';

export const TOOL_DEFINITIONS = [
  {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
  {
    type: 'function' as const,
    function: {
      name: 'lookup_order',
      description: 'Status of a customer order',
      parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
    },
  },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let orderLookups = 0;

const IMPLEMENTATIONS: Record<string, (args: Record<string, string>, client: OpenAI) => Promise<unknown>> = {
  async get_weather(args) {
    await sleep(20 + Math.random() * 60);
    return { city: args.city, temperature_c: 18, conditions: 'light rain' };
  },
  async lookup_order(args, client) {
    await sleep(30 + Math.random() * 120);
    // A flaky backend: tool errors show up in the Agents and tools dashboard. One lookup in
    // eight fails, the first early (not at random: a short run must show some).
    if (++orderLookups % 8 === 3) throw new Error('order service unavailable');
    // A tool that calls a model itself: its tokens and dollars carry gen_ai_tool_name="lookup_order".
    const note = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: `Summarise in one line: order ${args.order_id} shipped yesterday, arriving Friday.` }],
    });
    return { order_id: args.order_id, status: 'shipped', note: note.choices[0]?.message.content };
  },
};

export async function runTool(client: OpenAI, name: string, callId: string, rawArguments: string): Promise<string> {
  return traceTool({ name, type: 'function', callId, arguments: rawArguments }, async () => {
    const impl = IMPLEMENTATIONS[name];
    if (!impl) throw new Error(`unknown tool ${name}`);
    return JSON.stringify(await impl(JSON.parse(rawArguments || '{}') as Record<string, string>, client));
  });
}
