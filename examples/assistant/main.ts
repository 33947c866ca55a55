/**
 * The aimeter demo: a small voice + agent assistant, run with the aimeter preload
 * (`npm start` = node --require aimeter/register dist/examples/assistant/main.js).
 *
 * Without OPENAI_API_KEY it talks to a bundled fake OpenAI server on 127.0.0.1 (no key, no
 * network); with it, to the real API. A steady trickle of requests hits the app's own HTTP
 * endpoints, so each request is the root span of its agent, LLM, tool and speech spans; each
 * request prints a one-line summary. Metrics: http://127.0.0.1:9464/metrics
 *
 * Settings: DEMO_PORT (app port, default 8080), DEMO_INTERVAL_MS (default 1000),
 * DEMO_REQUESTS (stop after this many, default 0 = run until stopped).
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { startFakeOpenAI } from '../fake-provider/openai';
import { Assistant, type Models } from './assistant';
import { Tally } from './tally';
import { kpiEventsRouter } from '../../src/index';
import { DEMO_EVENTS_TOKEN, DemoQuality } from './quality';

const FAKE_MODELS: Models = {
  chat: 'gpt-4o-mini',
  reasoning: 'o4-mini',
  transcribe: 'whisper-1',
  speech: 'tts-1',
  embedding: 'text-embedding-3-small',
  unpriced: 'acme-support-ft-v2',
  rateLimited: 'fail-429',
};
const REAL_MODELS: Models = { ...FAKE_MODELS, unpriced: undefined, rateLimited: undefined };

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`demo: ${name}="${raw}" is not valid: use a whole number >= 0 (using ${fallback})`);
    return fallback;
  }
  return n;
}

async function main(): Promise<void> {
  const real = Boolean(process.env.OPENAI_API_KEY);
  const fake = real ? undefined : await startFakeOpenAI({ latencyMs: 40, chunkDelayMs: 12 });
  const client = new OpenAI(real ? { maxRetries: 0 } : { apiKey: 'demo', baseURL: fake!.url, maxRetries: 0 });
  const assistant = new Assistant(client, real ? REAL_MODELS : FAKE_MODELS);

  const app = express();
  // The KPI events endpoint, mounted in the app (with AIMETER_EVENTS_TOKEN set, aimeter also
  // serves it beside /metrics); the demo's feedback goes through it over HTTP.
  app.use(kpiEventsRouter({ token: DEMO_EVENTS_TOKEN }));
  app.use(express.json());
  let quality: DemoQuality | undefined;
  const handle = (route: string, turn: (tally: Tally) => Promise<void>) =>
    app.post(route, async (_req, res) => {
      const tally = new Tally();
      let status = 'ok';
      try {
        await turn(tally);
        res.json({ ok: true });
      } catch (error) {
        status = (error as { status?: number }).status === 429 ? 'rate-limited' : 'error';
        res.status(502).json({ ok: false });
      }
      console.log(tally.summary(route, status));
    });
  handle('/voice', async (t) => {
    await assistant.voiceTurn(t, 1.5 + Math.random() * 4);
    quality?.afterVoiceTurn('where is my order it was due on monday');
  });
  handle('/chat', async (t) => {
    const responseId = await assistant.textTurn(t, () => quality!.retrieve());
    await quality?.afterTextTurn(responseId);
  });
  handle('/plan', (t) => assistant.reasoningTurn(t, 'reasoning'));
  handle('/custom', (t) => assistant.reasoningTurn(t, 'unpriced'));
  handle('/burst', (t) => assistant.reasoningTurn(t, 'rate-limited'));

  const server = app.listen(intFromEnv('DEMO_PORT', 8080), '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  quality = new DemoQuality(`${base}/api/kpi/events`);
  console.log(`aimeter demo: assistant on ${base} (${real ? 'real OpenAI API' : `fake OpenAI at ${fake!.url}`})`);
  console.log(`aimeter demo: metrics at http://127.0.0.1:${process.env.OTEL_EXPORTER_PROMETHEUS_PORT || 9464}/metrics`);

  // The traffic mix: mostly voice turns, some text, and now and then the unusual cases.
  const routes = ['/voice', '/voice', '/chat', '/voice', '/plan', '/chat', '/voice', '/custom', '/voice', real ? '/chat' : '/burst'];
  const interval = intFromEnv('DEMO_INTERVAL_MS', 1000);
  const limit = intFromEnv('DEMO_REQUESTS', 0);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeAllConnections();
    await fake?.close();
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(0)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(0)));

  for (let i = 0; !stopping && (limit === 0 || i < limit); i++) {
    await fetch(`${base}${routes[i % routes.length]}`, { method: 'POST' }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, interval * (0.5 + Math.random())));
  }
  if (limit > 0) {
    console.log('aimeter demo: done');
    await stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
