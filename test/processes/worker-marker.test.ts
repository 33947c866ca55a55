/**
 * role.ts tells a worker thread from the main thread without loading node:worker_threads (issue
 * 10, start-up): checked against worker_threads' own answer, in the main thread and in a real
 * Worker, on the running Node (the compatibility cells run Node 22 and 24).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { inWorkerThread } from '../../src/processes/role';

test('inWorkerThread agrees with worker_threads in the main thread and in a Worker', async () => {
  assert.equal(inWorkerThread(), false);
  const rolePath = path.join(__dirname, '..', '..', 'src', 'processes', 'role.js');
  const worker = new Worker(
    `const { parentPort, isMainThread } = require('node:worker_threads');
     parentPort.postMessage({ marker: require(${JSON.stringify(rolePath)}).inWorkerThread(), isMainThread });`,
    { eval: true },
  );
  const answer = await new Promise<{ marker: boolean; isMainThread: boolean }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.deepEqual(answer, { marker: true, isMainThread: false });
});

test('inWorkerThread without a module list falls back to worker_threads', () => {
  assert.equal(inWorkerThread(null), false, 'no list: worker_threads says main');
  assert.equal(inWorkerThread([]), false);
  assert.equal(inWorkerThread(['NativeModule internal/process/worker_thread_only']), true);
});
