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
]);

export function isModelCall(operation: string): boolean {
  return MODEL_CALLS.has(operation);
}

export function isAggregate(operation: string): boolean {
  return AGGREGATES.has(operation);
}
