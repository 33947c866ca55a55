/**
 * The KPI events endpoint over real HTTP: on aimeter's metrics server (start() with
 * AIMETER_EVENTS_TOKEN), and as an express router with a conversation outcome layer plugged in.
 * Good batches, each malformed case, auth, size and rate limits, content type, duplicates; and
 * nothing recorded from a rejected request.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { request } from 'node:http';
import { start, type Aimeter } from '../../src/sdk/start';
import { traceLlm } from '../../src/api/trace';
import { kpiEventsRouter } from '../../src/quality/kpi-router';
import { GenAiMetrics } from '../../src/metrics/genai-metrics';
import { parseExposition, sum, type Exposition } from '../helpers/exposition';
import { freePort } from '../helpers/child-app';

const TOKEN = 'test-token-0123456789abcdef';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

function post(port: number, body: string | Buffer, headers: Record<string, string> = {}, path = '/api/kpi/events', method = 'POST'): Promise<Reply> {
  const all: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'content-length': String(Buffer.byteLength(body)), ...headers };
  // An empty value means: leave the header out.
  for (const [k, v] of Object.entries(all)) if (v === '') delete all[k];
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method, headers: all },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode!, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('on the metrics server (AIMETER_EVENTS_TOKEN)', () => {
  let aimeter: Aimeter;
  let port: number;
  const metrics = (): Exposition => parseExposition(aimeter.metrics.render());
  /** The exposition without the endpoint's own counter: what a request recorded. */
  const recorded = () => aimeter.metrics.render().split('\n').filter((l) => !l.startsWith('aimeter_kpi_events_total') && !l.includes('"aimeter_kpi_events_total"')).join('\n');

  before(async () => {
    port = await freePort();
    aimeter = start({
      env: { AIMETER_EVENTS_TOKEN: TOKEN, AIMETER_EVENTS_RATE_LIMIT: '40', AIMETER_EVENTS_MAX_BYTES: '4096', AIMETER_EVENTS_CONVERSIONS: 'purchase,trial' },
      metricsHost: '127.0.0.1',
      metricsPort: port,
    })!;
    assert.ok(await aimeter.server!.ready);
  });
  after(async () => {
    await aimeter?.shutdown();
  });

  test('a good batch is recorded, linked to the call it names', async () => {
    traceLlm({ provider: 'openai', model: 'gpt-4o-mini' }, (call) => call.setResponse({ id: 'chatcmpl-77' }));
    const reply = await post(
      port,
      JSON.stringify({
        events: [
          { type: 'feedback', name: 'thumbs', label: 'up', responseId: 'chatcmpl-77', id: 'evt-1' },
          { type: 'evaluation', name: 'csat', score: 5 },
          { type: 'retrieval_relevance', retrieved: ['a', 'b', 'c'], relevant: ['b'], k: [1, 3] },
          { type: 'cache_lookup', cache: 'semantic', hit: true, savedTokens: 300, savedUsd: 0.001 },
          { type: 'conversion', name: 'trial', value: 20, currency: 'USD' },
        ],
      }),
    );
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.json, { accepted: 5, duplicates: 0 });
    const m = metrics();
    assert.equal(sum(m, 'aimeter_evaluations_total', { gen_ai_evaluation_name: 'thumbs', gen_ai_evaluation_score_label: 'up', gen_ai_request_model: 'gpt-4o-mini' }), 1);
    assert.equal(sum(m, 'aimeter_evaluation_score_sum', { gen_ai_evaluation_name: 'csat' }), 5);
    assert.equal(sum(m, 'aimeter_evaluation_score_sum', { gen_ai_evaluation_name: 'precision_at_3' }), 1 / 3);
    assert.equal(sum(m, 'aimeter_evaluation_score_sum', { gen_ai_evaluation_name: 'reciprocal_rank' }), 0.5);
    assert.equal(sum(m, 'aimeter_cache_lookups_total', { aimeter_cache_name: 'semantic', aimeter_cache_result: 'hit' }), 1);
    assert.equal(sum(m, 'aimeter_conversion_value_total', { aimeter_conversion_name: 'trial', aimeter_currency: 'USD' }), 20);
    for (const type of ['feedback', 'evaluation', 'retrieval_relevance', 'cache_lookup', 'conversion']) {
      assert.equal(sum(m, 'aimeter_kpi_events_total', { aimeter_event_type: type, aimeter_event_result: 'accepted' }), 1, type);
    }
  });

  test('a single event and a bare array are accepted too; a repeated id is accepted once', async () => {
    assert.deepEqual((await post(port, JSON.stringify({ type: 'evaluation', name: 'mos', score: 4.2, id: 'evt-2' }))).json, { accepted: 1, duplicates: 0 });
    const again = await post(port, JSON.stringify([{ type: 'evaluation', name: 'mos', score: 4.2, id: 'evt-2' }, { type: 'evaluation', name: 'mos', score: 3, id: 'evt-3' }, { type: 'evaluation', name: 'mos', score: 3, id: 'evt-3' }]));
    assert.deepEqual(again.json, { accepted: 1, duplicates: 2 });
    const m = metrics();
    assert.equal(sum(m, 'aimeter_evaluation_score_count', { gen_ai_evaluation_name: 'mos' }), 2);
    assert.equal(sum(m, 'aimeter_evaluation_score_sum', { gen_ai_evaluation_name: 'mos' }), 7.2);
    assert.equal(sum(m, 'aimeter_kpi_events_total', { aimeter_event_type: 'evaluation', aimeter_event_result: 'duplicate' }), 2);
  });

  test('every problem of a bad batch is reported with its path, and nothing from it is recorded', async () => {
    const before = recorded();
    const reply = await post(
      port,
      JSON.stringify({
        events: [
          { type: 'evaluation', name: 'csat', score: 4 },
          { type: 'evaluation', name: 'made_up_name', score: 'high' },
          { type: 'feedback', name: 'thumbs', label: 'loved it', '<script>': 1 },
          { type: 'refund' },
          { type: 'cache_lookup', cache: 'semantic', hit: false, savedUsd: 1 },
          { type: 'conversion', name: 'purchase', value: 10, currency: 'euro' },
          { type: 'retrieval_relevance', retrieved: [{ id: 'a', score: 1 }, 'b'], relevant: ['a'], k: [7] },
          { type: 'conversation_outcome', conversationId: 'c-1', outcome: 'resolved' },
          { type: 'evaluation', name: 'csat' },
        ],
      }),
    );
    assert.equal(reply.status, 400);
    const problems = reply.json.problems as { path: string; reason: string }[];
    const at = (path: string) => problems.filter((p) => p.path === path).map((p) => p.reason).join(' | ');
    assert.match(at('events[1].name'), /not an allowed evaluation name/);
    assert.match(at('events[1].score'), /expected number/);
    assert.match(at('events[2].label'), /not an allowed score label/);
    assert.match(at('events[2]'), /unknown field\(s\): <script>/);
    assert.match(at('events[3].type'), /type must be one of/);
    assert.match(at('events[4]'), /a miss saves nothing/);
    assert.match(at('events[5].currency'), /ISO 4217/);
    assert.match(at('events[6].k[0]'), /not an allowed cut-off/);
    // A conversation outcome is valid now that the outcome layer ends conversations (src/quality/conversation-outcome.ts).
    assert.equal(at('events[7].conversationId'), '');
    assert.match(at('events[8]'), /needs a score, a label or both/);
    assert.equal(at('events[0]'), '', 'the good event has no problem');
    assert.equal(problems.some((p) => p.reason.includes('loved it') || p.reason.includes('made_up_name') || p.reason.includes('euro')), false, 'values are never echoed');
    assert.ok(!reply.text.includes('<script>'), 'markup characters are escaped');
    assert.ok(reply.text.includes('\\u003cscript\\u003e'));
    assert.equal(reply.headers['x-content-type-options'], 'nosniff');
    assert.equal(recorded(), before, 'nothing recorded');
    assert.equal(sum(metrics(), 'aimeter_kpi_events_total', { aimeter_event_type: 'evaluation', aimeter_event_result: 'rejected' }), 3);
  });

  test('malformed bodies: not JSON, empty batch, too many events, a batch with extra fields', async () => {
    const before = recorded();
    const notJson = await post(port, '{"type": "evaluation",');
    assert.equal(notJson.status, 400);
    assert.deepEqual(notJson.json.problems, [{ path: '(body)', reason: 'not valid JSON' }]);
    assert.equal((await post(port, '[]')).status, 400);
    const many = await post(port, JSON.stringify(Array.from({ length: 101 }, () => ({ type: 'evaluation', name: 'csat', score: 1 }))).slice(0, 4000));
    assert.equal(many.status, 400, 'a cut body is not JSON');
    const extra = await post(port, JSON.stringify({ events: [{ type: 'evaluation', name: 'csat', score: 1 }], more: 1 }));
    assert.deepEqual(extra.json.problems, [{ path: 'events', reason: 'a batch has only the field "events"' }]);
    assert.equal((await post(port, 'null')).status, 400);
    assert.equal(recorded(), before);
  });

  test('401 without or with a wrong token, 415 for another content type, 413 over the size limit, 405 for GET', async () => {
    const before = recorded();
    const good = JSON.stringify({ type: 'evaluation', name: 'csat', score: 1 });
    const missing = await post(port, good, { authorization: '' });
    assert.equal(missing.status, 401);
    assert.equal(missing.headers['www-authenticate'], 'Bearer');
    assert.equal((await post(port, good, { authorization: `Bearer ${TOKEN}x` })).status, 401);
    assert.equal((await post(port, good, { authorization: TOKEN })).status, 401);
    assert.equal((await post(port, good, { 'content-type': 'text/plain' })).status, 415);
    assert.equal((await post(port, good, { 'content-type': 'application/x-www-form-urlencoded' })).status, 415);
    const big = JSON.stringify({ type: 'evaluation', name: 'csat', score: 1, explanation: 'x'.repeat(5000) });
    assert.equal((await post(port, big)).status, 413);
    // A body that lies about its length is cut off while it is read.
    assert.equal((await post(port, big, { 'content-length': '' })).status, 413);
    assert.equal((await post(port, '', {}, '/api/kpi/events', 'GET')).status, 405);
    assert.equal(recorded(), before);
    assert.ok(sum(metrics(), 'aimeter_kpi_events_total', { aimeter_event_type: 'unparsed', aimeter_event_result: 'rejected' }) >= 7);
    // /metrics itself still answers GET.
    assert.equal((await post(port, '', {}, '/metrics', 'GET')).status, 200);
  });

  test('429 past the rate limit (requests per minute per client)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 45; i++) statuses.push((await post(port, JSON.stringify({ type: 'evaluation', name: 'nps', score: 9 }))).status);
    assert.ok(statuses.includes(429), `statuses: ${statuses.join(',')}`);
    const firstRefused = statuses.indexOf(429);
    assert.ok(statuses.slice(firstRefused).every((s) => s === 429));
    const reply = await post(port, JSON.stringify({ type: 'evaluation', name: 'nps', score: 9 }));
    assert.equal(reply.headers['retry-after'], '60');
    assert.equal(sum(metrics(), 'aimeter_evaluation_score_count', { gen_ai_evaluation_name: 'nps' }), firstRefused);
  });
});

