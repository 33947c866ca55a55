/** GenAI operation names (`gen_ai.operation.name`) and what aimeter does with each kind. */
export const Operation = {
  Chat: 'chat',
  TextCompletion: 'text_completion',
  GenerateContent: 'generate_content',
  Embeddings: 'embeddings',
  SpeechToText: 'speech_to_text',
  TextToSpeech: 'text_to_speech',
  InvokeAgent: 'invoke_agent',
  CreateAgent: 'create_agent',
  InvokeWorkflow: 'invoke_workflow',
  ExecuteTool: 'execute_tool',
  /** One conversational turn (voice: user stops speaking -> agent answers); the name the GenAI conventions are adopting. */
  HandleConversationTurn: 'handle_conversation_turn',
  Retrieval: 'retrieval',
} as const;
export type OperationName = (typeof Operation)[keyof typeof Operation];

/** Calls to a model: the only operations whose usage is counted as tokens and dollars. */
const MODEL_CALLS: ReadonlySet<string> = new Set<string>([
  Operation.Chat,
  Operation.TextCompletion,
  Operation.GenerateContent,
  Operation.Embeddings,
  Operation.SpeechToText,
  Operation.TextToSpeech,
]);

/** Operations that aggregate other calls (their reported usage is a roll-up and never counted). */
const AGGREGATES: ReadonlySet<string> = new Set<string>([
  Operation.InvokeAgent,
  Operation.CreateAgent,
  Operation.InvokeWorkflow,
  Operation.HandleConversationTurn,
]);

/** Inference in the newest conventions' sense (gen_ai.client.inference.*): text generation. */
const INFERENCE: ReadonlySet<string> = new Set<string>([Operation.Chat, Operation.TextCompletion, Operation.GenerateContent]);

export function isInference(operation: string): boolean {
  return INFERENCE.has(operation);
}

export function isModelCall(operation: string): boolean {
  return MODEL_CALLS.has(operation);
}

export function isAggregate(operation: string): boolean {
  return AGGREGATES.has(operation);
}
