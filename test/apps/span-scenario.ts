/**
 * What the span apps do (span-app.ts: CommonJS, span-app.mts: ESM), given the OpenTelemetry API
 * of their own module system: record one GenAI span through the plain API (no aimeter import),
 * say "ready", and stay up until stdin closes.
 */
import type { TraceAPI } from '@opentelemetry/api';

export function runApp(trace: TraceAPI): void {
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
}
