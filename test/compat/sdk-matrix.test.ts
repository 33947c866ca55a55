/**
 * The SDK cells of the compatibility matrix (cells.ts `SDK_CELLS`; README "Compatibility"): the
 * oldest release of each provider and framework SDK that aimeter's hooks accept
 * (test/fixtures/sdk-oldest; langchain's agents: test/fixtures/langchain-oldest), driven by apps/sdk-app.ts in a child process under the preload,
 * against one loopback fake per provider shared by the file, two cells at a time. Per cell: the
 * exact series on /metrics (tokens, dollars, seconds of audio, characters, bytes, call counts,
 * agent and tool counts), no internal error, nothing printed by aimeter, a clean exit. The newest
 * release of each SDK is the main devDependency, run by that SDK's own test files.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { startFakeAnthropic } from '../../examples/fake-provider/anthropic';
import { startFakeBedrock } from '../../examples/fake-provider/bedrock';
import { startFakeDeepgram } from '../../examples/fake-provider/deepgram';
import { startFakeElevenLabs } from '../../examples/fake-provider/elevenlabs';
import { startFakeGemini } from '../../examples/fake-provider/gemini';
import { startFakeOpenAI } from '../../examples/fake-provider/openai';
import { parseExposition, sum } from '../helpers/exposition';
import { freePort, scrape, startCommand } from '../helpers/child-app';
import { SDK_CELLS, type SdkCell } from './cells';
import { resolveRuntime, type Runtime } from './runtimes';
import { installedSdkVersion, makeSdkSandbox, missingSdkFixture } from './sandbox';

type Sdk = SdkCell['sdk'];
type Labels = Record<string, string>;
/** [metric, labels, value]: the sum over the matching series, exact (dollars to 1e-12). */
type Expected = ReadonlyArray<readonly [string, Labels, number]>;

const DURATION = 'gen_ai_client_operation_duration_seconds_count';
const FIRST_CHUNK = 'gen_ai_client_operation_time_to_first_chunk_seconds_count';
const TOKENS = 'aimeter_tokens_total';
const COST = 'aimeter_cost_usd_total';

const claude = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'anthropic', gen_ai_request_model: 'claude-sonnet-4-5' };
const gemini = { gen_ai_operation_name: 'generate_content', gen_ai_provider_name: 'gcp.gemini', gen_ai_request_model: 'gemini-2.5-flash' };
const nova = { gen_ai_operation_name: 'speech_to_text', gen_ai_provider_name: 'deepgram', gen_ai_request_model: 'nova-3' };
const eleven = { gen_ai_operation_name: 'text_to_speech', gen_ai_provider_name: 'elevenlabs', gen_ai_request_model: 'eleven_multilingual_v2' };
const bedrock = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'aws.bedrock', gen_ai_request_model: 'anthropic.claude-sonnet-4-5-20250929-v1:0' };
const mini = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o-mini' };
const agent = { gen_ai_agent_name: 'compat-agent' };
const tool = { gen_ai_operation_name: 'execute_tool', gen_ai_tool_name: 'get_weather' };

