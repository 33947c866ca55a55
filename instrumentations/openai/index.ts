/**
 * OpenTelemetry instrumentation for the `openai` package (>= 4.0.0 < 8): chat completions, the
 * Responses API, embeddings, audio transcriptions / translations (speech_to_text) and audio speech
 * (text_to_speech). One CLIENT span per SDK call (`{operation} {model}`), with the GenAI semconv
 * attributes aimeter's processor turns into metrics. The SDK's helpers (`chat.completions.stream`,
 * `.parse`, `.runTools`, `responses.stream`, `responses.parse`) all call these `create` methods,
 * so they get one span per HTTP call.
 *
 * See docs/instrumentations/openai.md.
 */
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { defineInstrumentation, KitInstrumentation } from '../../src/tracing/define';
import type { CallKind, OpenAICall } from './call';

/**
 * What a traced call runs, loaded when `openai` is (the first patchExports): start-up loads the
 * hook alone (issue 10: about ten modules fewer for an app that never loads the SDK).
 */
interface CallCode {
  readonly runtimeSettings: typeof import('../../src/config/runtime').runtimeSettings;
  readonly isInstrumentationWrapper: typeof import('../../src/tracing/call-scope').isInstrumentationWrapper;
  readonly OpenAICall: typeof import('./call').OpenAICall;
  readonly endpointOf: typeof import('./provider').endpointOf;
  readonly retryWithoutStreamUsage: typeof import('./stream-usage').retryWithoutStreamUsage;
  readonly withStreamUsage: typeof import('./stream-usage').withStreamUsage;
}
let callCode: CallCode | undefined;
function loadCallCode(): CallCode {
  if (callCode) return callCode;
  const { runtimeSettings } = require('../../src/config/runtime') as typeof import('../../src/config/runtime');
  const { isInstrumentationWrapper } = require('../../src/tracing/call-scope') as typeof import('../../src/tracing/call-scope');
  const { OpenAICall } = require('./call') as typeof import('./call');
  const { endpointOf } = require('./provider') as typeof import('./provider');
  const { retryWithoutStreamUsage, withStreamUsage } = require('./stream-usage') as typeof import('./stream-usage');
  return (callCode = { runtimeSettings, isInstrumentationWrapper, OpenAICall, endpointOf, retryWithoutStreamUsage, withStreamUsage });
}

export interface OpenAIInstrumentationConfig extends InstrumentationConfig {
  /**
   * Names the provider of a client from its base URL (return undefined to use the built-in
   * detection), e.g. for a self-hosted vLLM: `(url) => url.includes(':8000') ? 'vllm' : undefined`.
   */
  providerForBaseURL?: (baseURL: string) => string | undefined;
}

export const OPENAI = defineInstrumentation<OpenAIInstrumentationConfig>({ name: 'openai' });
/** Short name (OTEL_NODE_DISABLED_INSTRUMENTATIONS, the registry). */
export const name = OPENAI.name;

type AnyFunction = (...args: unknown[]) => unknown;

/** Where each instrumented method lives on the `OpenAI` class of a module. */
const TARGETS: ReadonlyArray<{ kind: CallKind; path: readonly string[] }> = [
  { kind: 'chat', path: ['Chat', 'Completions'] },
  { kind: 'responses', path: ['Responses'] },
  { kind: 'embeddings', path: ['Embeddings'] },
  { kind: 'transcription', path: ['Audio', 'Transcriptions'] },
  { kind: 'translation', path: ['Audio', 'Translations'] },
  { kind: 'speech', path: ['Audio', 'Speech'] },
];

function openAIClass(moduleExports: any): any {
  if (!moduleExports) return undefined;
  // ESM namespace (import-in-the-middle) or CommonJS exports: both carry `OpenAI`.
  return moduleExports.OpenAI ?? moduleExports.default?.OpenAI ?? moduleExports.default;
}

function prototypeAt(root: any, path: readonly string[]): any {
  let cls = root;
  for (const key of path) cls = cls?.[key];
  return typeof cls === 'function' ? cls.prototype : undefined;
}

