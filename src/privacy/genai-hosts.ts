/**
 * Which hosts are AI providers, for the trace-context rule (see trace-context.ts): the well-known
 * provider API hosts (the host table of instrumentations/openai/provider.ts, plus the speech
 * vendors), and every server a GenAI span has named as its `server.address` in this process (a
 * custom base URL: Azure, a gateway, a self-hosted model server), by host and port.
 */
import { providerFromHost } from '../../instrumentations/openai/provider';

/** Speech vendors' API hosts (not OpenAI-compatible, so not in the OpenAI host table). */
const SPEECH_HOSTS: readonly string[] = ['api.deepgram.com', 'api.elevenlabs.io'];

/** Servers seen on GenAI spans ("host:port"); bounded, a process talks to a handful. */
const seen = new Set<string>();
const MAX_SEEN = 256;
/** Whether a host name is a well-known provider's (the table walk, once per host). */
const known = new Map<string, boolean>();
const MAX_KNOWN = 1024;

function key(host: string, port: number | undefined): string {
  return `${host.toLowerCase().replace(/^\[(.*)\]$/, '$1')}:${port ?? ''}`;
}

/** The pair remembered last: a process's calls mostly go to one server, compared without building the key. */
let lastHost: string | undefined;
let lastPort: number | undefined;

/** Called for every GenAI span with a server address (cheap: two comparisons when it was the last one). */
export function rememberGenAiServer(host: string, port: number | undefined): void {
  if (host === lastHost && port === lastPort) return;
  const k = key(host, port);
  if (!seen.has(k)) {
    if (seen.size >= MAX_SEEN) return;
    seen.add(k);
  }
  lastHost = host;
  lastPort = port;
}

/** True for a well-known AI provider host, or a server a GenAI span of this process called. */
export function isGenAiHost(host: string, port: number | undefined): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (seen.has(key(h, port))) return true;
  let result = known.get(h);
  if (result === undefined) {
    // Ports are left out: a local server on Ollama's port is not a third party.
    result = SPEECH_HOSTS.some((suffix) => h === suffix || h.endsWith(`.${suffix}`)) || providerFromHost(h, undefined) !== undefined;
    if (known.size < MAX_KNOWN) known.set(h, result);
  }
  return result;
}
