/**
 * src/sdk/id-generator.ts: the TracerProvider's ids are W3C ids as sdk-trace's own generator makes
 * them (lowercase hex, 32 and 16 characters, not all zeros), distinct across pool refills.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidSpanId, isValidTraceId } from '@opentelemetry/api';
import { PooledIdGenerator } from '../../src/sdk/id-generator';

test('trace and span ids: valid W3C ids, lowercase hex, distinct across refills', () => {
  const ids = new PooledIdGenerator();
  const seen = new Set<string>();
  for (let i = 0; i < 5000; i++) {
    const traceId = ids.generateTraceId();
    const spanId = ids.generateSpanId();
    assert.match(traceId, /^[0-9a-f]{32}$/);
    assert.match(spanId, /^[0-9a-f]{16}$/);
    assert.ok(isValidTraceId(traceId) && isValidSpanId(spanId));
    seen.add(traceId).add(spanId);
  }
  assert.equal(seen.size, 10000);
});
