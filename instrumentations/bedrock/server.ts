/**
 * `server.address` / `server.port` of a Bedrock Runtime client. The SDK keeps its endpoint and
 * region behind async providers (`config.endpoint()`, `config.region()`), so a client's server is
 * resolved once, on its first call, and remembered per client config: that first call's span
 * gets the attributes a few microtasks after it starts (long before its response), later calls
 * at start. A custom endpoint is named as given; otherwise the regional host
 * `bedrock-runtime[-fips].{region}.amazonaws.com:443`.
 */
import * as A from '../../src/semconv/attributes';
import { rememberGenAiServer } from '../../src/privacy/genai-hosts';
import type { GenAiSpan } from '../../src/tracing/genai-span';
import { obj, serverOf, str, type Server } from '../../src/tracing/values';

interface ClientConfig {
  isCustomEndpoint?: unknown;
  endpoint?: unknown;
  region?: unknown;
  useFipsEndpoint?: unknown;
}

const resolved = new WeakMap<object, Server | Promise<Server>>();

/** Calls a provider the SDK keeps in its config (a function returning a value or a promise). */
async function provided(provider: unknown): Promise<unknown> {
  return typeof provider === 'function' ? (provider as () => unknown)() : provider;
}

async function resolve(config: ClientConfig): Promise<Server> {
  if (config.isCustomEndpoint === true && config.endpoint !== undefined) {
    const endpoint = obj(await provided(config.endpoint));
    const host = str(endpoint?.hostname);
    if (!host) return {};
    const port = typeof endpoint?.port === 'number' || typeof endpoint?.port === 'string' ? `:${endpoint.port}` : '';
    const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    return serverOf(`${str(endpoint?.protocol) ?? 'https:'}//${bracketed}${port}`);
  }
  const region = str(await provided(config.region));
  if (!region || !/^[a-z0-9-]+$/.test(region)) return {};
  const fips = (await provided(config.useFipsEndpoint)) === true;
  return { address: `bedrock-runtime${fips ? '-fips' : ''}.${region}.amazonaws.com`, port: 443 };
}

/**
 * The client's server if already known; else undefined, and `span` gets it once resolved.
 * `onError` counts a resolution that failed (the span then has no server attributes).
 */
export function clientServer(client: unknown, span: () => GenAiSpan | undefined, onError: (error: unknown) => void): Server | undefined {
  const config = obj(obj(client)?.config) as ClientConfig | undefined;
  if (!config) return {};
  let entry = resolved.get(config);
  if (entry === undefined) {
    entry = resolve(config).then(
      (server) => {
        resolved.set(config, server);
        return server;
      },
      (error: unknown) => {
        onError(error);
        resolved.set(config, {});
        return {};
      },
    );
    resolved.set(config, entry);
  }
  if (!(entry instanceof Promise)) return entry;
  entry.then(
    (server) => {
      const s = span();
      if (!s || !server.address) return;
      s.setAttributes({ [A.ATTR_SERVER_ADDRESS]: server.address, ...(server.port !== undefined ? { [A.ATTR_SERVER_PORT]: server.port } : {}) });
      rememberGenAiServer(server.address, server.port);
    },
    onError,
  );
  return undefined;
}
