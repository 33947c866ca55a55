/**
 * Every command of the command line against a real Prometheus holding the known data of
 * dataset.ts (backfilled with promtool). The figures asserted are worked out by hand from the
 * per-interval table in dataset.ts: "day 1" is the middle day (multiplier 2, 288 intervals, so
 * each per-interval amount times 576), "3d" the whole data (per-interval amount times 1728).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, inRepo, requireTool } from '../observability/support';
import { DAY, type Naming, OFFSETS } from './dataset';
import { cli, CLI, type KnownPrometheus, startKnownPrometheus } from './support';

const prometheusTool = requireTool('prometheus');
const promtoolTool = requireTool('promtool');
const skip = 'skip' in prometheusTool ? prometheusTool.skip : 'skip' in promtoolTool ? promtoolTool.skip : false;

type Json = Record<string, unknown>;
const close = (actual: unknown, expected: number, what: string): void => {
  assert.equal(typeof actual, 'number', `${what}: ${String(actual)} is not a number`);
  assert.ok(Math.abs((actual as number) - expected) < 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${String(actual)} != ${expected}`);
};
const daysInMonth = (t: number): number => {
  const d = new Date(t * 1000);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
};
const lines80 = (text: string): void => {
  for (const line of text.split('\n')) assert.ok([...line].length <= 80, `wider than 80 columns: "${line}"`);
};

describe('aimeter command line against a real Prometheus', { skip, timeout: 900_000 }, () => {
  let known: KnownPrometheus;
  let url: string;
  let end: number;
  let day1: string;
  const run = (args: string[], env: Record<string, string> = {}) => cli([...args, '--prometheus', url], env);
  const json = async (args: string[]): Promise<Json> => {
    const r = await run([...args, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Json;
  };

  before(async () => {
    known = await startKnownPrometheus((prometheusTool as { path: string }).path, (promtoolTool as { path: string }).path);
    url = known.prometheus.url;
    end = known.end;
    day1 = String(end - DAY);
  });
  after(async () => {
    await known?.stop();
  });

  describe('snapshot', () => {
    it('gives the exact KPIs of a known day', async () => {
      const out = await json(['snapshot', '--until', day1, '--range', '1d']);
      const f = out.figures as Record<string, number | null>;
      // LLM calls: gpt-4o 8 ok + 2 timeouts, mini 10 ok + 1 rate_limit, per interval, x576.
      assert.equal(f.model_calls, 21 * 576);
      assert.equal(f.model_errors, 3 * 576);
      close(f.model_error_rate, 3 / 21, 'error rate');
      // Successful LLM calls: 5760 under 0.64 s, 2304 in 0.64-1 s, 2304 in 1-2 s.
      close(f.model_p50, 0.32 + 0.32 * (5184 / 5760), 'p50');
      close(f.model_p95, 1 + (0.95 * 10368 - 8064) / 2304, 'p95');
      close(f.model_p99, 1 + (0.99 * 10368 - 8064) / 2304, 'p99');
      close(f.stt_p50, 0.48, 'speech-to-text p50');
      close(f.tts_p95, 0.64 + 0.36 * 0.95, 'text-to-speech p95');
      close(f.turn_p95, 1.95, 'turn p95');
      close(f.agent_error_rate, 576 / 4032, 'agent run error rate');
      close(f.ttft_p50, 0.32 * (5184 / 5760), 'time to first token p50');
      assert.equal(f.input_tokens, 19000 * 576);
      assert.equal(f.output_tokens, 5300 * 576);
      assert.equal(f.cache_read_tokens, 2000 * 576);
      assert.equal(f.reasoning_tokens, null, 'never recorded: no data, not 0');
      assert.equal(f.cost, 67.5);
      assert.equal(f.cost_per_day, 67.5);
      close(f.projected_month, 67.5 * daysInMonth(end - DAY), 'projected month');
      assert.equal(f.cache_savings, null);
      assert.equal(f.unpriced_calls, 0);
      close(f.prompt_cache_ratio, 2000 / 19000, 'prompt cache ratio');
      assert.equal(f.cache_hit_ratio, 0.75);
      assert.equal(f.conversations, 6 * 576);
      close(f.resolution, 4 / 6, 'resolution');
      close(f.first_contact_resolution, 0.5, 'first-contact resolution');
      close(f.escalation, 1 / 6, 'escalation');
      close(f.handle_time, 67.5, 'handle time');
      close(f.handle_time_p95, 114, 'handle time p95');
      assert.equal(f.turns_per_conversation, 4);
      assert.equal(f.cost_per_resolved, 0.09375); // all conversation spend 3/8 per step over 4 resolved
      assert.equal(f.csat, 4.5);
      close(f.eval_helpfulness, 0.8, 'helpfulness');
      assert.equal(f.requests, 8 * 576);
      assert.equal(f.request_error_rate, 0.125);
      assert.equal(f.cost_per_request, 0.046875);
      assert.equal((out.sample_sizes as Json).model_p95, 21 * 576);
    });

    it('prints a table that fits in 80 columns, without colours when not on a terminal', async () => {
      const r = await run(['snapshot', '--until', day1, '--range', '1d']);
      assert.equal(r.code, 0, r.stderr);
      lines80(r.stdout);
      assert.doesNotMatch(r.stdout, /\u001b\[/);
      assert.match(r.stdout, /Model \(LLM\)\s+12,096\s+14\.3%\s+608 ms\s+1\.78 s\s+1\.95 s/);
      assert.match(r.stdout, /reasoning \(of output\)\s+no data/);
      assert.match(r.stdout, /in range\s+\$67\.50/);
      assert.match(r.stdout, /CSAT \(1-5\)\s+4\.50\s+n=1,152/);
    });

    it('says "no data" for a range with no data at all', async () => {
      const r = await run(['snapshot', '--until', String(end - 10 * DAY), '--range', '1d']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /No data: no series match no filters in this range/);
      assert.doesNotMatch(r.stdout.replace(/\d{4}-\d{2}-\d{2}T[\d:]+Z/g, ''), /\b0\b|\$0\b/);
      const out = await json(['snapshot', '--until', String(end - 10 * DAY), '--range', '1d']);
      assert.ok(Object.values(out.figures as Json).every((v) => v === null));
    });

    it('filters by model, and says what a filter matching nothing leaves', async () => {
      const f = (await json(['snapshot', '--until', day1, '--range', '1d', '--model', 'gpt-4o'])).figures as Json;
      assert.equal(f.model_calls, 10 * 576);
      assert.equal(f.model_error_rate, 0.2);
      assert.equal(f.model_p50, 1);
      assert.equal(f.cost, 36);
      const none = await json(['snapshot', '--until', day1, '--range', '1d', '--model', 'no-such-model']);
      assert.ok(Object.values(none.figures as Json).every((v) => v === null));
      assert.deepEqual(none.unfiltered, ['conversations', 'caches', 'evaluations', 'requests']);
      const r = await run(['snapshot', '--until', day1, '--range', '1d', '--model', 'no-such-model']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /No data: no series match model=no-such-model/);
      assert.match(r.stdout.replace(/\s+/g, ' '), /Left out \(their metrics cannot be filtered that way\): conversations, caches, evaluations, requests/);
      assert.doesNotMatch(r.stdout, /latency\s+calls/, 'no table of "no data"');
    });

    it('writes CSV with one line per figure', async () => {
      const r = await run(['snapshot', '--until', day1, '--range', '1d', '--format', 'csv']);
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.trim().split('\n');
      assert.equal(lines[0], 'key,section,figure,value,sample_size');
      assert.ok(lines.includes('cost,Dollars,in range,67.5,'));
      assert.ok(lines.includes('reasoning_tokens,Tokens,reasoning (of output),,'));
    });
  });

  describe('errors and exit codes', () => {
    it('exits 2 naming a Prometheus that is down', async () => {
      const port = await freePort();
      const r = await cli(['snapshot', '--prometheus', `http://127.0.0.1:${port}`]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, new RegExp(`cannot reach Prometheus at http://127\\.0\\.0\\.1:${port}: connection refused`));
    });
    it('exits 2 naming a wrong URL (not the API base) and a non-URL', async () => {
      const r = await cli(['snapshot', '--prometheus', `${url}/graph`]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /answered 404 Not Found and not the Prometheus API: is this the Prometheus base URL/);
      const bad = await cli(['snapshot', '--prometheus', 'localhost:9090']);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--prometheus "localhost:9090" must be an http:\/\/ or https:\/\/ URL/);
    });
    it('takes the URL from AIMETER_PROMETHEUS_URL', async () => {
      const r = await cli(['snapshot', '--until', day1, '--range', '1d', '--format', 'json'], { AIMETER_PROMETHEUS_URL: url });
      assert.equal(r.code, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as { figures: Json }).figures.cost, 67.5);
    });
    it('exits 2 on usage errors, naming the flag', async () => {
      for (const [args, message] of [
        [['snapshot', '--range', '5x'], /--range "5x" is not a duration/],
        [['snapshot', '--format', 'xml'], /--format "xml" is not one of table, json, csv/],
        [['top', '--by', 'speed'], /--by "speed" is not one of cost, latency, errors, tokens/],
        [['compare', '--by', 'tool'], /--by "tool" is not one of model, variant, agent, provider/],
        [['top', '--by', 'latency', '--group', 'route'], /requests have no duration metric/],
        [['check', '--max', 'p95'], /--max "p95" must be figure=value/],
        [['check', '--max', 'speed=2s'], /--max speed: no such figure/],
        [['check', '--objectives', '/nonexistent.yml'], /--objectives "\/nonexistent.yml": no such file/],
        [['daily', '--range', '3d'], /use --days N and --until/],
      ] as const) {
        const r = await run([...args]);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, message);
      }
    });
    it('exits 2 when Prometheus does not answer within --timeout', async () => {
      const hang = createServer(() => undefined);
      await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
      try {
        const r = await cli(['snapshot', '--prometheus', `http://127.0.0.1:${(hang.address() as AddressInfo).port}`, '--timeout', '1s']);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /did not answer within 1 s \(--timeout\)/);
      } finally {
        hang.closeAllConnections();
        hang.close();
      }
    });
    it('sends a bearer token or basic auth to a protected Prometheus', async () => {
      // A loopback proxy that wants credentials in front of the real Prometheus.
      const target = new URL(url);
      const accepted = new Set(['Bearer s3cret', `Basic ${Buffer.from('ops:pa:ss').toString('base64')}`]);
      const proxy: Server = createServer((req, res) => {
        if (!accepted.has(req.headers.authorization ?? '')) {
          res.writeHead(401, { 'Content-Type': 'text/plain' }).end('Unauthorized');
          return;
        }
        const up = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        req.pipe(up);
      });
      await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
      const p = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      try {
        const args = ['snapshot', '--until', day1, '--range', '1d', '--format', 'json', '--prometheus', p];
        const denied = await cli(args);
        assert.equal(denied.code, 2);
        assert.match(denied.stderr, /answered 401 Unauthorized: it needs authentication \(give --token, or --user and --password\)/);
        const wrong = await cli([...args, '--token', 'nope']);
        assert.match(wrong.stderr, /the credentials given were refused/);
        const bearer = await cli([...args, '--token', 's3cret']);
        assert.equal(bearer.code, 0, bearer.stderr);
        assert.equal((JSON.parse(bearer.stdout) as { figures: Json }).figures.cost, 67.5);
        const basic = await cli(args, { AIMETER_PROMETHEUS_USER: 'ops', AIMETER_PROMETHEUS_PASSWORD: 'pa:ss' });
        assert.equal(basic.code, 0, basic.stderr);
      } finally {
        proxy.closeAllConnections();
        proxy.close();
      }
    });
  });

  describe('compare', () => {
    it('ranks the cheapest per success among the best, with sample sizes', async () => {
      const out = await json(['compare', '--by', 'model', '--until', String(end), '--range', '3d']);
      const rows = out.rows as Json[];
      assert.deepEqual(rows.map((r) => [r.value, r.calls, r.rank, r.smallSample]), [
        ['gpt-4o-mini', 11 * 1728, 1, false],
        ['gpt-4o', 10 * 1728, null, false],
        ['claude-3-5-haiku', 12, null, true],
      ]);
      const mini = rows[0] as Json;
      close(mini.successRate, 10 / 11, 'mini success');
      close(mini.dollarsPerSuccess, 1 / 1280, 'mini $/success');
      close(mini.tokensPerCall, 14300 / 11, 'mini tokens per call');
      const gpt4o = rows[1] as Json;
      assert.equal(gpt4o.p50, 1);
      close(gpt4o.p95, 1.9, 'gpt-4o p95');
      close(gpt4o.dollarsPerCall, 1 / 160, 'gpt-4o $/call');
      assert.match(out.ranking as string, /within 2 points of the best \(90\.9%\), counting only those with at least 30 LLM calls/);
    });
    it('changes the ranking as --within and --min-calls say', async () => {
      const wide = (await json(['compare', '--until', String(end), '--range', '3d', '--within', '15'])).rows as Json[];
      assert.deepEqual(wide.map((r) => [r.value, r.rank]), [['gpt-4o-mini', 1], ['gpt-4o', 2], ['claude-3-5-haiku', null]]);
      const small = (await json(['compare', '--until', String(end), '--range', '3d', '--min-calls', '10'])).rows as Json[];
      assert.deepEqual(small.map((r) => [r.value, r.rank]), [['claude-3-5-haiku', 1], ['gpt-4o-mini', null], ['gpt-4o', null]]);
    });
    it('marks a small sample and explains the ranking in 80 columns', async () => {
      const r = await run(['compare', '--until', String(end), '--range', '3d']);
      assert.equal(r.code, 0, r.stderr);
      lines80(r.stdout);
      assert.match(r.stdout, /claude-3-5-haiku\s+12\*\s+100\.0% ±12\.1/);
      assert.match(r.stdout.replace(/\s+/g, ' '), /\* marks a smaller sample \(not ranked\)/);
    });
    it('compares agents on their runs and variants on their calls', async () => {
      const agents = (await json(['compare', '--by', 'agent', '--until', day1, '--range', '1d'])).rows as Json[];
      const support = agents.find((r) => r.value === 'support') as Json;
      assert.equal(support.calls, 5 * 576);
      assert.equal(support.successRate, 0.8);
      close(support.dollarsPerSuccess, ((1 / 16 + 1 / 128) * 576) / (4 * 576), 'support $/successful run');
      const variants = (await json(['compare', '--by', 'variant', '--until', day1, '--range', '1d'])).rows as Json[];
      assert.deepEqual(variants.map((r) => [r.value, r.calls]), [['b', 11 * 576]]);
    });
    it('says no data when nothing matches', async () => {
      const r = await run(['compare', '--until', day1, '--range', '1d', '--provider', 'nobody']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /No data: no LLM calls|No data: no model calls/);
    });
  });

  describe('top', () => {
    it('lists the most expensive models with their share', async () => {
      const out = await json(['top', '--by', 'cost', '--group', 'model', '--until', String(end), '--range', '3d', '--limit', '2']);
      assert.deepEqual(out.rows, [
        { value: 'gpt-4o', figure: 108, calls: 10 * 1728, share: 108 / (202.5 + 12 / 512) },
        { value: 'tts-1', figure: 54, calls: 5 * 1728, share: 54 / (202.5 + 12 / 512) },
      ]);
    });
    it('lists the most failing tools, the slowest agents and the costliest routes', async () => {
      const tools = await json(['top', '--by', 'errors', '--group', 'tool', '--until', String(end), '--range', '3d']);
      assert.deepEqual(tools.rows, [{ value: 'lookup_order', figure: 1728, calls: 7 * 1728, share: 1 / 7 }]);
      const agents = (await json(['top', '--by', 'latency', '--group', 'agent', '--until', String(end), '--range', '3d'])).rows as Json[];
      assert.deepEqual(agents.map((r) => r.value), ['support', 'billing']);
      close(agents[0]?.figure, 2 + 3 * 0.95, 'support p95');
      const routes = await json(['top', '--by', 'cost', '--group', 'route', '--until', String(end), '--range', '3d']);
      assert.deepEqual((routes.rows as Json[]).map((r) => [r.value, r.figure, r.calls]), [
        ['POST /api/chat', 0.3125 * 1728, 6 * 1728],
        ['POST /api/voice', 0.0625 * 1728, 2 * 1728],
      ]);
      const tokens = await run(['top', '--by', 'tokens', '--group', 'model', '--until', String(end), '--range', '3d']);
      lines80(tokens.stdout);
      assert.match(tokens.stdout, /1\. gpt-4o-mini\s+24,710,400/);
    });
    it('says no data for a group nothing was spent in', async () => {
      const r = await run(['top', '--by', 'cost', '--group', 'tool', '--until', String(end), '--range', '3d']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /No data: no tool has cost in this range/);
    });
  });

  describe('daily', () => {
    it('gives per-day figures and breakdowns by agent, tool and model', async () => {
      const out = await json(['daily', '--days', '3', '--until', String(end + 3600)]);
      const days = out.days as Json[];
      assert.deepEqual(days.map((d) => d.day), [0, 1, 2].map((i) => new Date((end - (3 - i) * DAY) * 1000).toISOString().slice(0, 10)));
      assert.deepEqual(days.map((d) => d.requests), [2304, 4608, 6912]);
      assert.deepEqual(days.map((d) => d.calls), [31 * 288, 31 * 576, 31 * 864 + 12]);
      assert.deepEqual(days.map((d) => d.dollars), [33.75, 67.5, 101.25 + 12 / 512]);
      close(days[0]?.errorRate, 3 / 31, 'day 0 error rate');
      const haiku = (out.by_model as Json[]).filter((r) => r.value === 'claude-3-5-haiku');
      assert.deepEqual(haiku.map((r) => [r.day, r.calls, r.tokens]), [[days[2]?.day, 12, 7200]]);
      const refund = (out.by_tool as Json[]).filter((r) => r.value === 'refund');
      assert.deepEqual(refund.map((r) => r.calls), [576, 1152, 1728]);
      assert.deepEqual(refund.map((r) => r.dollars), [null, null, null]);
      const billing = (out.by_agent as Json[]).filter((r) => r.value === 'billing');
      assert.deepEqual(billing.map((r) => r.calls), [576, 1152, 1728]);
    });
    it('prints tables in 80 columns and no data for days before the data', async () => {
      const r = await run(['daily', '--days', '5', '--until', String(end), '--by', 'tool']);
      assert.equal(r.code, 0, r.stderr);
      lines80(r.stdout);
      const first = new Date((end - 5 * DAY) * 1000).toISOString().slice(0, 10);
      assert.match(r.stdout, new RegExp(`${first}\\s+no data\\s+no data`));
      assert.match(r.stdout, /By tool/);
      assert.doesNotMatch(r.stdout, /By agent/);
    });
  });

  describe('export', () => {
    it('writes one row per step ending in the range, one column per figure', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'aimeter-export-'));
      const file = join(dir, 'day.csv');
      const r = await run(['export', '--until', String(end), '--range', '1d', '--step', '1h', '--format', 'csv', '--out', file]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /wrote 24 rows of 10 figures/);
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      assert.equal(lines[0], 'time,calls,failed,p50_seconds,p95_seconds,ttft_p95_seconds,input_tokens,output_tokens,dollars,conversations,resolved');
      assert.equal(lines.length, 25);
      const first = (lines[1] as string).split(',');
      assert.equal(first[0], new Date((end - DAY + 3600) * 1000).toISOString().replace('.000Z', 'Z'));
      assert.equal(first[1], String(31 * 3 * 12));
      assert.equal(first[8], String(0.1171875 * 3 * 12));
      const last = (lines[24] as string).split(',');
      assert.equal(last[1], String(31 * 3 * 12 + 12));
      assert.equal(last[8], String(0.1171875 * 3 * 12 + 12 / 512));
    });
    it('splits a range longer than 11,000 points per series into queries Prometheus accepts', async () => {
      // 40 days at 5 minutes is 11,520 points: one query would be refused.
      const out = JSON.parse((await run(['export', '--until', String(end), '--range', '40d', '--step', '5m', '--format', 'json'])).stdout) as Json[];
      assert.equal(out.length, 11_520);
      const calls = out.map((r) => r.calls as number | null);
      assert.equal(calls.filter((c) => c !== null).reduce((a, c) => a + (c as number), 0), 31 * 1728 + 12);
      assert.equal(out[0]?.calls, null, 'before the data: no data, not 0');
      assert.equal(out.at(-1)?.time, new Date(end * 1000).toISOString().replace('.000Z', 'Z'));
      // And the refusal the split avoids is real:
      const direct = await fetch(`${url}/api/v1/query_range?query=up&start=${end - 40 * DAY + 300}&end=${end}&step=300`);
      assert.match(((await direct.json()) as { error: string }).error, /exceeded maximum resolution of 11,000 points per timeseries/);
    });
    it('exits 2 when the file cannot be written', async () => {
      const r = await run(['export', '--until', String(end), '--range', '1h', '--step', '5m', '--out', '/nonexistent-dir/x.csv']);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--out "\/nonexistent-dir\/x.csv": cannot write it \(ENOENT\)/);
    });
  });

  describe('check', () => {
    const range = (): string[] => ['--until', day1, '--range', '1d'];
    it('exits 0 when the thresholds hold and 1 with a line per breach', async () => {
      const ok = await run(['check', ...range(), '--max', 'p95=2s', '--min', 'resolution=0.6', '--max', 'error_rate=15%']);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, /all 3 objectives met/);
      const bad = await run(['check', ...range(), '--max', 'p95=1.5s', '--min', 'resolution=0.8', '--max', 'cost=$100']);
      assert.equal(bad.code, 1);
      const breaches = bad.stdout.split('\n').filter((l) => l.startsWith('BREACH'));
      assert.deepEqual(breaches, [
        'BREACH model_p95: 1.78 s, objective <= 1.50 s (n=12,096)',
        'BREACH resolution: 66.7%, objective >= 80.0% (n=3,456)',
      ]);
      assert.match(bad.stdout, /OK {5}cost: \$67\.50, objective <= \$100\.00/);
    });
    it('holds the range to an objectives file in the rules format', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'aimeter-objectives-'));
      const file = join(dir, 'objectives.yml');
      const rule = (sli: string, op: string, target: number, le?: string): string =>
        `      - record: operation_sli:aimeter_slo_objective:ratio\n        expr: vector(${target})\n        labels: { gen_ai_operation_name: ${op}, aimeter_sli: ${sli}${le ? `, le: '${le}'` : ''} }\n`;
      writeFileSync(
        file,
        `groups:\n  - name: mine\n    rules:\n${rule('availability', 'speech_to_text', 0.99)}${rule('duration', 'chat', 0.95, '2')}${rule('time_to_first_chunk', 'chat', 0.95, '1')}` +
          `      - record: :aimeter_cost_budget_usd_per_month:constant\n        expr: vector(5000)\n`,
      );
      const ok = await run(['check', ...range(), '--objectives', file]);
      assert.equal(ok.code, 0, ok.stdout);
      assert.match(ok.stdout, /OK {5}latency chat <= 2s: 100\.0%, objective >= 95\.0% \(n=10,368\)/);
      assert.match(ok.stdout, /OK {5}monthly spend support-bot \(projected\)/);
      writeFileSync(file, `groups:\n  - name: mine\n    rules:\n${rule('duration', 'chat', 0.95, '1')}${rule('availability', 'invoke_agent', 0.98)}`);
      const bad = await json(['check', ...range(), '--objectives', file]).catch(() => undefined);
      assert.equal(bad, undefined, 'a breach exits 1');
      const r = await run(['check', ...range(), '--objectives', file, '--format', 'json']);
      assert.equal(r.code, 1);
      const results = (JSON.parse(r.stdout) as { results: Json[] }).results;
      close(results[0]?.value, 8064 / 10368, 'chat within 1 s');
      assert.equal(results[0]?.status, 'breach');
      // support 4 ok + 1 timeout, billing 2 ok.
      close(results[1]?.value, 6 / 7, 'agent availability');
    });
    it('uses the project objectives file by default', async () => {
      const r = await run(['check', '--until', String(end)]);
      assert.equal(r.code, 1);
      lines80(r.stdout);
      assert.match(r.stdout, /objectives from .*prometheus\/rules\/aimeter-objectives\.yml/);
      // Last hour: chat 11 failed of 32 per interval at x3 (haiku's 12 calls included): 768 calls, 108 failed.
      assert.match(r.stdout, /BREACH availability chat: 85\.9%, objective >= 99\.5% \(n=768\)/);
      assert.match(r.stdout, /BREACH monthly spend support-bot \(projected\)/);
      assert.match(r.stdout, /OK {5}latency chat <= 10s: 100\.0%/);
      // Text-to-speech's first audio byte, in aimeter's metric and v1.41's time to first chunk: counted once.
      assert.match(r.stdout, /BREACH time to first chunk text_to_speech <= 1s: 80\.0%, objective >= 95\.0%\n {7}\(n=180\)/);
      assert.match(r.stdout, /NODATA availability text_completion/);
    });
    it('treats no data as a breach only with --fail-on-no-data', async () => {
      const args = ['check', ...range(), '--model', 'no-such-model', '--max', 'p95=2s'];
      const lenient = await run(args);
      assert.equal(lenient.code, 0);
      assert.match(lenient.stdout, /NODATA model_p95/);
      const strict = await run([...args, '--fail-on-no-data']);
      assert.equal(strict.code, 1);
      assert.match(strict.stdout, /NODATA model_p95: no data, objective <= 2\.00 s/);
    });
  });

  describe('in each naming of the GenAI conventions', () => {
    // dataset.ts writes the same calls as aimeter emits them by default (v1.41), with
    // OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental and with its /dup, each at its own
    // time: every command must give the figures the tests above assert for v1.41, exactly.
    /** What the commands answer about a naming's data, without what depends on the date. */
    const answers = async (naming: Naming): Promise<Json> => {
      const e = end - OFFSETS[naming];
      const d1 = String(e - DAY);
      const check = async (): Promise<Json> => {
        const r = await run(['check', '--until', String(e), '--format', 'json']);
        assert.equal(r.code, 1, r.stderr);
        return JSON.parse(r.stdout) as Json;
      };
      // Between them every query of queries.ts that reads calls, durations or first chunks, with
      // and without a breakdown, instant and range (compare and top build theirs from the same).
      const [snapshot, objectives, models, daily, exported] = await Promise.all([
        json(['snapshot', '--until', d1, '--range', '1d']),
        check(),
        json(['compare', '--by', 'model', '--until', String(e), '--range', '3d']),
        json(['daily', '--days', '3', '--until', String(e + 3600)]),
        json(['export', '--until', String(e), '--range', '1d', '--step', '1h']),
      ]);
      const dateless = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.filter((x) => !/^monthly spend/.test(String((x as Json)?.name))).map(dateless);
        if (v === null || typeof v !== 'object') return v;
        const keep = Object.entries(v as Json).filter(([k]) => !['range', 'time', 'day', 'projected_month'].includes(k));
        return Object.fromEntries(keep.map(([k, x]) => [k, dateless(x)]));
      };
      return dateless({ snapshot, objectives, models, daily, exported }) as Json;
    };
    let v141: Json;
    before(async () => {
      v141 = await answers('v1.41');
    });

    it('reads the v1.41 data as the tests above do', () => {
      const f = (v141.snapshot as Json).figures as Json;
      assert.equal(f.model_calls, 21 * 576);
      close(f.model_p95, 1 + (0.95 * 10368 - 8064) / 2304, 'p95');
      close(f.agent_error_rate, 576 / 4032, 'agent run error rate');
      close(f.ttft_p50, 0.32 * (5184 / 5760), 'time to first token p50');
      const results = (v141.objectives as Json).results as Json[];
      const named = (n: string) => results.find((r) => r.name === n);
      assert.deepEqual([named('availability chat')?.n, named('time to first chunk text_to_speech <= 1s')?.n], [768, 180]);
      assert.equal(((v141.daily as Json).days as Json[]).map((d) => d.calls).join(), [31 * 288, 31 * 576, 31 * 864 + 12].join());
    });
    for (const naming of ['latest', 'dup'] as const) {
      it(`gives the same figures from the ${naming === 'latest' ? 'newest names' : 'newest and v1.41 names both (/dup)'}`, async () => {
        assert.deepEqual(await answers(naming), v141);
      });
    }
  });

  describe('on a terminal', { skip: existsSync('/usr/bin/script') ? false : 'util-linux script(1) not installed' }, () => {
    // script(1) runs the command on a pseudo-terminal, as a person at a terminal would.
    const onTerminal = (args: string[], env: Record<string, string> = {}) => {
      const line = [process.execPath, CLI, ...args, '--prometheus', url].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
      return new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn('/usr/bin/script', ['-qec', line, '/dev/null'], { env: { PATH: process.env.PATH ?? '', TERM: 'xterm', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString()));
        child.once('exit', (code) => resolve({ code, out }));
      });
    };
    it('colours a terminal, unless NO_COLOR is set', async () => {
      const coloured = await onTerminal(['snapshot', '--until', day1, '--range', '1d']);
      assert.equal(coloured.code, 0, coloured.out);
      assert.match(coloured.out, /\u001b\[1m/);
      const plain = await onTerminal(['snapshot', '--until', day1, '--range', '1d'], { NO_COLOR: '1' });
      assert.equal(plain.code, 0, plain.out);
      assert.doesNotMatch(plain.out, /\u001b\[[0-9;]*m/);
      assert.match(plain.out, /Model \(LLM\)\s+12,096/);
      const flag = await onTerminal(['snapshot', '--until', day1, '--range', '1d', '--no-color']);
      assert.doesNotMatch(flag.out, /\u001b\[[0-9;]*m/);
    });
    it('shows a progress bar while a long export runs', async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'aimeter-export-')), 'long.csv');
      const r = await onTerminal(['export', '--until', String(end), '--range', '40d', '--step', '5m', '--out', file]);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /exporting \[.*\] \d+\/20 queries/);
      assert.equal(readFileSync(file, 'utf8').trim().split('\n').length, 11_521);
    });
  });

  describe('watch', () => {
    it('redraws the snapshot until Ctrl-C, then exits 0', async () => {
      const child = spawn(process.execPath, [CLI, 'watch', '--prometheus', url, '--range', '4d', '--interval', '200ms'], {
        env: { PATH: process.env.PATH ?? '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      const deadline = Date.now() + 30_000;
      while ((out.match(/refreshing every 200ms/g) ?? []).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGINT');
      assert.equal(await exited, 0);
      const frames = out.split(/refreshing every 200ms; Ctrl-C to stop/);
      assert.ok(frames.length >= 3, out);
      // The range ends now, hours after the data: increase() extrapolates the last half interval.
      assert.match(frames[0] as string, /Model \(LLM\)\s+36,3\d\d\s+14\.3%\s+608 ms/);
      lines80(out);
    });
  });

  describe('report', () => {
    it('writes a self-contained HTML summary that a real browser renders', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'aimeter-report-'));
      const file = join(dir, 'report.html');
      const r = await run(['report', '--html', file, '--until', String(end), '--range', '3d', '--max', 'p95=2s', '--min', 'resolution=0.8']);
      assert.equal(r.code, 0, r.stderr);
      const html = readFileSync(file, 'utf8');
      assert.doesNotMatch(html, /<script|<link|@import|url\(|@font-face/i);
      assert.deepEqual([...new Set(html.match(/(?:src|href)=["'][^"']*/g) ?? [])], []);
      assert.equal((html.match(/<svg /g) ?? []).length, 4);
      assert.match(html, /\$202\.52/);
      assert.match(html, /objective ≥ 80\.0%/);
      assert.match(html, /<td>gpt-4o-mini<\/td><td>19,008<\/td>/);

      const chromium = '/usr/bin/chromium';
      if (!existsSync(chromium)) return;
       
      const { chromium: browserType } = require('playwright-core') as typeof import('playwright-core');
      const browser = await browserType.launch({ executablePath: chromium, args: ['--no-sandbox'] });
      try {
        const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
        const requests: string[] = [];
        page.on('request', (req) => requests.push(req.url()));
        await page.goto(`file://${file}`);
        assert.deepEqual(requests.filter((u) => !u.startsWith('file://')), [], 'the report loads nothing from the network');
        // The charts are drawn: each has a line, and the cards hold the figures.
        assert.equal(await page.locator('svg polyline').count(), 4);
        assert.equal(await page.locator('.card .v').first().textContent(), '36,300');
        const box = await page.locator('.charts svg').first().boundingBox();
        assert.ok(box && box.width > 400 && box.height > 100, `chart drawn at ${JSON.stringify(box)}`);
        const shot = inRepo('dist', 'test-output', 'cli-report.png');
        await page.screenshot({ path: shot, fullPage: true });
        assert.ok(readFileSync(shot).length > 20_000);
      } finally {
        await browser.close();
      }
    });
  });
});
