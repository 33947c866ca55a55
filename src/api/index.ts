/** aimeter's manual tracing API: for code that no SDK instrumentation covers. See docs/manual-api.md. */
export { traceLlm, traceSpeechToText, traceTextToSpeech, traceAgent, traceTool } from './trace';
export type {
  LlmOperation,
  LlmOptions,
  LlmCall,
  SpeechToTextOptions,
  SpeechToTextCall,
  TextToSpeechOptions,
  TextToSpeechCall,
  AgentOptions,
  AgentCall,
  ToolOptions,
  ToolCall,
} from './trace';
export { traceTextToSpeechSocket, type TextToSpeechSocketLike, type TextToSpeechSocketOptions } from './tts-socket';
export { activeCall, type TracedCall } from './call';
export { llm, agent, tool, speechToText, textToSpeech, type AimeterMethodDecorator, type DecoratorOptions } from './decorators';
