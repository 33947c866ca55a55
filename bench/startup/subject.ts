/**
 * What a start-up measurement runs (bench/startup/index.ts), in one of three set-ups, then
 * nothing: the app is `-e 0`. At exit it prints its own CPU (all threads) and peak RSS as JSON.
 *   bare     nothing (run alone, or under `--require/--import aimeter/register`)
 *   floor    the least OpenTelemetry tracing of HTTP: a NodeTracerProvider from
 *            @opentelemetry/sdk-trace-node and @opentelemetry/instrumentation-http
 *   floor-esm  the floor plus import-in-the-middle's ESM loader hook (what --import pays for)
 *   nodesdk  NodeSDK (@opentelemetry/sdk-node) with instrumentation-http and the contrib
 *            @opentelemetry/instrumentation-openai, with NodeSDK's defaults (what its README
 *            shows: `new NodeSDK({ instrumentations }).start()`)
 *   nodesdk-esm  NodeSDK as above plus the same ESM loader hook: what instrumenting an ES-module
 *            app with NodeSDK takes (its instrumentations patch ES modules only through the hook)
 *
 * With a second argument `app`, the set-up is followed by what a real app does at start: it
 * requires express and openai, constructs its client, listens, serves one request (made over
 * loopback by itself) and exits. Work a set-up puts off until first use shows here, not in `-e 0`.
 *
 * With `require` instead, one require() of an empty file follows (what starts aimeter in a
 * CommonJS app: src/sdk/first-use.ts).
 *
 * Usage: node [preload flags] dist/bench/startup/subject.js MODE [app|require]
 */
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stdout.write(`${JSON.stringify({ cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, maxRssMB: usage.maxRSS / 1024 })}\n`);
});

const mode = process.argv[2] ?? 'bare';
if (mode === 'floor-esm' || mode === 'nodesdk-esm') {
  // What any tracing that instruments ES modules pays on top of the floor: import-in-the-middle's
  // loader hook, registered as aimeter's preload registers it (on Node 20, module.register()
  // starts a loader-hooks thread of its own).
  const iitm = require('import-in-the-middle') as typeof import('import-in-the-middle');
  const { registerOptions } = iitm.createAddHookMessageChannel();
  const { pathToFileURL } = require('node:url') as typeof import('node:url');
  (require('node:module') as { register(specifier: string, parentURL: string, options?: unknown): void }).register(
    'import-in-the-middle/hook.mjs',
    pathToFileURL(__filename).href,
    registerOptions,
  );
}
if (mode === 'floor' || mode === 'floor-esm') {
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { registerInstrumentations } = require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const provider = new NodeTracerProvider();
  provider.register();
  registerInstrumentations({ instrumentations: [new HttpInstrumentation()], tracerProvider: provider });
} else if (mode === 'nodesdk' || mode === 'nodesdk-esm') {
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { OpenAIInstrumentation } = require('@opentelemetry/instrumentation-openai') as typeof import('@opentelemetry/instrumentation-openai');
  new NodeSDK({ instrumentations: [new HttpInstrumentation(), new OpenAIInstrumentation()] }).start();
} else if (mode !== 'bare') {
  throw new Error(`unknown mode ${mode}`);
}

// `require`: one require() of an empty file, which is what starts aimeter in a CommonJS app
// (src/sdk/first-use.ts): the start-up of a preload that defers to first use, next to the set-ups
// above, which start eagerly.
if (process.argv[3] === 'require') require('./empty');

if (process.argv[3] === 'app') {
  const express = require('express') as typeof import('express');
  const { default: OpenAI } = require('openai') as typeof import('openai');
  const http = require('node:http') as typeof import('node:http');
  const client = new OpenAI({ apiKey: 'not-used', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0 });
  const app = express();
  app.get('/', (_req, res) => void res.json({ models: typeof client.models.list }));
  const server = app.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as import('node:net').AddressInfo;
    http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      res.resume();
      res.on('end', () => server.close());
    });
  });
}