/** What each scenario of apps/sdk-app.ts puts on /metrics, from the fakes' fixed answers. */
const EXPECTED: Record<Sdk, Expected> = {
  // The fake's `text` scenario: 25 in / 12 out per call, two calls (one streamed); $3 / $15 per million.
  anthropic: [
    [DURATION, claude, 2],
    [FIRST_CHUNK, claude, 1],
    [TOKENS, { ...claude, gen_ai_token_type: 'input' }, 50],
    [TOKENS, { ...claude, gen_ai_token_type: 'output' }, 24],
    [COST, claude, (50 * 3 + 24 * 15) / 1e6],
  ],
  // 120 prompt / 30 candidates tokens per call (the fake's defaults), $0.30 / $2.50 per million; one embedding call.
  gemini: [
    [DURATION, gemini, 2],
    [FIRST_CHUNK, gemini, 1],
    [TOKENS, { ...gemini, gen_ai_token_type: 'input' }, 240],
    [TOKENS, { ...gemini, gen_ai_token_type: 'output' }, 60],
    [COST, gemini, (240 * 0.3 + 60 * 2.5) / 1e6],
    [DURATION, { gen_ai_operation_name: 'embeddings', gen_ai_provider_name: 'gcp.gemini', gen_ai_request_model: 'gemini-embedding-001' }, 1],
  ],
  // 2 x 45 s of audio at $0.0043 per minute.
  deepgram: [
    [DURATION, nova, 2],
    ['aimeter_speech_to_text_audio_duration_seconds_total', nova, 90],
    [COST, nova, 1.5 * 0.0043],
  ],
  // 2 x 25 characters at $100 per million, 40 bytes of audio per character.
  elevenlabs: [
    [DURATION, eleven, 2],
    [FIRST_CHUNK, eleven, 2],
    ['aimeter_text_to_speech_characters_total', eleven, 50],
    ['aimeter_text_to_speech_audio_size_bytes_total', eleven, 2000],
    [COST, eleven, (50 * 100) / 1e6],
  ],
  // InvokeModel and its stream, 100 in / 20 out each, at Claude Sonnet 4.5's rates.
  bedrock: [
    [DURATION, bedrock, 2],
    [FIRST_CHUNK, bedrock, 1],
    [TOKENS, { ...bedrock, gen_ai_token_type: 'input' }, 200],
    [TOKENS, { ...bedrock, gen_ai_token_type: 'output' }, 40],
    [COST, bedrock, (200 * 3 + 40 * 15) / 1e6],
  ],
  // The AI SDK's own spans (switched on by aimeter): "Say hello to the world" 8 / 8, "Hi" 4 / 4.
  'vercel-ai': [
    [DURATION, mini, 2],
    [DURATION, { gen_ai_operation_name: 'invoke_workflow' }, 2],
    [FIRST_CHUNK, mini, 1],
    [TOKENS, { ...mini, gen_ai_token_type: 'input' }, 12],
    [TOKENS, { ...mini, gen_ai_token_type: 'output' }, 12],
    [COST, mini, (12 * 0.15 + 12 * 0.6) / 1e6],
  ],
  langchain: [[DURATION, tool, 2]],
  // The run, chat completions (the fake: 3 + words per message, 8 per tool): the model asks for the
  // tool (question 9 + tool 8 in, 10 out), then answers (question 9, its tool call 4, the result
  // 6, tool 8 in; "Fake reply to: sunny in fake" 6 out); both calls are the agent's.
  'langchain-agent': [
    [DURATION, { ...agent, gen_ai_operation_name: 'invoke_agent' }, 1],
    [DURATION, { ...agent, ...tool }, 1],
    [DURATION, { ...mini, ...agent }, 2],
    [TOKENS, { ...mini, ...agent, gen_ai_token_type: 'input' }, 44],
    [TOKENS, { ...mini, ...agent, gen_ai_token_type: 'output' }, 16],
    [COST, { ...mini, ...agent }, (44 * 0.15 + 16 * 0.6) / 1e6],
    ['aimeter_agent_model_calls_sum', agent, 2],
    ['aimeter_agent_tool_calls_sum', agent, 1],
  ],
  // The run: the model asks for the tool, then answers (46 in / 16 out in all); both calls are the agent's.
  'openai-agents': [
    [DURATION, { ...agent, gen_ai_operation_name: 'invoke_agent' }, 1],
    [DURATION, { ...agent, ...tool }, 1],
    [DURATION, { ...mini, ...agent }, 2],
    [DURATION, mini, 2],
    [TOKENS, { ...mini, ...agent, gen_ai_token_type: 'input' }, 46],
    [TOKENS, { ...mini, ...agent, gen_ai_token_type: 'output' }, 16],
    [COST, { ...mini, ...agent }, (46 * 0.15 + 16 * 0.6) / 1e6],
    ['aimeter_agent_model_calls_sum', agent, 2],
    ['aimeter_agent_tool_calls_sum', agent, 1],
  ],
};

type Fake = { readonly url: string; close(): Promise<void> };
const fakes = new Map<Sdk, Fake>();
const runtimes = new Map<number, Promise<Runtime>>();

