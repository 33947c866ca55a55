/**
 * OpenAI request/response content in the GenAI semconv shapes (recorded only when content capture
 * is on): `[{role, parts:[{type:'text', content}, {type:'tool_call', id, name, arguments},
 * {type:'tool_call_response', id, response}]}]`, system instructions as `[{type:'text', content}]`,
 * tool definitions as `[{type:'function', name, description, parameters}]`.
 */

export type Part =
  | { type: 'text'; content: string }
  | { type: 'tool_call'; id?: string; name: string; arguments?: unknown }
  | { type: 'tool_call_response'; id?: string; response: unknown }
  | { type: 'reasoning'; content: string }
  | { type: string; [key: string]: unknown };

export interface Message {
  role: string;
  parts: Part[];
  finish_reason?: string;
}

/** Tool-call arguments as an object when they are JSON, else the raw string. */
function args(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function textParts(content: unknown): Part[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  const parts: Part[] = [];
  for (const p of content) {
    if (!p || typeof p !== 'object') continue;
    const text = (p as { text?: unknown }).text ?? (p as { refusal?: unknown }).refusal;
    const type = String((p as { type?: unknown }).type ?? '');
    if (typeof text === 'string') parts.push({ type: 'text', content: text });
    else if (type.includes('image')) parts.push({ type: 'image' });
    else if (type.includes('audio')) parts.push({ type: 'audio' });
    else if (type.includes('file')) parts.push({ type: 'file' });
  }
  return parts;
}

function toolCallParts(toolCalls: unknown): Part[] {
  if (!Array.isArray(toolCalls)) return [];
  return toolCalls.map((tc: any) => ({
    type: 'tool_call',
    id: tc?.id,
    name: String(tc?.function?.name ?? tc?.custom?.name ?? ''),
    arguments: args(tc?.function?.arguments ?? tc?.custom?.input),
  }));
}

/** Chat messages -> {system instructions, input messages}. */
export function chatInput(messages: unknown): { system: Part[]; input: Message[] } {
  const system: Part[] = [];
  const input: Message[] = [];
  if (!Array.isArray(messages)) return { system, input };
  for (const m of messages as any[]) {
    const role = String(m?.role ?? 'user');
    if (role === 'system' || role === 'developer') {
      system.push(...textParts(m.content));
      continue;
    }
    if (role === 'tool') {
      input.push({ role: 'tool', parts: [{ type: 'tool_call_response', id: m.tool_call_id, response: contentText(m.content) }] });
      continue;
    }
    input.push({ role, parts: [...textParts(m.content), ...toolCallParts(m.tool_calls)] });
  }
  return { system, input };
}

function contentText(content: unknown): unknown {
  if (typeof content === 'string') return content;
  const parts = textParts(content);
  return parts.map((p) => (p.type === 'text' ? (p as { content: string }).content : '')).join('');
}

/** A chat completion's choices -> output messages. */
export function chatOutput(choices: unknown): Message[] {
  if (!Array.isArray(choices)) return [];
  return choices.map((c: any) => ({
    role: String(c?.message?.role ?? 'assistant'),
    parts: [
      ...(typeof c?.message?.content === 'string' ? [{ type: 'text', content: c.message.content } as Part] : []),
      ...(typeof c?.message?.refusal === 'string' ? [{ type: 'text', content: c.message.refusal } as Part] : []),
      ...toolCallParts(c?.message?.tool_calls),
    ],
    ...(c?.finish_reason ? { finish_reason: String(c.finish_reason) } : {}),
  }));
}

/** Chat / Responses tool definitions. */
export function toolDefinitions(tools: unknown): unknown[] {
  if (!Array.isArray(tools)) return [];
  return tools.map((t: any) => {
    const fn = t?.function ?? t;
    const def: Record<string, unknown> = { type: String(t?.type ?? 'function') };
    if (fn?.name !== undefined) def.name = fn.name;
    if (fn?.description !== undefined) def.description = fn.description;
    if (fn?.parameters !== undefined) def.parameters = fn.parameters;
    return def;
  });
}

/** Responses API `input` (+ `instructions`) -> {system, input}. */
export function responsesInput(instructions: unknown, input: unknown): { system: Part[]; input: Message[] } {
  const system: Part[] = typeof instructions === 'string' ? [{ type: 'text', content: instructions }] : [];
  const messages: Message[] = [];
  if (typeof input === 'string') return { system, input: [{ role: 'user', parts: [{ type: 'text', content: input }] }] };
  if (!Array.isArray(input)) return { system, input: messages };
  for (const item of input as any[]) {
    const type = item?.type;
    if (type === 'function_call') {
      messages.push({ role: 'assistant', parts: [{ type: 'tool_call', id: item.call_id, name: String(item.name ?? ''), arguments: args(item.arguments) }] });
    } else if (type === 'function_call_output') {
      messages.push({ role: 'tool', parts: [{ type: 'tool_call_response', id: item.call_id, response: item.output }] });
    } else if (item?.role) {
      const role = String(item.role);
      if (role === 'system' || role === 'developer') system.push(...textParts(item.content));
      else messages.push({ role, parts: textParts(item.content) });
    }
  }
  return { system, input: messages };
}

/** Responses API `output` items -> one assistant output message. */
export function responsesOutput(output: unknown, finishReason: string | undefined): Message[] {
  if (!Array.isArray(output)) return [];
  const parts: Part[] = [];
  for (const item of output as any[]) {
    if (item?.type === 'message') parts.push(...textParts(item.content));
    else if (item?.type === 'function_call') parts.push({ type: 'tool_call', id: item.call_id, name: String(item.name ?? ''), arguments: args(item.arguments) });
    else if (item?.type === 'reasoning' && Array.isArray(item.summary)) {
      for (const s of item.summary) if (typeof s?.text === 'string') parts.push({ type: 'reasoning', content: s.text });
    }
  }
  return [{ role: 'assistant', parts, ...(finishReason ? { finish_reason: finishReason } : {}) }];
}
