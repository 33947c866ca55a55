/**
 * Every span attribute name aimeter reads or writes, in one place.
 *
 * `gen_ai.*` names follow the OpenTelemetry GenAI semantic conventions (Development status).
 * Attributes of our own live under `aimeter.*`, never under `gen_ai.*`.
 */

// --- GenAI semantic conventions -------------------------------------------------------------
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
/** Deprecated in favour of gen_ai.provider.name; older instrumentations still emit it. */
export const ATTR_GEN_AI_SYSTEM = 'gen_ai.system';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_REQUEST_STREAM = 'gen_ai.request.stream';
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
export const ATTR_GEN_AI_REQUEST_TOP_P = 'gen_ai.request.top_p';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK = 'gen_ai.response.time_to_first_chunk';
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
/** v1.41's name for cache writes (written by default; see src/semconv/conventions.ts). */
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = 'gen_ai.usage.cache_creation.input_tokens';
/** The newest conventions' name for cache writes (written with gen_ai_latest_experimental; always read). */
export const ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS = 'gen_ai.usage.cache_write.input_tokens';
export const ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.usage.reasoning.output_tokens';
export const ATTR_GEN_AI_CONVERSATION_ID = 'gen_ai.conversation.id';
export const ATTR_GEN_AI_AGENT_NAME = 'gen_ai.agent.name';
export const ATTR_GEN_AI_AGENT_ID = 'gen_ai.agent.id';
export const ATTR_GEN_AI_AGENT_DESCRIPTION = 'gen_ai.agent.description';
export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
export const ATTR_GEN_AI_TOOL_CALL_ID = 'gen_ai.tool.call.id';
export const ATTR_GEN_AI_TOOL_TYPE = 'gen_ai.tool.type';
export const ATTR_GEN_AI_OUTPUT_TYPE = 'gen_ai.output.type';
export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type';
/** Newest conventions: required on the usage counters (text, image, audio, unknown). */
export const ATTR_GEN_AI_TOKEN_MODALITY = 'gen_ai.token.modality';
// Evaluations: the gen_ai.evaluation.result event (see src/quality/evaluations.ts).
export const EVENT_GEN_AI_EVALUATION_RESULT = 'gen_ai.evaluation.result';
export const ATTR_GEN_AI_EVALUATION_NAME = 'gen_ai.evaluation.name';
export const ATTR_GEN_AI_EVALUATION_SCORE_VALUE = 'gen_ai.evaluation.score.value';
export const ATTR_GEN_AI_EVALUATION_SCORE_LABEL = 'gen_ai.evaluation.score.label';
export const ATTR_GEN_AI_EVALUATION_EXPLANATION = 'gen_ai.evaluation.explanation';
// Retrieval spans (operation `retrieval`; names of semantic-conventions-genai after v1.41).
export const ATTR_GEN_AI_DATA_SOURCE_ID = 'gen_ai.data_source.id';
export const ATTR_GEN_AI_RETRIEVAL_TOP_K = 'gen_ai.retrieval.top_k';
/** Opt-in content: the query text and the documents returned ([{id, score}] as JSON). */
export const ATTR_GEN_AI_RETRIEVAL_QUERY_TEXT = 'gen_ai.retrieval.query.text';
export const ATTR_GEN_AI_RETRIEVAL_DOCUMENTS = 'gen_ai.retrieval.documents';
// Content (opt-in only).
export const ATTR_GEN_AI_SYSTEM_INSTRUCTIONS = 'gen_ai.system_instructions';
export const ATTR_GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages';
export const ATTR_GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages';
export const ATTR_GEN_AI_TOOL_DEFINITIONS = 'gen_ai.tool.definitions';
export const ATTR_GEN_AI_TOOL_CALL_ARGUMENTS = 'gen_ai.tool.call.arguments';
export const ATTR_GEN_AI_TOOL_CALL_RESULT = 'gen_ai.tool.call.result';

