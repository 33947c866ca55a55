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
  /** `openai` from the main devDependencies (6) or a fixture (4, 7). */
  readonly openai: 4 | 6 | 7;
  readonly entry: Entry;
}

export const CELLS: readonly Cell[] = [
  { id: 'node20-otel2-openai6-require', node: 20, otel: 2, openai: 6, entry: 'require' },
  { id: 'node20-otel2-openai6-import', node: 20, otel: 2, openai: 6, entry: 'import' },
  { id: 'node20-otel2-openai4-require', node: 20, otel: 2, openai: 4, entry: 'require' },
  { id: 'node22-otel2-openai6-require', node: 22, otel: 2, openai: 6, entry: 'require' },
  { id: 'node22-otel2-openai7-import', node: 22, otel: 2, openai: 7, entry: 'import' },
  { id: 'node24-otel2-openai6-import', node: 24, otel: 2, openai: 6, entry: 'import' },
  { id: 'node22-otel3-openai6-require', node: 22, otel: 3, openai: 6, entry: 'require' },
  { id: 'node24-otel3-openai6-import', node: 24, otel: 3, openai: 6, entry: 'import' },
];

/** OTel JS 3.x packages declare engines node >= 22.15. */
export const OTEL3_MIN_NODE: readonly [number, number] = [22, 15];
