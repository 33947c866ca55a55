/**
 * Beside `@opentelemetry/instrumentation-aws-sdk` (which patches the AWS SDK's shared base client,
 * `Client.prototype.send` in `@smithy/core`), in both load orders: both instrumentations run,
 * contrib's span is a child of aimeter's, and the metrics count each call once. Each order runs
 * in a fresh process (both patch when the SDK is loaded). Skipped, saying so, while the contrib
 * package is not installed (it is a devDependency: docs/instrumentations/bedrock.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const DIST = path.resolve(__dirname, '..', '..');

function installed(): boolean {
  try {
    require.resolve('@opentelemetry/instrumentation-aws-sdk');
    return true;
  } catch {
    // Not installed: the test below says it is skipped.
    return false;
  }
}

const SCRIPT = (contribFirst: boolean) => `
const { setupTelemetry } = require('./test/helpers/telemetry.js');
const { BedrockInstrumentation } = require('./instrumentations/bedrock/index.js');
const { AwsInstrumentation } = require('@opentelemetry/instrumentation-aws-sdk');
const { startFakeBedrock } = require('./examples/fake-provider/bedrock.js');
const t = setupTelemetry({ instrumentations: ${contribFirst ? '[new AwsInstrumentation(), new BedrockInstrumentation()]' : '[new BedrockInstrumentation(), new AwsInstrumentation()]'} });
const b = require('@aws-sdk/client-bedrock-runtime');
(async () => {
  const fake = await startFakeBedrock({ inputTokens: 100, outputTokens: 20 });
  const c = new b.BedrockRuntimeClient({ region: 'us-east-1', endpoint: fake.url, maxAttempts: 1, credentials: { accessKeyId: 'A', secretAccessKey: 'B' } });
  const input = { modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0', messages: [{ role: 'user', content: [{ text: 'hi' }] }] };
  await c.send(new b.ConverseCommand(input));
  for await (const _ of (await c.send(new b.ConverseStreamCommand(input))).stream);
  const spans = t.exporter.getFinishedSpans().map((s) => ({ scope: s.instrumentationScope.name, id: s.spanContext().spanId, parent: (s.parentSpanContext ?? {}).spanId }));
  const m = t.scrape();
  const total = (name, labels = {}) => m.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);
  console.log(JSON.stringify({ spans, input: total('aimeter_tokens_total', { gen_ai_token_type: 'input' }), calls: total('gen_ai_client_operation_duration_seconds_count') }));
  c.destroy();
  await fake.close();
  await t.shutdown();
})();
`;

for (const contribFirst of [false, true]) {
  test(`beside contrib's aws-sdk instrumentation (${contribFirst ? 'contrib' : 'aimeter'} registered first): nested spans, each call counted once`, { skip: !installed() && '@opentelemetry/instrumentation-aws-sdk is not installed' }, () => {
    const out = execFileSync(process.execPath, ['-e', SCRIPT(contribFirst)], { cwd: DIST, encoding: 'utf8', timeout: 60_000 });
    const { spans, input, calls } = JSON.parse(out.trim().split('\n').pop()!) as { spans: Array<{ scope: string; id: string; parent?: string }>; input: number; calls: number };
    const ours = spans.filter((s) => s.scope === 'aimeter/instrumentation-bedrock');
    const theirs = spans.filter((s) => s.scope === '@opentelemetry/instrumentation-aws-sdk');
    assert.equal(ours.length, 2, 'aimeter: one span per call');
    assert.equal(theirs.length, 2, 'contrib still runs: one span per call');
    assert.deepEqual(theirs.map((s) => ours.some((o) => o.id === s.parent)), [true, true], 'each contrib span is a child of an aimeter span');
    assert.equal(input, 200, 'input tokens of two calls, once');
    assert.equal(calls, 2, 'two calls, once each');
  });
}
