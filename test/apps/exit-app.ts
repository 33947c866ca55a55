/**
 * An app for the exit tests (test/lifecycle/): records GenAI spans through the plain OTel API
 * (run under the aimeter preload), prints "ready", then ends the way EXIT_MODE says:
 *   end            runs out of work (after EXIT_WORK_MS of calls every 100 ms, default none)
 *   signal-none    waits for a signal without handling it (Node's default action)
 *   signal-exit    SIGTERM handler calls process.exit(0) at once
 *   signal-flush   SIGTERM handler awaits aimeter's shutdown(), then process.exit(0)
 *   crash-flush    throws; an uncaughtException handler awaits shutdown(), then exits 1
 *   stdin          runs until its stdin ends, then runs out of work (no process.exit)
 * It prints "done <epoch ms>" when its own work is over, so a test can time what aimeter adds.
 */
import { trace } from '@opentelemetry/api';

const mode = process.env.EXIT_MODE ?? 'end';
const workMs = Number(process.env.EXIT_WORK_MS ?? '0');

function call(): void {
  trace
    .getTracer('exit-app')
    .startSpan('chat gpt-4o-mini', {
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 100,
        'gen_ai.usage.output_tokens': 20,
      },
    })
    .end();
}

function done(): void {
  process.stdout.write(`done ${Date.now()}\n`);
}

async function aimeterShutdown(): Promise<void> {
  // What the README tells a preload user to call: the package's shutdown(), found by name.
  const aimeter = require('aimeter') as { shutdown(): Promise<void> };
  await aimeter.shutdown();
}

call();
process.stdout.write('ready\n');

switch (mode) {
  case 'end': {
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started >= workMs) {
        clearInterval(timer);
        done();
        return;
      }
      call();
    }, 100);
    break;
  }
  case 'signal-none':
    setInterval(() => undefined, 1000);
    break;
  case 'signal-exit':
    setInterval(() => undefined, 1000);
    process.on('SIGTERM', () => {
      done();
      process.exit(0);
    });
    break;
  case 'signal-flush':
    setInterval(() => undefined, 1000);
    process.on('SIGTERM', () => {
      done();
      void aimeterShutdown().then(() => process.exit(0));
    });
    break;
  case 'crash-flush':
    process.on('uncaughtException', (error) => {
      process.stderr.write(`app crashed: ${error.message}\n`);
      done();
      void aimeterShutdown().then(() => process.exit(1));
    });
    setTimeout(() => {
      throw new Error('boom');
    }, 50);
    break;
  case 'stdin':
    process.stdin.resume();
    process.stdin.on('end', () => {
      done();
      process.stdin.destroy();
    });
    break;
  default:
    throw new Error(`unknown EXIT_MODE ${mode}`);
}
