// ESM twin of span-app.ts: same span, loaded with `node --import aimeter/register`.
import { trace } from '@opentelemetry/api';

const span = trace.getTracer('span-app').startSpan('chat gpt-4o-mini', {
  attributes: {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.usage.input_tokens': 1000,
    'gen_ai.usage.output_tokens': 200,
  },
});
span.end();
process.stdout.write('ready\n');
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
