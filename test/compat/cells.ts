/**
 * The compatibility matrix: one cell per combination that the suite runs (matrix.test.ts) and
 * that the README's "Compatibility" table lists (readme-table.test.ts checks that they agree).
 * Each cell runs the same unmodified OpenAI app (apps/openai-server.ts) in a child process under
 * aimeter's preload and checks its /metrics series and its span chain.
 */
export type Entry = 'require' | 'import';

export interface Cell {
  /** Also the cell's OTEL_SERVICE_NAME, which tells its spans apart at the shared OTLP receiver. */
  readonly id: string;
  readonly node: 20 | 22 | 24;
  /** 2: the OTel JS set aimeter depends on; 3: test/fixtures/otel-v3 (sandbox.ts). */
  readonly otel: 2 | 3;
  /**
   * `openai` from the main devDependencies ('6') or the fixture test/fixtures/openai-v<this>:
   * '4.0' is 4.0.0, the oldest release the instrumentation's range accepts; '4' is 4.104.0.
   */
  readonly openai: '4.0' | '4' | '6' | '7';
  readonly entry: Entry;
}

export const CELLS: readonly Cell[] = [
  { id: 'node20-otel2-openai6-require', node: 20, otel: 2, openai: '6', entry: 'require' },
  { id: 'node20-otel2-openai6-import', node: 20, otel: 2, openai: '6', entry: 'import' },
  { id: 'node20-otel2-openai4.0-import', node: 20, otel: 2, openai: '4.0', entry: 'import' },
  { id: 'node20-otel2-openai4-require', node: 20, otel: 2, openai: '4', entry: 'require' },
  { id: 'node22-otel2-openai6-require', node: 22, otel: 2, openai: '6', entry: 'require' },
  { id: 'node22-otel2-openai7-import', node: 22, otel: 2, openai: '7', entry: 'import' },
  { id: 'node24-otel2-openai6-import', node: 24, otel: 2, openai: '6', entry: 'import' },
  { id: 'node22-otel3-openai6-require', node: 22, otel: 3, openai: '6', entry: 'require' },
  { id: 'node24-otel3-openai6-import', node: 24, otel: 3, openai: '6', entry: 'import' },
];

/** OTel JS 3.x packages declare engines node >= 22.15. */
export const OTEL3_MIN_NODE: readonly [number, number] = [22, 15];

/**
 * The SDK cells (sdk-matrix.test.ts): the oldest release each instrumentation's hook accepts
 * (test/fixtures/sdk-oldest, one install for all but langchain's agents), driven by
 * apps/sdk-app.ts under the preload on Node 20 and OTel JS 2.x. The newest release of each is the main devDependency, run by the
 * SDK's own test files (README "Compatibility").
 */
export interface SdkCell {
  readonly id: string;
  readonly node: 20 | 22 | 24;
  /** The scenario of apps/sdk-app.ts, and the fake it talks to. */
  readonly sdk: 'anthropic' | 'gemini' | 'deepgram' | 'elevenlabs' | 'bedrock' | 'vercel-ai' | 'langchain' | 'langchain-agent' | 'openai-agents';
  /** The package the instrumentation hooks, and its version in the cell's fixture. */
  readonly module: string;
  readonly version: string;
  readonly entry: Entry;
  /** The fixture under test/fixtures that holds the packages: sdk-oldest unless said. */
  readonly fixture?: string;
}

export const SDK_CELLS: readonly SdkCell[] = [
  { id: 'node20-anthropic0.20-require', node: 20, sdk: 'anthropic', module: '@anthropic-ai/sdk', version: '0.20.0', entry: 'require' },
  { id: 'node20-genai1.0-import', node: 20, sdk: 'gemini', module: '@google/genai', version: '1.0.0', entry: 'import' },
  { id: 'node20-deepgram5.0-require', node: 20, sdk: 'deepgram', module: '@deepgram/sdk', version: '5.0.0', entry: 'require' },
  { id: 'node20-elevenlabs2.0-require', node: 20, sdk: 'elevenlabs', module: '@elevenlabs/elevenlabs-js', version: '2.0.1', entry: 'require' },
  { id: 'node20-bedrock3.422-require', node: 20, sdk: 'bedrock', module: '@aws-sdk/client-bedrock-runtime', version: '3.422.0', entry: 'require' },
  { id: 'node20-ai6.0-require', node: 20, sdk: 'vercel-ai', module: 'ai', version: '6.0.0', entry: 'require' },
  { id: 'node20-langchain1.0-require', node: 20, sdk: 'langchain', module: '@langchain/core', version: '1.0.0', entry: 'require' },
  { id: 'node20-langchain-agent1.0-require', node: 20, sdk: 'langchain-agent', module: 'langchain', version: '1.0.1', entry: 'require', fixture: 'langchain-oldest' },
  { id: 'node20-agents0.1-require', node: 20, sdk: 'openai-agents', module: '@openai/agents-core', version: '0.1.0', entry: 'require' },
];