before(async () => {
  for (const major of new Set(SDK_CELLS.map((c) => c.node))) runtimes.set(major, resolveRuntime(major));
  const openai = await startFakeOpenAI({ chunkDelayMs: 1 });
  const started: ReadonlyArray<readonly [Sdk, Promise<Fake>]> = [
    ['anthropic', startFakeAnthropic()],
    ['gemini', startFakeGemini()],
    ['deepgram', startFakeDeepgram({ duration: 45 })],
    ['elevenlabs', startFakeElevenLabs({ bytesPerCharacter: 40, chunkSize: 256 })],
    // 3.422's default handler speaks HTTP/1.1 (NodeHttpHandler).
    ['bedrock', startFakeBedrock({ inputTokens: 100, outputTokens: 20, http1: true })],
    ['vercel-ai', Promise.resolve(openai)],
    ['langchain-agent', Promise.resolve(openai)],
    ['openai-agents', Promise.resolve(openai)],
  ];
  for (const [sdk, fake] of started) fakes.set(sdk, await fake);
});
after(async () => {
  await Promise.all([...new Set(fakes.values())].map((f) => f.close()));
});

async function runCell(cell: SdkCell, execPath: string): Promise<{ result: Record<string, unknown>; metrics: string; exitCode: number | null; stderr: string }> {
  const sandbox = makeSdkSandbox(cell);
  const metricsPort = await freePort();
  const args = cell.entry === 'require' ? ['--require', sandbox.register, sandbox.app] : ['--import', pathToFileURL(sandbox.register).href, sandbox.app];
  try {
    const app = await startCommand(
      execPath,
      args,
      {
        NODE_OPTIONS: '',
        // The Agents SDK makes no spans under NODE_ENV=test.
        NODE_ENV: undefined,
        AIMETER_COMPAT_SDK: cell.sdk,
        AIMETER_COMPAT_FAKE_URL: fakes.get(cell.sdk)?.url ?? '',
        OTEL_SERVICE_NAME: cell.id,
        OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
        OTEL_METRICS_EXPORTER: 'prometheus',
        OTEL_TRACES_EXPORTER: 'none',
      },
      { cwd: sandbox.dir, timeoutMs: 60_000, killAfterMs: 10_000 },
    );
    const line = app.stdout().split('\n').find((l) => l.startsWith('result '));
    const metrics = (await scrape(metricsPort)).body;
    const exitCode = await app.stop();
    return { result: JSON.parse(line?.slice('result '.length) ?? '{}'), metrics, exitCode, stderr: app.stderr() };
  } finally {
    sandbox.close();
  }
}

describe('compatibility matrix: the oldest supported SDK releases', { concurrency: 2 }, () => {
  for (const cell of SDK_CELLS) {
    test(`${cell.id}: Node ${cell.node}, ${cell.module} ${cell.version}, --${cell.entry}`, async (t) => {
      const missing = missingSdkFixture(cell);
      const runtime = missing === undefined ? await runtimes.get(cell.node)! : { skip: missing };
      if ('skip' in runtime) {
        t.diagnostic(runtime.skip);
        t.skip(runtime.skip);
        return;
      }
      assert.equal(installedSdkVersion(cell), cell.version, `test/fixtures/${cell.fixture ?? 'sdk-oldest'} holds another ${cell.module}: run \`node scripts/install-fixtures.js --force\``);
      const started = performance.now();
      const run = await runCell(cell, runtime.execPath);
      t.diagnostic(`${cell.id} ran on ${runtime.version} in ${Math.round(performance.now() - started)} ms`);

      assert.equal(run.result.node, runtime.version);
      assert.equal(run.exitCode, 0, `${cell.id} exit code; stderr: ${run.stderr}`);
      assert.doesNotMatch(run.stderr, /aimeter/i, `${cell.id}: aimeter printed a warning`);
      const m = parseExposition(run.metrics);
      for (const [metric, labels, value] of EXPECTED[cell.sdk]) {
        const got = sum(m, metric, labels);
        const what = `${cell.id}: ${metric}${JSON.stringify(labels)}`;
        if (metric === COST) assert.ok(Math.abs(got - value) < 1e-12, `${what} = ${got}, expected ${value}`);
        else assert.equal(got, value, what);
      }
      assert.equal(sum(m, 'aimeter_internal_errors_total'), 0);
    });
  }
});
