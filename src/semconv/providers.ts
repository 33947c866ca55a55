/** Well-known `gen_ai.provider.name` values (semconv), plus the speech vendors we instrument. */
export const Provider = {
  OpenAI: 'openai',
  AzureOpenAI: 'azure.ai.openai',
  Anthropic: 'anthropic',
  AwsBedrock: 'aws.bedrock',
  GcpGemini: 'gcp.gemini',
  GcpVertexAi: 'gcp.vertex_ai',
  GcpGenAi: 'gcp.gen_ai',
  Groq: 'groq',
  DeepSeek: 'deepseek',
  MistralAi: 'mistral_ai',
  XAi: 'x_ai',
  Perplexity: 'perplexity',
  Cohere: 'cohere',
  Deepgram: 'deepgram',
  ElevenLabs: 'elevenlabs',
} as const;