describe('as an express router', () => {
  test('conversation outcomes end the conversation through the configured endConversation; express.json() before it is fine', async () => {
    const express = require('express') as typeof import('express');
    const ended: unknown[] = [];
    const metrics = new GenAiMetrics();
    const app = express();
    app.use(express.json());
    app.use(kpiEventsRouter({ token: TOKEN, metrics, endConversation: (id, outcome) => ended.push([id, outcome]), allow: { outcomes: ['resolved', 'escalated'] } }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const ok = await post(port, JSON.stringify([{ type: 'conversation_outcome', conversationId: 'c-1', outcome: 'resolved', firstContact: true }, { type: 'conversation_outcome', conversationId: 'c-2', outcome: 'escalated' }]));
      assert.equal(ok.status, 200, ok.text);
      assert.deepEqual(ended, [['c-1', { outcome: 'resolved', firstContact: true }], ['c-2', { outcome: 'escalated' }]]);
      const bad = await post(port, JSON.stringify([{ type: 'conversation_outcome', conversationId: 'c-3', outcome: 'resolved' }, { type: 'conversation_outcome', conversationId: 'c-4', outcome: 'won' }]));
      assert.equal(bad.status, 400);
      assert.equal(bad.json.problems[0].path, '[1].outcome');
      assert.equal(ended.length, 2, 'nothing from the rejected request');
      assert.equal((await post(port, '{}', { authorization: 'Bearer nope' })).status, 401);
      const m = parseExposition(metrics.render());
      assert.equal(sum(m, 'aimeter_kpi_events_total', { aimeter_event_type: 'conversation_outcome', aimeter_event_result: 'accepted' }), 2);
      assert.equal(sum(m, 'aimeter_kpi_events_total', { aimeter_event_type: 'conversation_outcome', aimeter_event_result: 'rejected' }), 2);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
