/**
 * Differential: every scenario runs without aimeter (its wrapper removed) and with it, for both
 * SDK versions and both tracing modes; what the caller observes must be identical (values,
 * events in order, helper callbacks, final message, error class/status/message/body).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { internalErrorCounts } from '../../src/internal/errors';
import { startFakeAnthropic, type FakeAnthropic } from '../../examples/fake-provider/anthropic';
import { isPatched, makeClient, MODES, outcome, SCENARIO_RUNS, setupHarness, withoutAimeter, type Harness } from './harness';

let h: Harness;
let fake: FakeAnthropic;

before(async () => {
  h = setupHarness();
  fake = await startFakeAnthropic({ chunkDelayMs: 1 });
});

after(async () => {
  await fake.close();
  await h.telemetry.shutdown();
});

test('aimeter is installed on both SDK copies (0.137.0 and 1.12.0)', () => {
  assert.ok(isPatched(h.v0));
  assert.ok(isPatched(h.v1));
  assert.notEqual(h.v0.Anthropic, h.v1.Anthropic, 'two distinct SDK copies are loaded');
});

for (const mode of MODES) {
  describe(`${mode}: with and without aimeter the caller sees the same`, () => {
    for (const [name, run] of Object.entries(SCENARIO_RUNS)) {
      test(name, async () => {
        const sdk = mode.startsWith('v0') ? h.v0 : h.v1;
        const client = makeClient(sdk, mode, fake.url);
        const without = await withoutAimeter(sdk, () => outcome(() => run(client)));
        h.telemetry.exporter.reset();
        const withAimeter = await outcome(() => run(client));
        assert.deepEqual(withAimeter, without);
        // And the instrumented run was traced (one span, by aimeter or by the SDK).
        await waitFor(() => h.telemetry.exporter.getFinishedSpans().length > 0);
        const scopes = h.telemetry.exporter.getFinishedSpans().map((s) => s.instrumentationScope.name);
        const expected = mode.endsWith('own') ? 'aimeter/instrumentation-anthropic' : 'com.anthropic.sdk.typescript';
        assert.deepEqual(scopes, [expected], `one span per call, from ${expected}`);
      });
    }
  });
}

async function waitFor(condition: () => boolean, ms = 1000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition() && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
}

test('no internal aimeter error was swallowed in any of the runs above', () => {
  assert.deepEqual(Object.fromEntries(internalErrorCounts()), {});
});