export class OpenAIInstrumentation extends KitInstrumentation<OpenAIInstrumentationConfig> {
  constructor(config: OpenAIInstrumentationConfig = {}) {
    super(OPENAI, config);
  }

  protected init() {
    // Every 4.x: up to 4.12.1 a Stream has no own `iterator` and is read through
    // Symbol.asyncIterator (call.ts), which the oldest matrix cell (4.0.0) checks.
    return [this.entryModule('openai', ['>=4.0.0 <8'])];
  }

  /** `create` of each target, wrapped by the kit's patcher (coexists with contrib: src/tracing/patcher.ts). */
  protected override patchExports(moduleExports: unknown): void {
    const root = openAIClass(moduleExports);
    loadCallCode();
    for (const { kind, path } of TARGETS) {
      this.patcher.wrap(prototypeAt(root, path), 'create', (original) => this.patchedCreate(kind, original as AnyFunction));
    }
  }

  protected override unpatchExports(moduleExports: unknown): void {
    const root = openAIClass(moduleExports);
    for (const { path } of TARGETS) this.patcher.unwrap(prototypeAt(root, path), 'create');
    (require('../../src/tracing/api-promise') as typeof import('../../src/tracing/api-promise')).unhookApiPromises();
  }

  private patchedCreate(kind: CallKind, original: AnyFunction): (this: unknown, ...args: unknown[]) => unknown {
    const instrumentation = this;
    const { isInstrumentationWrapper, retryWithoutStreamUsage } = loadCallCode();
    // Another instrumentation's wrapper inside ours: enter our span's context so its span nests.
    const enter = isInstrumentationWrapper(original);
    // try/catch rather than swallow(): no closures per call on this path.
    const patched = function (this: unknown, ...args: unknown[]): unknown {
      if (!instrumentation.isEnabled()) return original.apply(this, args);
      let started: { call: OpenAICall; callArgs: unknown[]; injectedUsage: boolean } | undefined;
      try {
        started = instrumentation.begin(kind, this, args);
      } catch (error) {
        instrumentation.internalError(error);
      }
      if (started === undefined) return original.apply(this, args);
      const { call, callArgs, injectedUsage } = started;
      let result: unknown;
      try {
        result = call.span.call(original, this, callArgs, enter);
      } catch (error) {
        try {
          call.fail(error);
        } catch (e) {
          instrumentation.internalError(e);
        }
        throw error;
      }
      try {
        if (injectedUsage) {
          const self = this;
          retryWithoutStreamUsage(result, call.server, () => call.span.call(original, self, args, enter), () => call.usageNoLongerInjected(), OPENAI.component);
        }
        call.observe(result);
      } catch (error) {
        instrumentation.internalError(error);
      }
      return result;
    };
    return patched;
  }

  private begin(kind: CallKind, resource: unknown, args: unknown[]): { call: OpenAICall; callArgs: unknown[]; injectedUsage: boolean } | undefined {
    const body = args[0];
    if (body === null || typeof body !== 'object') return undefined;
    const { runtimeSettings, endpointOf, withStreamUsage, OpenAICall } = loadCallCode();
    const settings = runtimeSettings();
    const client = (resource as { _client?: unknown } | null)?._client;
    const endpoint = endpointOf(client, this.getConfig().providerForBaseURL);
    let callBody = body as Record<string, any>;
    let callArgs = args;
    let injectedUsage = false;
    const withUsage =
      kind === 'chat' && settings.openaiStreamUsage
        ? withStreamUsage(callBody, { address: endpoint.serverAddress, port: endpoint.serverPort })
        : undefined;
    if (withUsage) {
      callBody = withUsage;
      callArgs = [callBody, ...args.slice(1)];
      injectedUsage = true;
    }
    const call = new OpenAICall({
      tracer: this.tracer,
      kind,
      body: callBody,
      endpoint,
      captureContent: settings.captureMessageContent,
      injectedUsage,
      component: this.component,
    });
    return { call, callArgs, injectedUsage };
  }
}
