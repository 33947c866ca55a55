/**
 * The provider-SDK instrumentations aimeter registers by default. Each lives in its own folder
 * (instrumentations/<sdk>/) and is built from the kit (src/tracing/define.ts, docs/instrumentations/adding.md).
 */
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { AnthropicInstrumentation, ANTHROPIC_INSTRUMENTATION_NAME } from './anthropic';
import { BedrockInstrumentation, BEDROCK_INSTRUMENTATION_NAME } from './bedrock';
import { DeepgramInstrumentation, DEEPGRAM_INSTRUMENTATION_NAME } from './deepgram';
import { ElevenLabsInstrumentation, ELEVENLABS_INSTRUMENTATION_NAME } from './elevenlabs';
import { GoogleGenAiInstrumentation, GOOGLE_GENAI_INSTRUMENTATION_NAME } from './google-genai';
import { LangChainInstrumentation, LANGCHAIN_INSTRUMENTATION_NAME } from './langchain';
import { OpenAIInstrumentation, name as OPENAI_INSTRUMENTATION_NAME } from './openai';
import { VercelAiInstrumentation, VERCEL_AI_INSTRUMENTATION_NAME } from './vercel-ai';
import { OpenAIAgentsInstrumentation, OPENAI_AGENTS_INSTRUMENTATION_NAME } from './openai-agents';

export interface InstrumentationEntry {
  /** Short name, as used in OTEL_NODE_DISABLED_INSTRUMENTATIONS. */
  readonly name: string;
  create(): Instrumentation;
}

export const INSTRUMENTATIONS: readonly InstrumentationEntry[] = [
  { name: OPENAI_INSTRUMENTATION_NAME, create: () => new OpenAIInstrumentation() },
  { name: ANTHROPIC_INSTRUMENTATION_NAME, create: () => new AnthropicInstrumentation() },
  { name: DEEPGRAM_INSTRUMENTATION_NAME, create: () => new DeepgramInstrumentation() },
  { name: ELEVENLABS_INSTRUMENTATION_NAME, create: () => new ElevenLabsInstrumentation() },
  { name: GOOGLE_GENAI_INSTRUMENTATION_NAME, create: () => new GoogleGenAiInstrumentation() },
  { name: BEDROCK_INSTRUMENTATION_NAME, create: () => new BedrockInstrumentation() },
  { name: VERCEL_AI_INSTRUMENTATION_NAME, create: () => new VercelAiInstrumentation() },
  { name: LANGCHAIN_INSTRUMENTATION_NAME, create: () => new LangChainInstrumentation() },
  { name: OPENAI_AGENTS_INSTRUMENTATION_NAME, create: () => new OpenAIAgentsInstrumentation() },
];

export function createInstrumentations(disabled: ReadonlySet<string> = new Set()): Instrumentation[] {
  return INSTRUMENTATIONS.filter((entry) => !disabled.has(entry.name)).map((entry) => entry.create());
}
