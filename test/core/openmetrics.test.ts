/**
 * OpenMetrics and exemplars: content negotiation, the OpenMetrics text of the store and of
 * prom-client's registries, and which spans become exemplars (only sampled ones).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Attributes } from '@opentelemetry/api';
import { AlwaysOffSampler, AlwaysOnSampler, BasicTracerProvider, type Sampler } from '@opentelemetry/sdk-trace-base';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { GenAiMetricsProcessor } from '../../src/processor/genai-metrics-processor';
import { GenAiRecordingSampler } from '../../src/sdk/sampler';
import { createExposition } from '../../src/server/exposition';
import { startMetricsServer } from '../../src/server/metrics-server';
import { negotiateFormat, OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE } from '../../src/server/openmetrics';
import { promClientTextToOpenMetrics } from '../../src/server/prom-client-openmetrics';
import { PriceBook } from '../../src/prices/price-book';
import { freePort, REPO_ROOT, scrape, startChildApp } from '../helpers/child-app';
import { checkOpenMetrics } from '../helpers/openmetrics';

const PRICES = PriceBook.fromEntries([
  { provider: 'openai', model: 'gpt-test', input_per_mtok: 2, output_per_mtok: 8, source: 'test', date: '2026-11-21' },
]);

/** What Prometheus 2.42 sends when it scrapes. */
const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

const chat = (extra: Attributes = {}): Attributes => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-test',
  'gen_ai.usage.input_tokens': 1000,
  'gen_ai.usage.output_tokens': 100,
  ...extra,
});

/** A processor on a provider with the given sampler, and a way to end one streaming chat span. */
function setup(sampler: Sampler = new AlwaysOnSampler(), exemplars?: boolean) {
  const processor = new GenAiMetricsProcessor({ prices: PRICES, ...(exemplars === undefined ? {} : { exemplars }) });
  const provider = new BasicTracerProvider({ sampler: new GenAiRecordingSampler(sampler), spanProcessors: [processor] });
  // Explicit times: every call lasts 0.3 s (one duration bucket), however loaded the machine.
  const call = (extra: Attributes = {}) => {
    const start = Date.now();
    const span = provider.getTracer('test').startSpan('chat gpt-test', {
      startTime: start,
      attributes: chat({ 'gen_ai.response.time_to_first_chunk': 0.05, ...extra }),
    });
    span.end(start + 300);
    return span.spanContext();
  };
  return { processor, call };
}

const bucketLines = (text: string, family: string) => text.split('\n').filter((l) => l.startsWith(`${family}_bucket`));

describe('content negotiation', () => {
  test('Prometheus asking for OpenMetrics gets it; everything else gets text 0.0.4', () => {
    assert.equal(negotiateFormat(PROMETHEUS_ACCEPT).format, 'openmetrics');
    assert.equal(negotiateFormat(PROMETHEUS_ACCEPT).contentType, OPENMETRICS_CONTENT_TYPE);
    assert.equal(negotiateFormat('application/openmetrics-text; version=0.0.1').format, 'openmetrics');
    assert.equal(negotiateFormat('application/openmetrics-text').format, 'openmetrics');
    for (const accept of [undefined, '', '*/*', 'text/plain', 'text/plain;version=0.0.4', 'application/json', 'text/html,*/*;q=0.8']) {
      assert.deepEqual(negotiateFormat(accept), { format: 'text', contentType: TEXT_CONTENT_TYPE }, String(accept));
    }
  });

  test('preferences (q) decide; an OpenMetrics version we do not write, or q=0, is not chosen', () => {
    assert.equal(negotiateFormat('text/plain;version=0.0.4;q=0.9,application/openmetrics-text;version=1.0.0;q=0.5').format, 'text');
    assert.equal(negotiateFormat('text/plain;q=0.5,application/openmetrics-text;q=0.6').format, 'openmetrics');
    assert.equal(negotiateFormat('application/openmetrics-text;version=2.0.0,text/plain;q=0.1').format, 'text');
    assert.equal(negotiateFormat('application/openmetrics-text;q=0').format, 'text');
    // Equal preference: the default wins.
    assert.equal(negotiateFormat('application/openmetrics-text, text/plain').format, 'text');
  });
});

