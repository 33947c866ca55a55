/**
 * The app PM2 runs in the PM2 test: APP_CALLS calls with the real `openai` SDK against its own
 * fake OpenAI server, then it stays up (a PM2 app that exits is restarted) until PM2 stops it.
 */
import { startFakeOpenAI } from '../../../examples/fake-provider/openai';
import { makeCalls } from './calls';

async function main(): Promise<void> {
  const fake = await startFakeOpenAI();
  await makeCalls(fake.url, Number(process.env.APP_CALLS ?? '5'));
  process.stdout.write(`instance ${process.env.NODE_APP_INSTANCE} done\n`);
  setInterval(() => undefined, 60_000);
}
void main();
