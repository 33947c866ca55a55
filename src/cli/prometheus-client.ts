/**
 * The Prometheus HTTP API as the command line needs it: instant and range queries, basic auth
 * or a bearer token, a timeout per request, and error messages that say what is wrong (down,
 * wrong URL, not Prometheus, refused query). Range queries longer than Prometheus's limit of
 * 11,000 points per series are split into consecutive chunks and joined again.
 */
import { CliError } from './errors';

/** Prometheus refuses a range query with more points than this per series. */
export const MAX_POINTS_PER_SERIES = 11_000;

export interface ClientOptions {
  /** Base URL, e.g. http://localhost:9090 (a path prefix such as /prometheus is kept). */
  readonly url: string;
  readonly token?: string | undefined;
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  /** Per request, milliseconds. */
  readonly timeoutMs: number;
}

export type Labels = Readonly<Record<string, string>>;
export interface InstantSample {
  readonly labels: Labels;
  readonly value: number;
}
export interface RangeSeries {
  readonly labels: Labels;
  /** [seconds since the epoch, value], in time order. */
  readonly points: ReadonlyArray<readonly [number, number]>;
}

interface ApiBody {
  status?: string;
  error?: string;
  errorType?: string;
  data?: { resultType: string; result: unknown };
}

export interface RangeProgress {
  /** Called after each chunk of a split range query. */
  (done: number, total: number): void;
}

export class PrometheusClient {
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(private readonly options: ClientOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new CliError(`--prometheus "${options.url}" is not a URL: give the Prometheus base URL, e.g. http://localhost:9090`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new CliError(`--prometheus "${options.url}" must be an http:// or https:// URL`);
    }
    this.headers = { Accept: 'application/json' };
    // Credentials in the URL (http://user:pass@host) are moved into the header; fetch refuses them.
    const user = options.user ?? (parsed.username ? decodeURIComponent(parsed.username) : undefined);
    const password = options.password ?? (parsed.password ? decodeURIComponent(parsed.password) : undefined);
    parsed.username = '';
    parsed.password = '';
    this.base = parsed.toString().replace(/\/+$/, '');
    if (options.token) this.headers.Authorization = `Bearer ${options.token}`;
    else if (user !== undefined) this.headers.Authorization = `Basic ${Buffer.from(`${user}:${password ?? ''}`).toString('base64')}`;
  }

  get url(): string {
    return this.base;
  }

  /** An instant query evaluated at `time` (seconds). NaN and infinite values are dropped (no data). */
  async query(expr: string, time: number): Promise<InstantSample[]> {
    const data = await this.call('/api/v1/query', { query: expr, time: String(time) });
    if (data.resultType === 'scalar') {
      const [, v] = data.result as [number, string];
      return finite(Number(v)) ? [{ labels: {}, value: Number(v) }] : [];
    }
    return (data.result as { metric: Labels; value: [number, string] }[])
      .map((r) => ({ labels: r.metric, value: Number(r.value[1]) }))
      .filter((s) => finite(s.value));
  }

  /** The single value of an instant query (summed to one series by the caller), or null. */
  async scalar(expr: string, time: number): Promise<number | null> {
    const samples = await this.query(expr, time);
    return samples.length > 0 ? (samples[0] as InstantSample).value : null;
  }

  /**
   * A range query from `start` to `end` every `step` seconds, split into chunks of at most
   * MAX_POINTS_PER_SERIES points; series of the chunks are joined by their labels.
   */
  async queryRange(expr: string, start: number, end: number, step: number, progress?: RangeProgress): Promise<RangeSeries[]> {
    const chunks = rangeChunks(start, end, step);
    const bySeries = new Map<string, { labels: Labels; points: [number, number][] }>();
    let done = 0;
    for (const chunk of chunks) {
      const data = await this.call('/api/v1/query_range', {
        query: expr,
        start: String(chunk.start),
        end: String(chunk.end),
        step: String(step),
      });
      for (const r of data.result as { metric: Labels; values: [number, string][] }[]) {
        const key = JSON.stringify(Object.entries(r.metric).sort());
        let series = bySeries.get(key);
        if (!series) bySeries.set(key, (series = { labels: r.metric, points: [] }));
        for (const [t, v] of r.values) if (finite(Number(v))) series.points.push([t, Number(v)]);
      }
      progress?.((done += 1), chunks.length);
    }
    return [...bySeries.values()];
  }

  private async call(path: string, params: Record<string, string>): Promise<{ resultType: string; result: unknown }> {
    const url = `${this.base}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { ...this.headers, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      throw new CliError(connectionMessage(this.base, err, this.options.timeoutMs));
    }
    const text = await res.text().catch(() => '');
    let body: ApiBody | undefined;
    try {
      body = JSON.parse(text) as ApiBody;
    } catch {
      body = undefined;
    }
    if (res.status === 401 || res.status === 403) {
      const given = this.headers.Authorization ? 'the credentials given were refused' : 'give --token, or --user and --password';
      throw new CliError(`Prometheus at ${this.base} answered ${res.status} ${res.statusText}: it needs authentication (${given})`);
    }
    if (!body || typeof body !== 'object' || typeof body.status !== 'string') {
      const hint = res.status === 404 ? ': is this the Prometheus base URL (without /api/v1 or a /graph path)?' : ': is this a Prometheus server?';
      throw new CliError(`${url} answered ${res.status} ${res.statusText} and not the Prometheus API${hint}`);
    }
    if (body.status !== 'success' || !body.data) {
      throw new CliError(`Prometheus at ${this.base} refused the query (${body.errorType ?? res.status}): ${body.error ?? 'no reason given'}\n  query: ${params.query}`);
    }
    return body.data;
  }
}

/** Splits [start, end] at `step` into chunks of at most MAX_POINTS_PER_SERIES points, none shared. */
export function rangeChunks(start: number, end: number, step: number): { start: number; end: number }[] {
  if (!(step > 0)) throw new CliError(`the step must be longer than zero`);
  const chunks: { start: number; end: number }[] = [];
  const span = (MAX_POINTS_PER_SERIES - 1) * step;
  for (let from = start; from <= end; from += span + step) chunks.push({ start: from, end: Math.min(end, from + span) });
  return chunks;
}

function finite(n: number): boolean {
  return Number.isFinite(n);
}

function connectionMessage(base: string, err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') {
    return `Prometheus at ${base} did not answer within ${timeoutMs / 1000} s (--timeout)`;
  }
  const code = e.cause?.code;
  if (code === 'ECONNREFUSED') return `cannot reach Prometheus at ${base}: connection refused (is it running? set --prometheus or AIMETER_PROMETHEUS_URL)`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot reach Prometheus at ${base}: the host name does not resolve (${code})`;
  return `cannot reach Prometheus at ${base}: ${e.cause?.message ?? e.message ?? String(err)}${code ? ` (${code})` : ''}`;
}
