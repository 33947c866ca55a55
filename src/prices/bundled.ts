/**
 * The bundled price list, fast: `npm run build` (scripts/build-prices.js) validates
 * prices/prices.yaml once and writes the entries to dist/src/prices/bundled-prices.json with a
 * copy of the YAML text. At start-up the JSON is used when that text is still the YAML next to
 * it, so neither the YAML parser nor the schema library is loaded (about 100 ms and
 * 170 modules of the preload's start-up, docs/performance.md); otherwise (an edited YAML, a
 * build without the step) `readYaml` reads the YAML as before.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../internal/package-info';
import type { PriceFileEntry } from './schema';

/** Found from the package root, not this file's folder: this code also runs from dist/bundle/aimeter.cjs. */
export const BUNDLED_JSON = path.join(packageRoot(), 'dist', 'src', 'prices', 'bundled-prices.json');

export interface BundledJson {
  /**
   * The prices.yaml text the entries were validated from. Compared whole: a string comparison is
   * native code, where a checksum loop over 13 KB of text was hot enough for V8 to optimise it,
   * the first optimisation of a process costing about 3.5 MB of RSS at start-up.
   */
  readonly yamlText: string;
  readonly models: PriceFileEntry[];
}

export function readBundled(yamlFile: string, readYaml: (file: string) => PriceFileEntry[]): PriceFileEntry[] {
  let json: BundledJson | undefined;
  try {
    json = JSON.parse(fs.readFileSync(BUNDLED_JSON, 'utf8')) as BundledJson;
  } catch {
    json = undefined;
  }
  if (json && Array.isArray(json.models) && json.yamlText === fs.readFileSync(yamlFile, 'utf8')) return json.models;
  return readYaml(yamlFile);
}
