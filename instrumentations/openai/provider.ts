/**
 * Which provider an `openai` client talks to: AzureOpenAI -> azure.ai.openai; otherwise the host of
 * its base URL (OpenAI-compatible services: Groq, DeepSeek, Mistral, x.ai, Ollama, ...).
 */
import { Provider } from '../../src/semconv/providers';
import { serverOf } from '../../src/tracing/values';

export interface Endpoint {
  readonly provider: string;
  readonly serverAddress: string | undefined;
  readonly serverPort: number | undefined;
}

/** Host suffix -> gen_ai.provider.name (semconv well-known values where they exist). */
const HOSTS: ReadonlyArray<readonly [string, string]> = [
  ['api.openai.com', Provider.OpenAI],
  ['openai.azure.com', Provider.AzureOpenAI],
  ['cognitiveservices.azure.com', Provider.AzureOpenAI],
  ['services.ai.azure.com', 'azure.ai.inference'],
  ['models.ai.azure.com', 'azure.ai.inference'],
  ['inference.ai.azure.com', 'azure.ai.inference'],
  ['api.groq.com', Provider.Groq],
  ['api.deepseek.com', Provider.DeepSeek],
  ['api.mistral.ai', Provider.MistralAi],
  ['api.x.ai', Provider.XAi],
  ['api.perplexity.ai', Provider.Perplexity],
  ['api.moonshot.ai', 'moonshot_ai'],
  ['api.moonshot.cn', 'moonshot_ai'],
  ['api.cohere.ai', Provider.Cohere],
  ['api.cohere.com', Provider.Cohere],
  ['generativelanguage.googleapis.com', Provider.GcpGemini],
  ['aiplatform.googleapis.com', Provider.GcpVertexAi],
  ['amazonaws.com', Provider.AwsBedrock],
  ['api.anthropic.com', Provider.Anthropic],
  ['openrouter.ai', 'openrouter'],
  ['api.together.xyz', 'together'],
  ['api.together.ai', 'together'],
  ['api.fireworks.ai', 'fireworks'],
  ['api.cerebras.ai', 'cerebras'],
  ['api.deepinfra.com', 'deepinfra'],
  ['api.sambanova.ai', 'sambanova'],
  ['api.hyperbolic.xyz', 'hyperbolic'],
  ['api.novita.ai', 'novita'],
  ['api.lambda.ai', 'lambda'],
  ['api.nebius.ai', 'nebius'],
  ['api.studio.nebius.com', 'nebius'],
  ['dashscope.aliyuncs.com', 'dashscope'],
  ['dashscope-intl.aliyuncs.com', 'dashscope'],
  ['api.ai21.com', 'ai21'],
  ['api.replicate.com', 'replicate'],
  ['api-inference.huggingface.co', 'huggingface'],
  ['router.huggingface.co', 'huggingface'],
];

/** Well-known default ports of local OpenAI-compatible servers. */
const LOCAL_PORTS: ReadonlyMap<number, string> = new Map([
  [11434, 'ollama'],
  [1234, 'lm_studio'],
]);

/** The port written in a base URL (not the scheme's default): local servers are known by it. */
function explicitPort(baseURL: string): number | undefined {
  const port = new URL(baseURL).port;
  return port ? Number(port) : undefined;
}

/** The name of a client's class or of any class it extends (AzureOpenAI, BedrockOpenAI, ...). */
function classNames(client: object): string[] {
  const names: string[] = [];
  for (let proto = Object.getPrototypeOf(client); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const name = (proto.constructor as { name?: unknown } | undefined)?.name;
    if (typeof name === 'string') names.push(name);
  }
  return names;
}

export function providerFromHost(host: string, port: number | undefined): string | undefined {
  const h = host.toLowerCase();
  for (const [suffix, provider] of HOSTS) {
    if (h === suffix || h.endsWith(`.${suffix}`)) {
      if (suffix === 'amazonaws.com' && !h.includes('bedrock')) continue;
      return provider;
    }
  }
  if (port !== undefined) return LOCAL_PORTS.get(port);
  return undefined;
}

const cache = new WeakMap<object, { baseURL: unknown; endpoint: Endpoint }>();

/**
 * The endpoint of an `openai` client (cached per client and base URL). An unrecognised host is
 * reported as `openai`: the client speaks OpenAI's API, and a self-hosted proxy in front of OpenAI
 * is the common case. `override` (instrumentation config) wins when it returns a name.
 */
export function endpointOf(client: unknown, override?: (baseURL: string) => string | undefined): Endpoint {
  if (client === null || typeof client !== 'object') return { provider: Provider.OpenAI, serverAddress: undefined, serverPort: undefined };
  const baseURL = (client as { baseURL?: unknown }).baseURL;
  const cached = cache.get(client);
  if (cached && cached.baseURL === baseURL && !override) return cached.endpoint;
  let serverAddress: string | undefined;
  let serverPort: number | undefined;
  let fromHost: string | undefined;
  const server = serverOf(baseURL);
  if (server.address !== undefined) {
    serverAddress = server.address;
    serverPort = server.port;
    fromHost = providerFromHost(server.address, explicitPort(baseURL as string));
  }
  const names = classNames(client);
  let provider =
    (override && typeof baseURL === 'string' ? override(baseURL) : undefined) ??
    (names.includes('AzureOpenAI') ? Provider.AzureOpenAI : names.includes('BedrockOpenAI') ? Provider.AwsBedrock : undefined) ??
    fromHost ??
    Provider.OpenAI;
  if (typeof provider !== 'string' || provider === '') provider = Provider.OpenAI;
  const endpoint: Endpoint = { provider, serverAddress, serverPort };
  cache.set(client, { baseURL, endpoint });
  return endpoint;
}
