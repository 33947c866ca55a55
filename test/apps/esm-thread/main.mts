// An ES-module app for preload-esm-thread.test.ts: its thread count at its first line, then one
// whether import-in-the-middle can hook in-thread on this Node, then one
// `import OpenAI from 'openai'` call against the loopback fake, then its own /metrics (when the
// preload serves it), as JSON on its last line.
import { threadsAtFirstLine } from './first-line.mjs';
import OpenAI from 'openai';
import fakeProvider from '../../../examples/fake-provider/openai.js';

// import-in-the-middle's own rule for where its in-thread hooks work (the file has no types).
const SYNC_HOOKS = 'import-in-the-middle/supports-sync-hooks.mjs';
const { supportsSyncHooks } = (await import(SYNC_HOOKS)) as { supportsSyncHooks(): boolean };
const fake = await fakeProvider.startFakeOpenAI();
const client = new OpenAI({ apiKey: 'test', baseURL: fake.url, maxRetries: 0 });
await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there world' }] });
const port = process.env.OTEL_EXPORTER_PROMETHEUS_PORT;
const metrics = port ? await (await fetch(`http://127.0.0.1:${port}/metrics`)).text() : '';
await fake.close();
process.stdout.write(`${JSON.stringify({ threadsAtFirstLine, syncHooks: supportsSyncHooks(), version: process.version, metrics })}\n`);
