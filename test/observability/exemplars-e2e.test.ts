/**
 * Exemplars end to end: an app using the real `openai` SDK against the fake provider (three chat
 * calls, one streamed) runs under the preload with its traces exported over OTLP to an in-process
 * receiver; a real Prometheus with exemplar storage scrapes it (so it negotiates OpenMetrics).
 * Read back through /api/v1/query_exemplars, the latency, time-to-first-chunk and cost histograms
 * link to the exported traces, the streamed call's trace among them; the OpenMetrics scrape
 * ingests exactly the series names of the text format (process and runtime metrics included).
 *
 * Needs the `prometheus` binary; skipped without it unless CI is set.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { REPO_ROOT, freePort, scrape, startChildApp, type ChildApp } from '../helpers/child-app';
import { parseExposition } from '../helpers/exposition';
import { otlpReceiver, type OtlpReceiver, spansOf } from '../helpers/otlp-receiver';
import { startPrometheus, type PrometheusProcess } from './prometheus-process';
import { requireTool } from './support';

const APP = path.join(REPO_ROOT, 'dist', 'test', 'apps', 'openai-app.js');
const JOB = 'exemplar-app';
const LINKED = [
  'gen_ai_client_operation_duration_seconds',
  'gen_ai_client_operation_time_to_first_chunk_seconds',
  'aimeter_operation_cost_usd',
] as const;

interface ExemplarSeries {
  seriesLabels: Record<string, string>;
  exemplars: { labels: Record<string, string>; value: string; timestamp: number }[];
}

let skip: string | undefined;
let receiver: OtlpReceiver | undefined;
let app: ChildApp | undefined;
let appPort = 0;
let prometheus: PrometheusProcess | undefined;
const startedAt = Date.now() / 1000;

before(async () => {
  const tool = requireTool('prometheus');
  if ('skip' in tool) {
    skip = tool.skip;
    return;
  }
  receiver = await otlpReceiver();
  appPort = await freePort();
  app = await startChildApp(['--require', 'aimeter/register', APP], {
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_BSP_SCHEDULE_DELAY: '100',
    OTEL_METRICS_EXPORTER: 'prometheus',
    OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
    OTEL_EXPORTER_PROMETHEUS_PORT: String(appPort),
  });
  prometheus = await startPrometheus(tool.path, { [JOB]: `127.0.0.1:${appPort}` }, ['--enable-feature=exemplar-storage']);
});

after(async () => {
  await prometheus?.stop();
  await app?.stop();
  await receiver?.close();
});

async function exemplarsOf(family: string): Promise<ExemplarSeries[]> {
  return prometheus!.get<ExemplarSeries[]>('/api/v1/query_exemplars', {
    query: `${family}_bucket{job="${JOB}"}`,
    start: String(startedAt - 60),
    end: String(Date.now() / 1000 + 60),
  });
}

async function eventually<T>(what: string, attempt: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const result = await attempt();
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}\nprometheus:\n${prometheus?.output()}\napp stderr:\n${app?.stderr()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

test('Prometheus reads trace-id exemplars of the exported calls from the latency, TTFC and cost histograms', async (t) => {
  if (skip) return t.skip(skip);
  const chats = await eventually('the three chat spans exported over OTLP', async () => {
    const found = spansOf(receiver!.received.traces).filter((s) => s.name === 'chat gpt-4o-mini');
    return found.length === 3 ? found : undefined;
  });
  const streamed = chats.find((s: any) => s.attributes.some((a: any) => a.key === 'gen_ai.response.time_to_first_chunk'));
  assert.ok(streamed, 'the streamed call was exported');
  const exported = new Set(spansOf(receiver!.received.traces).map((s: any) => `${s.traceId}/${s.spanId}`));

  for (const family of LINKED) {
    const series = await eventually(`exemplars of ${family}`, async () => {
      const found = await exemplarsOf(family);
      return found.some((s) => s.exemplars.length > 0) ? found : undefined;
    });
    for (const s of series) {
      assert.equal(s.seriesLabels.job, JOB);
      assert.match(s.seriesLabels.__name__ ?? '', new RegExp(`^${family}_bucket$`));
      for (const e of s.exemplars) {
        assert.deepEqual(Object.keys(e.labels).sort(), ['span_id', 'trace_id']);
        assert.ok(exported.has(`${e.labels.trace_id}/${e.labels.span_id}`), `${family}: exemplar ${JSON.stringify(e.labels)} links to an exported span`);
        assert.ok(Number(e.value) <= Number(s.seriesLabels.le === '+Inf' ? Infinity : s.seriesLabels.le), `${family}: exemplar value within its bucket`);
      }
    }
  }
  // The one streamed call is the only time-to-first-chunk observation: its trace must be there.
  const ttfc = (await exemplarsOf('gen_ai_client_operation_time_to_first_chunk_seconds')).flatMap((s) => s.exemplars);
  assert.ok(
    ttfc.some((e) => e.labels.trace_id === streamed.traceId && e.labels.span_id === streamed.spanId),
    `the streamed call's trace ${streamed.traceId} among ${JSON.stringify(ttfc.map((e) => e.labels))}`,
  );
});

test('the OpenMetrics scrape ingests the same series names as the text format, and the target is up', async (t) => {
  if (skip) return t.skip(skip);
  const up = await eventually('the target up', async () => {
    const result = await prometheus!.get<{ result: { value: [number, string] }[] }>('/api/v1/query', { query: `up{job="${JOB}"}` });
    return result.result[0]?.value[1] === '1' ? result : undefined;
  });
  assert.equal(up.result.length, 1);
  let difference: { onlyText: string[]; onlyPrometheus: string[] } | undefined;
  await eventually('the same name sets', async () => {
    const text = await scrape(appPort);
    assert.match(text.type, /^text\/plain; version=0\.0\.4/);
    const textNames = new Set(parseExposition(text.body).samples.map((s) => s.name));
    const ingested = await prometheus!.get<{ result: { metric: Record<string, string> }[] }>('/api/v1/query', {
      query: `group by (__name__) ({job="${JOB}"})`,
    });
    const promNames = new Set(ingested.result.map((r) => r.metric.__name__!).filter((n) => n !== 'up' && !n.startsWith('scrape_')));
    difference = {
      onlyText: [...textNames].filter((n) => !promNames.has(n)).sort(),
      onlyPrometheus: [...promNames].filter((n) => !textNames.has(n)).sort(),
    };
    return difference.onlyText.length === 0 && difference.onlyPrometheus.length === 0 ? true : undefined;
  }, 15_000).catch(() => undefined);
  assert.deepEqual(difference, { onlyText: [], onlyPrometheus: [] });
});