describe('exemplars', () => {
  test('the latency, time-to-first-chunk and cost buckets carry the trace id of the latest sampled call in them', () => {
    const { processor, call } = setup();
    call();
    const latest = call();
    const om = processor.metrics.render('openmetrics');
    for (const family of ['gen_ai_client_operation_duration_seconds', 'gen_ai_client_operation_time_to_first_chunk_seconds', 'aimeter_operation_cost_usd']) {
      const withExemplar = bucketLines(om, family).filter((l) => l.includes(' # {'));
      assert.equal(withExemplar.length, 1, `${family}: one bucket holds both calls, so one exemplar:\n${bucketLines(om, family).join('\n')}`);
      assert.match(withExemplar[0]!, new RegExp(` # \\{trace_id="${latest.traceId}",span_id="${latest.spanId}"\\} \\S+ \\d+\\.\\d{3}$`));
    }
    // Cost 1000 * 2 / 1e6 + 100 * 8 / 1e6 = 0.0028 dollars: in the (0.001, 0.003] bucket, with its value.
    const cost = bucketLines(om, 'aimeter_operation_cost_usd').find((l) => l.includes(' # {'))!;
    assert.match(cost, /le="0\.003"\} 2 # \{[^}]+\} 0\.0028 /);
    const { problems, exemplars } = checkOpenMetrics(`${om}# EOF\n`);
    assert.deepEqual(problems, []);
    assert.equal(exemplars.length, 3);
    const now = Date.now() / 1000;
    for (const e of exemplars) assert.ok(Math.abs(e.timestamp - now) < 60, `exemplar timestamp ${e.timestamp} is the record time`);
  });

  test('token histograms carry none, and the text format never shows exemplars', () => {
    const { processor, call } = setup();
    call();
    const om = processor.metrics.render('openmetrics');
    assert.ok(!bucketLines(om, 'gen_ai_client_token_usage').some((l) => l.includes('#')));
    assert.ok(!processor.metrics.render('text').includes('trace_id'));
  });

  test('an unsampled span (recorded only for exact metrics) is counted but never becomes an exemplar', () => {
    const { processor, call } = setup(new AlwaysOffSampler());
    const context = call();
    assert.equal(context.traceFlags & 1, 0, 'the span is not sampled');
    const om = processor.metrics.render('openmetrics');
    assert.match(om, /gen_ai_client_operation_duration_seconds_count\{[^}]*\} 1\n/);
    assert.ok(!om.includes('trace_id'), 'no exemplar for an unsampled span');
  });

  test('exemplars: false records none', () => {
    const { processor, call } = setup(new AlwaysOnSampler(), false);
    call();
    assert.ok(!processor.metrics.render('openmetrics').includes('trace_id'));
  });

  test('a failed call links its error series too', () => {
    const { processor, call } = setup();
    const failed = call({ 'error.type': 'rate_limit' });
    const line = bucketLines(processor.metrics.render('openmetrics'), 'gen_ai_client_operation_duration_seconds').find((l) =>
      l.includes('error_type="rate_limit"') && l.includes(' # {'),
    );
    assert.ok(line?.includes(failed.traceId), line);
  });
});

