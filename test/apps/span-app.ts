/**
 * A tiny app run under the preload by test/core/preload.test.ts: it records one GenAI span
 * through the plain OpenTelemetry API (no aimeter import), says "ready", and stays up until
 * its stdin closes.
 */
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
