/**
 * The kit's value helpers, defineInstrumentation() and the request/response wrapper, with
 * exact values. What every instrumentation reads provider data with must mean one thing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { internalErrorCounts } from '../../src/internal/errors';
import { packageVersion } from '../../src/internal/package-info';
import { defineInstrumentation } from '../../src/tracing/define';
import { GenAiSpan } from '../../src/tracing/genai-span';
import { fernServer, tracedRequestResponse } from '../../src/tracing/request-response';
import { codePoints, isAsyncIterable, isThenable, num, obj, serverOf, str } from '../../src/tracing/values';
import { INSTRUMENTATIONS } from '../../instrumentations';
import { REPO_ROOT } from '../helpers/child-app';

test('str / num / obj: one meaning each', () => {
  assert.equal(str('gpt-4o'), 'gpt-4o');
  assert.equal(str(''), undefined);
  assert.equal(str(5), undefined);
  assert.equal(num(0), 0);
  assert.equal(num(12.5), 12.5);
  assert.equal(num(-1), undefined);
  assert.equal(num(Number.NaN), undefined);
  assert.equal(num(Infinity), undefined);
  assert.equal(num('3'), undefined);
  assert.deepEqual(obj({ a: 1 }), { a: 1 });
  assert.equal(obj(null), undefined);
  assert.equal(obj('x'), undefined);
});

test('isThenable / isAsyncIterable', () => {
  assert.equal(isThenable(Promise.resolve(1)), true);
  assert.equal(isThenable({ then() {} }), true);
  const fn = Object.assign(() => 1, { then() {} });
  assert.equal(isThenable(fn), true);
  assert.equal(isThenable({ then: 1 }), false);
  assert.equal(isThenable(null), false);
  assert.equal(isAsyncIterable((async function* () {})()), true);
  assert.equal(isAsyncIterable([1]), false);
});

test('codePoints counts code points, not UTF-16 units', () => {
  assert.equal(codePoints('héllo'), 5);
  assert.equal(codePoints('👋🏽'), 2);
  assert.equal('👋🏽'.length, 4);
});

test('serverOf: host without IPv6 brackets, explicit or default port per scheme', () => {
  assert.deepEqual(serverOf('https://api.openai.com/v1'), { address: 'api.openai.com', port: 443 });
  assert.deepEqual(serverOf('http://127.0.0.1:8080/v1'), { address: '127.0.0.1', port: 8080 });
  assert.deepEqual(serverOf('http://[::1]:9000'), { address: '::1', port: 9000 });
  assert.deepEqual(serverOf('wss://api.deepgram.com'), { address: 'api.deepgram.com', port: 443 });
  assert.deepEqual(serverOf('ws://localhost'), { address: 'localhost', port: 80 });
  assert.deepEqual(serverOf('not a url'), {});
  assert.deepEqual(serverOf(undefined), {});
});

test('fernServer: baseUrl, else environment (a URL or {base}), else the default', () => {
  assert.deepEqual(fernServer({ baseUrl: 'http://127.0.0.1:1234' }, 'https://api.example.com'), { address: '127.0.0.1', port: 1234 });
  assert.deepEqual(fernServer({ environment: 'http://127.0.0.1:99' }, 'https://api.example.com'), { address: '127.0.0.1', port: 99 });
  assert.deepEqual(fernServer({ environment: { base: 'https://eu.example.com' } }, 'https://api.example.com'), { address: 'eu.example.com', port: 443 });
  assert.deepEqual(fernServer(undefined, 'https://api.example.com'), { address: 'api.example.com', port: 443 });
});

test('defineInstrumentation: scope, version, component label and marker follow one rule', () => {
  const d = defineInstrumentation<{ enabled?: boolean; extra?: number }>({ name: 'google-genai', defaults: { extra: 3 } });
  assert.equal(d.name, 'google-genai');
  assert.equal(d.scope, 'aimeter/instrumentation-google-genai');
  assert.equal(d.component, 'instrumentation-google-genai');
  assert.equal(d.version, packageVersion());
  assert.notEqual(d.version, 'unknown');
  assert.equal(d.marker, Symbol.for('aimeter.instrumentation-google-genai.original'));
  assert.deepEqual(d.defaults, { extra: 3 });
  assert.throws(() => defineInstrumentation({ name: 'Bad Name' }), /instrumentation name "Bad Name"/);
});

test('every registered instrumentation is built from the kit: scope aimeter/instrumentation-<name>, aimeter\'s version', () => {
  for (const entry of INSTRUMENTATIONS) {
    const instrumentation = entry.create();
    try {
      assert.equal(instrumentation.instrumentationName, `aimeter/instrumentation-${entry.name}`);
      assert.equal(instrumentation.instrumentationVersion, packageVersion());
    } finally {
      instrumentation.disable();
    }
  }
});

function tracer() {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, tracer: provider.getTracer('test') };
}

test('tracedRequestResponse: the value and the error reach the caller unchanged; telemetry failures are counted', async () => {
  const { exporter, tracer: t } = tracer();
  const value = { data: { ok: true } };
  const failure = new Error('sdk failed');
  const sdk = async function (this: unknown, mode: unknown) {
    if (mode === 'fail') throw failure;
    return value;
  };
  const traced = tracedRequestResponse('test-kit', sdk as never, {
    start: () => GenAiSpan.start(t, { operation: 'speech_to_text', provider: 'deepgram', requestModel: 'nova-3' }),
    settle: (span, result) => {
      span.setAudioDuration((result as { data: { ok: boolean } }).data.ok ? 2 : 0);
      span.end();
    },
  });
  assert.equal(await traced.call(undefined, 'ok'), value);
  await assert.rejects(traced.call(undefined, 'fail') as Promise<unknown>, (e) => e === failure);
  const spans = exporter.getFinishedSpans();
  assert.deepEqual(
    spans.map((s) => [s.name, s.attributes['aimeter.speech.audio.duration'], s.attributes['error.type']]),
    [
      ['speech_to_text nova-3', 2, undefined],
      ['speech_to_text nova-3', undefined, 'Error'],
    ],
  );

  const before = internalErrorCounts().get('test-kit') ?? 0;
  const broken = tracedRequestResponse('test-kit', sdk as never, {
    start: () => {
      throw new Error('boom in telemetry');
    },
    settle: () => {},
  });
  assert.equal(await broken.call(undefined, 'ok'), value, 'runs untraced');
  const throwingSettle = tracedRequestResponse('test-kit', sdk as never, {
    start: () => GenAiSpan.start(t, { operation: 'speech_to_text' }),
    settle: () => {
      throw new Error('boom in settle');
    },
  });
  assert.equal(await throwingSettle.call(undefined, 'ok'), value);
  assert.equal(internalErrorCounts().get('test-kit'), before + 2);
});

test("every instrumentation labels its swallowed errors with its definition's component, never a literal", () => {
  const root = path.join(REPO_ROOT, 'instrumentations');
  const literal = /\b(?:swallow|recordInternalError)\(\s*['"`]|\bCOMPONENT\s*=\s*['"`]/;
  const offenders: string[] = [];
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (literal.test(line)) offenders.push(`${path.relative(root, file)}:${i + 1}: ${line.trim()}`);
      });
  }
  // The same label for one instrumentation everywhere in it (aimeter_internal_errors_total).
  assert.deepEqual(offenders, []);
});