// --- General semantic conventions ----------------------------------------------------------
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_SERVER_ADDRESS = 'server.address';
/** HTTP semconv (stable): the query string of an incoming request, the full URL of an outgoing one. */
export const ATTR_URL_QUERY = 'url.query';
export const ATTR_URL_FULL = 'url.full';
export const ATTR_SERVER_PORT = 'server.port';
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
/** The matched route template of an incoming request (on instrumentation-http's SERVER spans). */
export const ATTR_HTTP_ROUTE = 'http.route';
/** HTTP semconv (stable): the method of an incoming request (for the request summary line). */
export const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
/** HTTP semconv (stable): the scheme and protocol version of an incoming request (on http.server.request.duration). */
export const ATTR_URL_SCHEME = 'url.scheme';
export const ATTR_NETWORK_PROTOCOL_VERSION = 'network.protocol.version';
/** The end user of a request, when the application sets it: an id, never a metric label. */
export const ATTR_ENDUSER_ID = 'enduser.id';

// --- Other libraries' spellings we read (never write) ----------------------------------------
/** OpenLLMetry and older contrib instrumentations. */
export const ATTR_LEGACY_USAGE_PROMPT_TOKENS = 'gen_ai.usage.prompt_tokens';
export const ATTR_LEGACY_USAGE_COMPLETION_TOKENS = 'gen_ai.usage.completion_tokens';
export const ATTR_LEGACY_LLM_REQUEST_TYPE = 'llm.request.type';
export const ATTR_LEGACY_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read_input_tokens';
export const ATTR_LEGACY_CACHE_CREATION_INPUT_TOKENS = 'gen_ai.usage.cache_creation_input_tokens';
/** @anthropic-ai/sdk native spans (0.134+ and 1.x): cache writes, where semconv says cache_creation. */
export const ATTR_ANTHROPIC_SDK_CACHE_WRITE_INPUT_TOKENS = ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS;
/** The native Anthropic SDK span's raw `stop_reason` (it sets no gen_ai.response.finish_reasons). */
export const ATTR_ANTHROPIC_SDK_STOP_REASON = 'anthropic.message.stop_reason';
/** Vercel AI SDK (`ai`): its own spans' attributes (see src/processor/vercel-ai.ts). */
export const ATTR_VERCEL_OPERATION_ID = 'ai.operationId';
export const ATTR_VERCEL_MS_TO_FIRST_CHUNK = 'ai.response.msToFirstChunk';
export const ATTR_VERCEL_MODEL_PROVIDER = 'ai.model.provider';
export const ATTR_VERCEL_MODEL_ID = 'ai.model.id';
export const ATTR_VERCEL_RESPONSE_MODEL = 'ai.response.model';
export const ATTR_VERCEL_TOOL_CALL_NAME = 'ai.toolCall.name';
export const ATTR_VERCEL_USAGE_INPUT_TOKENS = 'ai.usage.inputTokens';
export const ATTR_VERCEL_USAGE_OUTPUT_TOKENS = 'ai.usage.outputTokens';
export const ATTR_VERCEL_USAGE_CACHE_READ_TOKENS = 'ai.usage.inputTokenDetails.cacheReadTokens';
/** The AI SDK 5 spelling of cache reads (6 writes both). */
export const ATTR_VERCEL_USAGE_CACHED_INPUT_TOKENS = 'ai.usage.cachedInputTokens';
export const ATTR_VERCEL_USAGE_CACHE_WRITE_TOKENS = 'ai.usage.inputTokenDetails.cacheWriteTokens';
export const ATTR_VERCEL_USAGE_REASONING_TOKENS = 'ai.usage.outputTokenDetails.reasoningTokens';
/** The AI SDK 5 spelling of reasoning tokens (6 writes both). */
export const ATTR_VERCEL_USAGE_REASONING_TOKENS_V5 = 'ai.usage.reasoningTokens';
/** Embedding calls' token count (NaN when the provider reported none). */
export const ATTR_VERCEL_USAGE_TOKENS = 'ai.usage.tokens';
/** OpenTelemetry's exception event (recordException) and its type attribute. */
export const EVENT_EXCEPTION = 'exception';
export const ATTR_EXCEPTION_TYPE = 'exception.type';

