/**
 * One LLM call with the real `openai` SDK against the fake OpenAI server, then "ready"; exits when
 * stdin closes. Run under package managers (npm start, npx) and as two copies on one port.
 */
import { startFakeOpenAI } from '../../../examples/fake-provider/openai';
import { makeCalls } from './calls';

async function main(): Promise<void> {
  const fake = await startFakeOpenAI();
  await makeCalls(fake.url, Number(process.env.APP_CALLS ?? '1'));
  process.stdout.write(`pid ${process.pid}\nready\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void fake.close().then(() => process.exit(0)));
}
void main();
