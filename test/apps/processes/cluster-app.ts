/**
 * A Node `cluster` app: the primary starts the fake OpenAI server and forks APP_WORKERS workers
 * (default 2); each worker makes APP_CALLS / APP_WORKERS calls, then tells the primary. "ready"
 * once every worker is done. APP_WORKERS=0: the primary makes all the calls itself (the
 * single-process figures the cluster's sum must equal). APP_BARE_WORKER=1: one more worker
 * without the preload. Exits when stdin closes.
 */
import cluster from 'node:cluster';
import { startFakeOpenAI } from '../../../examples/fake-provider/openai';
import { makeCalls } from './calls';

const workers = Number(process.env.APP_WORKERS ?? '2');
const calls = Number(process.env.APP_CALLS ?? '10');

async function primary(): Promise<void> {
  const fake = await startFakeOpenAI();
  const exit = () => void fake.close().then(() => process.exit(0));
  process.stdin.resume();
  process.stdin.on('end', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill();
    exit();
  });
  if (workers === 0) {
    await makeCalls(fake.url, calls);
    process.stdout.write('ready\n');
    return;
  }
  // APP_BARE_WORKER=1: one more worker, forked without the preload (it makes no calls).
  const bare = process.env.APP_BARE_WORKER === '1';
  const expected = workers + (bare ? 1 : 0);
  let done = 0;
  // The app's own handlers must never see aimeter's IPC traffic.
  const onMessage = (message: { app?: string }) => {
    if (message?.app !== 'done') process.stdout.write(`primary saw a message not its own: ${JSON.stringify(message)}\n`);
    else if (++done === expected) process.stdout.write('ready\n');
  };
  for (let i = 0; i < workers; i++) {
    cluster.fork({ APP_FAKE_URL: fake.url, APP_CALLS_EACH: String(calls / workers) }).on('message', onMessage);
  }
  if (bare) {
    cluster.setupPrimary({ execArgv: [] });
    cluster.fork({ APP_BARE: '1' }).on('message', onMessage);
  }
}

async function worker(): Promise<void> {
  process.on('message', (message) => process.stdout.write(`worker saw a message not its own: ${JSON.stringify(message)}\n`));
  if (process.env.APP_BARE === '1') return void process.send!({ app: 'done' });
  await makeCalls(process.env.APP_FAKE_URL!, Number(process.env.APP_CALLS_EACH));
  process.send!({ app: 'done' });
}

void (cluster.isPrimary ? primary() : worker());