// --- aimeter's own -----------------------------------------------------------------------------
/** Number of streamed chunks the caller received (streaming calls only). */
export const ATTR_AIMETER_RESPONSE_CHUNKS = 'aimeter.response.chunks';
/** True when the caller stopped reading a streamed response before its end (cancelled / broke out). */
export const ATTR_AIMETER_RESPONSE_ABANDONED = 'aimeter.response.abandoned';
/** Seconds of audio in (speech-to-text) or out (text-to-speech), when known. */
export const ATTR_AIMETER_SPEECH_AUDIO_DURATION = 'aimeter.speech.audio.duration';
/** Characters of text synthesized (text-to-speech). */
export const ATTR_AIMETER_SPEECH_CHARACTERS = 'aimeter.speech.characters';
/** Bytes of audio produced (text-to-speech). */
export const ATTR_AIMETER_SPEECH_AUDIO_SIZE = 'aimeter.speech.audio.size';
/** Text-to-speech voice id (an id: a span attribute only, never a metric label). */
export const ATTR_AIMETER_SPEECH_VOICE_ID = 'aimeter.speech.voice.id';
/** Number of documents a retrieval returned (ours: semconv has no count attribute). */
export const ATTR_AIMETER_RETRIEVAL_DOCUMENTS_RETURNED = 'aimeter.retrieval.documents.returned';
/** Set on a span whose usage another span already reports, so that it is not counted twice. */
export const ATTR_AIMETER_USAGE_COUNTED_ELSEWHERE = 'aimeter.usage.counted_elsewhere';
/**
 * Outcomes (src/outcomes/): what an agent run achieved (set by traceAgent's setOutcome, or by
 * another library on its agent span), and the configuration a call ran under (withVariant,
 * AIMETER_VARIANT). Both are low-cardinality metric labels.
 */
export const ATTR_AIMETER_OUTCOME = 'aimeter.outcome';
export const ATTR_AIMETER_VARIANT = 'aimeter.variant';
/** Voice turns (traceTurn): when the user stopped and the agent started speaking, in ms since the epoch. */
export const ATTR_AIMETER_TURN_USER_STOPPED_SPEAKING = 'aimeter.turn.user_stopped_speaking';
export const ATTR_AIMETER_TURN_AGENT_STARTED_SPEAKING = 'aimeter.turn.agent_started_speaking';
/** True when the user interrupted (barged in on) the agent during the turn. */
export const ATTR_AIMETER_TURN_INTERRUPTED = 'aimeter.turn.interrupted';

// --- Request parameters and OpenAI-specific names (semconv; added for the OpenAI instrumentation) ---
export const ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY = 'gen_ai.request.frequency_penalty';
export const ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY = 'gen_ai.request.presence_penalty';
export const ATTR_GEN_AI_REQUEST_STOP_SEQUENCES = 'gen_ai.request.stop_sequences';
export const ATTR_GEN_AI_REQUEST_SEED = 'gen_ai.request.seed';
export const ATTR_GEN_AI_REQUEST_CHOICE_COUNT = 'gen_ai.request.choice.count';
export const ATTR_GEN_AI_REQUEST_ENCODING_FORMATS = 'gen_ai.request.encoding_formats';
export const ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT = 'gen_ai.embeddings.dimension.count';
export const ATTR_OPENAI_REQUEST_SERVICE_TIER = 'openai.request.service_tier';
export const ATTR_OPENAI_RESPONSE_SERVICE_TIER = 'openai.response.service_tier';
export const ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT = 'openai.response.system_fingerprint';
