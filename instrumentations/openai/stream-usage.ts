/**
 * AIMETER_OPENAI_STREAM_USAGE=true: a streamed chat call that did not ask for usage is sent with
 * `stream_options: {include_usage: true}`, so that its tokens can be counted.
 *
 * Some OpenAI-compatible servers refuse the parameter (older Azure API versions, some gateways
 * and self-hosted servers answer 400 "Unrecognized request argument supplied: stream_options" or a
 * 422 validation error). The opt-in must never turn a call that succeeds into one that fails, so
 * such a refusal is retried once, transparently, with the caller's own body: the APIPromise the
 * caller holds is the SDK's, its `responsePromise` (which `await`, `.withResponse()` and
 * `.asResponse()` all read, lazily) now leads to the retry's response. A server that refused is
 * remembered (per host and port), and later calls to it are sent as the caller wrote them.
 * A refusal of the retry is the caller's error, exactly what they would get without aimeter.
 */
import { recordInternalError } from '../../src/internal/errors';

/** Servers ("host:port") that refused stream_options (bounded). */
const refusing = new Set<string>();
const MAX_REFUSING = 256;

function serverKey(address: string | undefined, port: number | undefined): string {
  return `${address ?? ''}:${port ?? ''}`;
}

/** The body with include_usage added, or undefined when it is not to be added. */
export function withStreamUsage(body: Record<string, any>, server: { address?: string; port?: number }): Record<string, any> | undefined {
  if (body.stream !== true) return undefined;
  const options = body.stream_options;
  if (options !== undefined && options !== null && options.include_usage !== undefined) return undefined;
  if (refusing.has(serverKey(server.address, server.port))) return undefined;
  return { ...body, stream_options: { ...(options ?? {}), include_usage: true } };
}

/** A 400 or 422: how servers that do not know a parameter answer. */
function isRefusal(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  return status === 400 || status === 422;
}

/**
 * Makes `apiPromise` (the SDK's answer to the call sent with include_usage) retry once with the
 * caller's own arguments when the server refuses. `retry` sends them (returns the SDK's
 * APIPromise); `onRetry` is told, so that the call stops stripping usage it no longer asked for.
 * `component` labels a swallowed error (the instrumentation's own, as everywhere in it).
 */
export function retryWithoutStreamUsage(
  apiPromise: unknown,
  server: { address?: string; port?: number },
  retry: () => unknown,
  onRetry: () => void,
  component: string,
): void {
  const p = apiPromise as { responsePromise?: Promise<unknown> } | null;
  const first = p?.responsePromise;
  if (!p || typeof first?.then !== 'function') return;
  p.responsePromise = first.then(undefined, (error: unknown) => {
    if (!isRefusal(error)) throw error;
    let second: { responsePromise?: Promise<unknown> } | undefined;
    try {
      onRetry();
      second = retry() as { responsePromise?: Promise<unknown> };
    } catch (e) {
      recordInternalError(component, e);
      throw error;
    }
    const responses = second?.responsePromise;
    if (typeof responses?.then !== 'function') throw error;
    return responses.then((props) => {
      if (refusing.size < MAX_REFUSING) refusing.add(serverKey(server.address, server.port));
      return props;
    });
  });
}
