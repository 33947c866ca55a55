/**
 * Node 22 app for test/agents/openai-agents.test.ts: aimeter's openai and openai-agents
 * instrumentations set up the way the preload does (require hooks, and import-in-the-middle's
 * loader told which entry points to wrap), then the same agent run through the SDK's CommonJS
 * build (`require`) and its ES module build (`import`), each under its own agent name. Prints one
 * JSON line: the finished spans, the exposition text, the fake's request paths. A third run, with
 * content capture on, has a tool that calls the model itself; a fourth streams through the Chat
 * Completions model; a fifth has a tool that throws.
 */
import { createRequire, register } from 'node:module';

const require = createRequire(import.meta.url);
const iitm = require('import-in-the-middle') as typeof import('import-in-the-middle');
const { registerOptions, waitForAllMessagesAcknowledged } = iitm.createAddHookMessageChannel();
register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
const { setupTelemetry } = require('../../helpers/telemetry.js') as typeof import('../../helpers/telemetry.js');
const { OpenAIInstrumentation } = require('../../../instrumentations/openai/index.js') as typeof import('../../../instrumentations/openai/index.js');
const { OpenAIAgentsInstrumentation } = require('../../../instrumentations/openai-agents/index.js') as typeof import('../../../instrumentations/openai-agents/index.js');
const { startFakeOpenAI } = require('../../../examples/fake-provider/openai.js') as typeof import('../../../examples/fake-provider/openai.js');
const { runAgentsScenario } = require('./agents-scenario.js') as typeof import('./agents-scenario.js');
const { setRuntimeSettings } = require('../../../src/config/runtime.js') as typeof import('../../../src/config/runtime.js');

const telemetry = setupTelemetry({ instrumentations: [new OpenAIInstrumentation(), new OpenAIAgentsInstrumentation()] });
await waitForAllMessagesAcknowledged();
const fake = await startFakeOpenAI();
try {
  const cjs = await runAgentsScenario(require('@openai/agents'), require('zod'), fake, 'cjs-agent');
  const esm = await runAgentsScenario(await import('@openai/agents'), (await import('zod')).z, fake, 'esm-agent');
  // Content capture on, and a tool that calls the model itself (with the openai 7 client the SDK uses).
  setRuntimeSettings({ captureMessageContent: true });
  const { OpenAI } = require(require.resolve('openai', { paths: [require.resolve('@openai/agents-openai')] }));
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: fake.url, maxRetries: 0 });
  const summarise = () => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Summarise it' }] });
  const captured = await runAgentsScenario(require('@openai/agents'), require('zod'), fake, 'capture-agent', summarise);
  setRuntimeSettings({ captureMessageContent: false });
  // The Chat Completions model (the SDK's generation spans), streamed.
  const esmAgents = await import('@openai/agents');
  esmAgents.setOpenAIAPI('chat_completions');
  const streamed = await runAgentsScenario(esmAgents, (await import('zod')).z, fake, 'stream-agent', undefined, true);
  const failed = await runAgentsScenario(require('@openai/agents'), require('zod'), fake, 'failing-agent', undefined, false, true);
  const spans = telemetry.exporter.getFinishedSpans().map((s) => ({
    name: s.name,
    id: s.spanContext().spanId,
    traceId: s.spanContext().traceId,
    parentId: s.parentSpanContext?.spanId,
    attributes: s.attributes,
  }));
  process.stdout.write(
    JSON.stringify({ node: process.version, outputs: [cjs, esm, captured, streamed, failed], requests: fake.requests.map((r) => r.path), spans, metrics: telemetry.processor.metrics.render() }) + '\n',
  );
} finally {
  await fake.close();
  await telemetry.shutdown();
}
