/**
 * An app that makes its LLM calls in worker_threads: the main thread starts the fake OpenAI
 * server and APP_THREADS threads (default 2), each making APP_CALLS / APP_THREADS calls with the
 * real `openai` SDK; "ready" once every thread has exited. Exits when stdin closes.
 */
import { Worker, isMainThread, workerData } from 'node:worker_threads';
import { startFakeOpenAI } from '../../../examples/fake-provider/openai';
import { makeCalls } from './calls';

async function main(): Promise<void> {
  const threads = Number(process.env.APP_THREADS ?? '2');
  const calls = Number(process.env.APP_CALLS ?? '10');
  const fake = await startFakeOpenAI();
  process.stdin.resume();
  process.stdin.on('end', () => void fake.close().then(() => process.exit(0)));
  const exits: Promise<number>[] = [];
  for (let i = 0; i < threads; i++) {
    const worker = new Worker(__filename, { workerData: { url: fake.url, count: calls / threads } });
    // The app's own message handler must never see aimeter's records.
    worker.on('message', (message) => process.stdout.write(`main saw a message not its own: ${JSON.stringify(message)}\n`));
    exits.push(new Promise((resolve) => worker.once('exit', resolve)));
  }
  const codes = await Promise.all(exits);
  process.stdout.write(`threads exited ${codes.join(',')}\nready\n`);
}

if (isMainThread) void main();
else void makeCalls((workerData as { url: string }).url, (workerData as { count: number }).count);
