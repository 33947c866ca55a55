/**
 * ESM app for test/agents/langchain.test.ts: `@langchain/openai` and `@langchain/core` loaded with
 * `import` (their ES module builds) through import-in-the-middle, set up as aimeter's preload does
 * it, running langchain-scenario.ts against the loopback fake. Prints one JSON line: the finished
 * spans, the exposition text, the file `@langchain/core/tools` resolved to.
 */
import { createRequire, register } from 'node:module';

const require = createRequire(import.meta.url);
const iitm = require('import-in-the-middle') as typeof import('import-in-the-middle');
const { registerOptions, waitForAllMessagesAcknowledged } = iitm.createAddHookMessageChannel();
register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
const { setupTelemetry } = require('../../helpers/telemetry.js') as typeof import('../../helpers/telemetry.js');
const { OpenAIInstrumentation } = require('../../../instrumentations/openai/index.js') as typeof import('../../../instrumentations/openai/index.js');
const { LangChainInstrumentation } = require('../../../instrumentations/langchain/index.js') as typeof import('../../../instrumentations/langchain/index.js');
const { startFakeOpenAI } = require('../../../examples/fake-provider/openai.js') as typeof import('../../../examples/fake-provider/openai.js');
const { traceAgent } = require('../../../src/api/trace.js') as typeof import('../../../src/api/trace.js');
const { runCreateAgentScenario, runLangChainScenario } = require('../langchain-scenario.js') as typeof import('../langchain-scenario.js');

const telemetry = setupTelemetry({ instrumentations: [new OpenAIInstrumentation(), new LangChainInstrumentation()] });
await waitForAllMessagesAcknowledged();
const fake = await startFakeOpenAI();
try {
  const { ChatOpenAI } = await import('@langchain/openai');
  const { tool } = await import('@langchain/core/tools');
  const { HumanMessage } = await import('@langchain/core/messages');
  const { z } = await import('zod');
  const { createAgent } = await import('langchain');
  const modules = { ChatOpenAI, createAgent, tool, HumanMessage, z, traceAgent };
  const finished = () =>
    telemetry.exporter.getFinishedSpans().map((s) => ({
      name: s.name,
      id: s.spanContext().spanId,
      parentId: s.parentSpanContext?.spanId,
      attributes: s.attributes,
    }));
  await runLangChainScenario(modules, fake, 'lc-esm-agent');
  const spans = finished();
  telemetry.exporter.reset();
  await runCreateAgentScenario(modules, fake, 'lc-esm-create-agent', 'invoke');
  const agentSpans = finished();
  const toolFile = import.meta.resolve('@langchain/core/tools');
  const agentFile = import.meta.resolve('langchain');
  process.stdout.write(JSON.stringify({ spans, agentSpans, metrics: telemetry.processor.metrics.render(), toolFile, agentFile }) + '\n');
} finally {
  await fake.close();
  await telemetry.shutdown();
}
