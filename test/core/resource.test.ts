/**
 * The resource's `service.instance.id` (src/sdk/resource.ts): a UUID version 4 per process made
 * without node:crypto (issue 10, start-up), distinct across processes even when V8's randomness is
 * the same (a fixed --random-seed), and OTEL_RESOURCE_ATTRIBUTES still able to set it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createResource, randomInstanceId } from '../../src/sdk/resource';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('a UUID version 4, and a new one each time', () => {
  const ids = new Set(Array.from({ length: 1000 }, () => randomInstanceId()));
  assert.equal(ids.size, 1000);
  for (const id of ids) assert.match(id, UUID_V4);
});

test('the same randomness in two processes still gives two ids (pid and clock mixed in)', () => {
  const fixed = () => 0.5;
  const a = randomInstanceId(fixed, 1234, 1_000_000n);
  assert.notEqual(a, randomInstanceId(fixed, 1235, 1_000_000n));
  assert.notEqual(a, randomInstanceId(fixed, 1234, 1_000_001n));
  assert.match(a, UUID_V4);
  // Two real processes with the same fixed V8 seed.
  const script = "console.log(require('./dist/src/sdk/resource.js').randomInstanceId())";
  const run = () => execFileSync(process.execPath, ['--random-seed=7', '-e', script], { cwd: `${__dirname}/../../..`, encoding: 'utf8' }).trim();
  assert.notEqual(run(), run());
});

test('on the resource, unless OTEL_RESOURCE_ATTRIBUTES sets it', () => {
  assert.match(String(createResource(undefined).attributes['service.instance.id']), UUID_V4);
  const saved = process.env.OTEL_RESOURCE_ATTRIBUTES;
  process.env.OTEL_RESOURCE_ATTRIBUTES = 'service.instance.id=pod-7';
  try {
    assert.equal(createResource(undefined).attributes['service.instance.id'], 'pod-7');
  } finally {
    if (saved === undefined) delete process.env.OTEL_RESOURCE_ATTRIBUTES;
    else process.env.OTEL_RESOURCE_ATTRIBUTES = saved;
  }
});
