/**
 * Google Gen AI SDK (`@google/genai` 1.x and 2.x), Gemini Developer API and Vertex AI:
 * `models.generateContent`, `models.generateContentStream` and `models.embedContent`.
 *
 * Targets: the public methods are per-instance arrow functions (automatic function calling and
 * continuations may make several HTTP calls for one), so aimeter wraps the prototype methods they
 * call once per HTTP call: `Models.prototype.generateContentInternal`,
 * `generateContentStreamInternal` and `embedContentInternal`. One span per HTTP call:
 * `generate_content {model}`, provider `gcp.gemini` (or `gcp.vertex_ai` for a Vertex client),
 * usage from `usageMetadata` (response.ts), the stream observed chunk by chunk (time to first
 * chunk, chunk count, the last chunk's usage). Built on the kit (docs/instrumentations/adding.md).
 * See docs/instrumentations/google-genai.md.
 */
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { defineInstrumentation, KitInstrumentation } from '../../src/tracing/define';
import type { Kind, ModelsLike } from './spans';

export const GOOGLE_GENAI = defineInstrumentation({ name: 'google-genai' });
export const GOOGLE_GENAI_INSTRUMENTATION_NAME = GOOGLE_GENAI.name;

const MODULE = '@google/genai';
const SUPPORTED = ['>=1.0.0 <3'];


/**
 * The prototype method patched per kind: the first of the names the prototype has. 1.0 (up to
 * some 1.x) has `embedContent` itself on the prototype, one HTTP call; later releases make it a
 * per-instance arrow function over `embedContentInternal`.
 */
const TARGETS: ReadonlyArray<readonly [readonly string[], Kind]> = [
  [['generateContentInternal'], 'generate'],
  [['generateContentStreamInternal'], 'stream'],
  [['embedContentInternal', 'embedContent'], 'embed'],
];

export class GoogleGenAiInstrumentation extends KitInstrumentation {
  constructor(config: InstrumentationConfig = {}) {
    super(GOOGLE_GENAI, config);
  }

  protected init() {
    return [this.entryModule(MODULE, SUPPORTED)];
  }

  protected override patchExports(exports: unknown): void {
    // The span code is loaded with the SDK, not at start-up (issue 10).
    const { tracedRequestResponse } = require('../../src/tracing/request-response') as typeof import('../../src/tracing/request-response');
    const { obj } = require('../../src/tracing/values') as typeof import('../../src/tracing/values');
    const { settle, startSpan } = require('./spans') as typeof import('./spans');
    const tracer = () => this.tracer;
    const component = this.component;
    const prototype = modelsPrototype(exports) as Record<string, unknown> | undefined;
    for (const [methods, kind] of TARGETS) {
      const method = methods.find((name) => typeof prototype?.[name] === 'function');
      if (method === undefined) continue;
      this.patcher.wrap(prototype, method, (original) =>
        tracedRequestResponse(component, original, {
          start: (self, args) => startSpan(tracer(), self as ModelsLike, obj(args[0]), kind),
          settle: (span, result) => settle(span, result, kind),
        }),
      );
    }
  }

  protected override unpatchExports(exports: unknown): void {
    for (const [methods] of TARGETS) for (const method of methods) this.patcher.unwrap(modelsPrototype(exports), method);
  }
}

function modelsPrototype(exports: unknown): object | undefined {
  const e = exports as { Models?: { prototype?: object }; default?: { Models?: { prototype?: object } } } | undefined;
  return (e?.Models ?? e?.default?.Models)?.prototype;
}

/** `models/gemini-2.5-flash` and `gemini-2.5-flash` name the same model (the price list's spelling). */
