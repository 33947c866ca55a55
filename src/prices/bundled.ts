/**
 * The bundled price list, fast: `npm run build` (scripts/build-prices.js) validates
 * prices/prices.yaml once and writes the entries to dist/src/prices/bundled-prices.json with a
 * checksum of the YAML text. At start-up the JSON is used when the checksum still matches the
 * YAML next to it, so neither the YAML parser nor the schema library is loaded (about 100 ms and
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
  /** checksum() of the prices.yaml text the entries were validated from. */
  readonly yamlChecksum: string;
  readonly models: PriceFileEntry[];
}

/** FNV-1a over the text: enough to notice an edit, and no crypto module to load. */
export function checksum(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return `${text.length}-${(hash >>> 0).toString(16)}`;
}

export function readBundled(yamlFile: string, readYaml: (file: string) => PriceFileEntry[]): PriceFileEntry[] {
  let json: BundledJson | undefined;
  try {
    json = JSON.parse(fs.readFileSync(BUNDLED_JSON, 'utf8')) as BundledJson;
  } catch {
    json = undefined;
  }
  if (json && Array.isArray(json.models) && json.yamlChecksum === checksum(fs.readFileSync(yamlFile, 'utf8'))) return json.models;
  return readYaml(yamlFile);
}