describe('OpenMetrics text', () => {
  test('the same samples as text 0.0.4, with counter families without _total, UNIT lines and escaped HELP', () => {
    const { processor, call } = setup();
    call();
    const text = processor.metrics.render('text');
    const om = processor.metrics.render('openmetrics');
    const samples = (t: string) => t.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.replace(/ # \{.*$/, ''));
    assert.deepEqual(samples(om), samples(text), 'sample lines (exemplars aside) are identical: no series is renamed');
    assert.match(om, /^# TYPE aimeter_tokens counter$/m);
    assert.match(om, /^aimeter_tokens_total\{/m);
    assert.match(om, /^# TYPE aimeter_series_overflow counter$/m);
    assert.match(om, /^# UNIT gen_ai_client_operation_duration_seconds seconds$/m);
    assert.ok(!/^# UNIT aimeter_tokens /m.test(om), 'an annotation unit ({token}) is no UNIT');
    assert.match(om, /^# HELP aimeter_series_overflow .*otel_metric_overflow=\\"true\\"/m);
    assert.deepEqual(checkOpenMetrics(`${om}# EOF\n`).problems, []);
  });

  test('prom-client text becomes OpenMetrics: counter families, a counter sample without _total, quotes in HELP', async () => {
    const registry = new Registry();
    new Counter({ name: 'jobs_total', help: 'Jobs "done".', registers: [registry] }).inc(3);
    new Counter({ name: 'retries', help: 'Retries.', labelNames: ['kind'], registers: [registry] }).inc({ kind: 'a' }, 2);
    new Gauge({ name: 'queue_depth', help: 'Depth.', registers: [registry] }).set(4);
    new Histogram({ name: 'wait_seconds', help: 'Wait.', buckets: [1], registers: [registry] }).observe(0.5);
    const om = promClientTextToOpenMetrics(await registry.metrics());
    assert.equal(
      om,
      [
        '# HELP jobs Jobs \\"done\\".',
        '# TYPE jobs counter',
        'jobs_total 3',
        '# HELP retries Retries.',
        '# TYPE retries counter',
        'retries_total{kind="a"} 2',
        '# HELP queue_depth Depth.',
        '# TYPE queue_depth gauge',
        'queue_depth 4',
        '# HELP wait_seconds Wait.',
        '# TYPE wait_seconds histogram',
        'wait_seconds_bucket{le="1"} 1',
        'wait_seconds_bucket{le="+Inf"} 1',
        'wait_seconds_sum 0.5',
        'wait_seconds_count 1',
        '',
      ].join('\n'),
    );
  });
});

describe('GET /metrics', () => {
  test('answers the format asked for; the runtime metrics survive alternating formats', async () => {
    const { processor, call } = setup();
    const sampled = call();
    const server = startMetricsServer({ host: '127.0.0.1', port: 0, render: createExposition(processor.metrics) });
    try {
      const address = (await server.ready) as AddressInfo;
      const get = async (accept?: string) => {
        const res = await fetch(`http://127.0.0.1:${address.port}/metrics`, accept ? { headers: { accept } } : {});
        return { type: res.headers.get('content-type'), vary: res.headers.get('vary'), body: await res.text() };
      };
      const plain = await get();
      assert.equal(plain.type, TEXT_CONTENT_TYPE);
      assert.equal(plain.vary, 'Accept');
      assert.ok(!plain.body.includes('# EOF') && !plain.body.includes('trace_id'));
      assert.match(plain.body, /^process_cpu_user_seconds_total /m);

      const om = await get(PROMETHEUS_ACCEPT);
      assert.equal(om.type, OPENMETRICS_CONTENT_TYPE);
      const check = checkOpenMetrics(om.body);
      assert.deepEqual(check.problems, []);
      assert.equal(om.body.match(/# EOF/g)?.length, 1);
      assert.equal(check.types.get('process_cpu_user_seconds'), 'counter');
      assert.equal(check.types.get('nodejs_heap_size_used_bytes'), 'gauge');
      assert.ok(check.exemplars.some((e) => e.labels.trace_id === sampled.traceId && e.labels.span_id === sampled.spanId));

      // prom-client's own OpenMetrics mode would have renamed its counters for the next text scrape.
      const again = await get('text/plain');
      assert.match(again.body, /^process_cpu_user_seconds_total /m);
      assert.match(again.body, /^# TYPE process_cpu_user_seconds_total counter$/m);
    } finally {
      await server.close();
    }
  });

  test('a renderer of its own that does not declare OpenMetrics is always served as text 0.0.4', async () => {
    const server = startMetricsServer({ host: '127.0.0.1', port: 0, render: async () => 'mine_total 1\n' });
    try {
      const address = (await server.ready) as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${address.port}/metrics`, { headers: { accept: PROMETHEUS_ACCEPT } });
      assert.equal(res.headers.get('content-type'), TEXT_CONTENT_TYPE);
      assert.equal(await res.text(), 'mine_total 1\n');
    } finally {
      await server.close();
    }
  });
});

describe('under the preload', () => {
  const APP = path.join(REPO_ROOT, 'dist', 'test', 'apps', 'span-app.js');
  const exemplarsServed = async (env: Record<string, string>) => {
    const port = await freePort();
    const app = await startChildApp(['--require', 'aimeter/register', APP], {
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      ...env,
    });
    try {
      const res = await scrape(port, '/metrics', { headers: { accept: PROMETHEUS_ACCEPT } });
      const check = checkOpenMetrics(res.body);
      assert.deepEqual(check.problems, []);
      return check.exemplars.length;
    } finally {
      await app.stop();
    }
  };

  test('exemplars only where the process exports its traces (else the link would lead nowhere)', async () => {
    assert.equal(await exemplarsServed({ OTEL_TRACES_EXPORTER: 'none' }), 0);
    assert.ok((await exemplarsServed({ OTEL_TRACES_EXPORTER: 'console' })) > 0);
  });
});
