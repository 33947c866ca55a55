/**
 * The aimeter demo: a small voice + agent assistant, run with the aimeter preload
 * (`npm start` = node --require aimeter/register dist/examples/assistant/main.js).
 *
 * By default it talks to a bundled fake OpenAI server on 127.0.0.1 (no key, no network, no
 * cost), even when OPENAI_API_KEY happens to be exported: the real API, which costs money, is
 * used only with DEMO_REAL_API=true (and OPENAI_API_KEY), announced on start. A steady trickle
 * of requests hits the app's own HTTP endpoints, so each request is the root span of its agent,
 * LLM, tool and speech spans; each request prints aimeter's own one-line summary (onRequestEnd).
 * Requests belong to conversations of a few turns (header x-conversation-id), each compared
 * under one of two prompt variants and ended with an outcome. Metrics: http://127.0.0.1:9464/metrics
 *
 * Settings: DEMO_PORT (app port, default 8080; a busy port is reported in one line naming it),
 * DEMO_INTERVAL_MS (default 1000), DEMO_REQUESTS (stop after this many, default 0 = run until
 * stopped), DEMO_REAL_API (true: the real OpenAI API; default false).
 */
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { startFakeOpenAI } from '../fake-provider/openai';
import { endConversation, onRequestEnd, summaryLine, withConversation, withVariant } from 'aimeter';
import { Assistant, type Models } from './assistant';
import { kpiEventsRouter } from 'aimeter';
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

/** A message for the user, not a bug: printed as one line, without a stack, and the demo exits 1. */
class DemoError extends Error {}

/**
 * DEMO_REAL_API: the one way to reach the real, paid API. An exported OPENAI_API_KEY alone is
 * ignored (said once), so running the demo never spends money by accident.
 */
function realApiWanted(): boolean {
  const raw = (process.env.DEMO_REAL_API ?? '').trim().toLowerCase();
  if (raw !== '' && raw !== 'true' && raw !== 'false') {
    console.error(`demo: DEMO_REAL_API="${process.env.DEMO_REAL_API}" is not valid: use true or false (using false: the fake provider)`);
  }
  const real = raw === 'true';
  if (real && !process.env.OPENAI_API_KEY) throw new DemoError('demo: DEMO_REAL_API=true needs OPENAI_API_KEY; unset DEMO_REAL_API to use the fake provider');
  if (real) {
    console.log('aimeter demo: DEMO_REAL_API=true: calling the REAL OpenAI API with your OPENAI_API_KEY; every request is billed. Stop with Ctrl-C.');
  } else if (process.env.OPENAI_API_KEY) {
    console.log('aimeter demo: OPENAI_API_KEY is set but not used: this demo calls its fake provider unless DEMO_REAL_API=true');
  }
  return real;
}

/** Listens on 127.0.0.1:port; a busy port is a DemoError naming DEMO_PORT, not a stack trace. */
function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') reject(new DemoError(`demo: port ${port} is in use; set DEMO_PORT to a free port (e.g. DEMO_PORT=${port === 65535 ? 8081 : port + 1} npm start)`));
      else if (error.code === 'EACCES') reject(new DemoError(`demo: port ${port} is not allowed for this user; set DEMO_PORT to a port above 1023`));
      else reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}

function newConversation(n: number): { id: string; variant: string; turnsLeft: number } {
  return { id: `demo-${process.pid}-${n}`, variant: n % 2 === 0 ? 'prompt-v1' : 'prompt-v2', turnsLeft: 1 + Math.floor(Math.random() * 3) };
}

/** Mostly resolved, sometimes escalated to a human, abandoned or left unresolved. */
function pickOutcome(): string {
  const r = Math.random();
  return r < 0.65 ? 'resolved' : r < 0.8 ? 'escalated' : r < 0.9 ? 'abandoned' : 'unresolved';
}

async function main(): Promise<void> {
  const real = realApiWanted();
  const fake = real ? undefined : await startFakeOpenAI({ latencyMs: 40, chunkDelayMs: 12 });
  const client = new OpenAI(real ? { maxRetries: 0 } : { apiKey: 'demo', baseURL: fake!.url, maxRetries: 0 });
  const assistant = new Assistant(client, real ? REAL_MODELS : FAKE_MODELS);

  // aimeter's roll-up of each request: the same dollars and tokens as /metrics.
  onRequestEnd((summary) => console.log(summaryLine(summary)));

  const app = express();
  // The KPI events endpoint, mounted in the app (with AIMETER_EVENTS_TOKEN set, aimeter also
  // serves it beside /metrics); the demo's feedback goes through it over HTTP.
  app.use(kpiEventsRouter({ token: DEMO_EVENTS_TOKEN }));
  app.use(express.json());
  // Set once the app listens (its URL is the KPI endpoint's); requests before that skip feedback.
  let quality: DemoQuality | undefined = undefined;
  const handle = (route: string, turn: (conversationId: string) => Promise<void>) =>
    app.post(route, async (req, res) => {
      const conversationId = req.get('x-conversation-id') ?? 'none';
      const variant = req.get('x-variant') ?? 'prompt-v1';
      try {
        await withVariant(variant, () => withConversation(conversationId, () => turn(conversationId)));
        res.json({ ok: true });
      } catch {
        res.status(502).json({ ok: false });
      }
    });
  handle('/voice', async (id) => {
    await assistant.voiceTurn(id, 1.5 + Math.random() * 4);
    quality?.afterVoiceTurn('where is my order it was due on monday');
  });
  handle('/chat', async () => {
    const responseId = await assistant.textTurn(() => quality!.retrieve());
    await quality?.afterTextTurn(responseId);
  });
  handle('/plan', () => assistant.reasoningTurn('reasoning'));
  handle('/custom', () => assistant.reasoningTurn('unpriced'));
  handle('/burst', () => assistant.reasoningTurn('rate-limited'));

  const server = createServer(app);
  await listen(server, intFromEnv('DEMO_PORT', 8080)).catch(async (error: unknown) => {
    await fake?.close();
    throw error;
  });
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

  // Conversations of 1 to 3 requests; each ends with an outcome (what a support team would record).
  let conversation = newConversation(0);
  for (let i = 0; !stopping && (limit === 0 || i < limit); i++) {
    const headers = { 'x-conversation-id': conversation.id, 'x-variant': conversation.variant };
    await fetch(`${base}${routes[i % routes.length]}`, { method: 'POST', headers }).catch(() => undefined);
    if (--conversation.turnsLeft === 0) {
      endConversation(conversation.id, { outcome: pickOutcome(), firstContact: Math.random() < 0.7 });
      conversation = newConversation(i + 1);
    }
    await new Promise((r) => setTimeout(r, interval * (0.5 + Math.random())));
  }
  if (limit > 0) {
    console.log('aimeter demo: done');
    await stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof DemoError ? error.message : error);
  process.exit(1);
});
