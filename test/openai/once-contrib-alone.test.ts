/** See contrib-scenarios.ts: the same calls give the same metrics under every set-up. */
import { test } from 'node:test';
import { runScenarios } from './contrib-scenarios';

test("instrumentations ['contrib']: tokens, dollars and durations counted exactly once per call", async () => {
  await runScenarios(['contrib']);
});
