/**
 * The loopback OpenAI server for the overhead benchmark, in a process of its own so that the
 * client processes' CPU figures are the client's alone. Reports its base URL over IPC and runs
 * until the parent disconnects.
 *
 * Usage (forked by overhead/index.ts): node dist/bench/overhead/server.js
 */
import { startFakeOpenAI } from '../../examples/fake-provider/openai';
import { report } from '../lib/stats';

async function main(): Promise<void> {
  const fake = await startFakeOpenAI({ keepAliveTimeoutMs: 600_000 });
  // The fake records every request for tests; a benchmark sends hundreds of thousands.
  setInterval(() => fake.requests.splice(0), 1000).unref();
  process.on('disconnect', () => void fake.close().then(() => process.exit(0)));
  process.send?.({ url: fake.url });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    report({ error: String(error) });
  });
}
