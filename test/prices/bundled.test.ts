/**
 * The bundled price list is read at start-up from the JSON the build validated it into
 * (src/prices/bundled.ts): the same entries as the YAML, without loading the YAML parser or the
 * schema library; a YAML edited after the build is read instead.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BUNDLED_JSON, readBundled, type BundledJson } from '../../src/prices/bundled';
import { bundledPriceFilePath, readPriceFile } from '../../src/prices/price-book';
import { REPO_ROOT } from '../helpers/child-app';

test('the build wrote the entries the YAML validates to, with its checksum', () => {
  const json = JSON.parse(readFileSync(BUNDLED_JSON, 'utf8')) as BundledJson;
  assert.deepEqual(json.models, readPriceFile(bundledPriceFilePath()));
  let yamlRead = false;
  const models = readBundled(bundledPriceFilePath(), () => {
    yamlRead = true;
    return [];
  });
  assert.equal(yamlRead, false, 'the checksum matches: the JSON is used');
  assert.deepEqual(models, json.models);
});

test('a YAML edited after the build is read instead of the stale JSON', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'aimeter-prices-'));
  try {
    const edited = path.join(dir, 'prices.yaml');
    writeFileSync(edited, `${readFileSync(bundledPriceFilePath(), 'utf8')}\n# edited\n`);
    let readFrom: string | undefined;
    readBundled(edited, (file) => {
      readFrom = file;
      return [];
    });
    assert.equal(readFrom, edited);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loading the bundled prices loads neither the YAML parser nor zod', () => {
  const script = `const { PriceBook } = require(${JSON.stringify(path.join(REPO_ROOT, 'dist', 'src', 'prices', 'price-book.js'))});
const book = PriceBook.load({ userFile: null });
const loaded = Object.keys(require.cache).filter((k) => /node_modules[\\\\/](yaml|zod)[\\\\/]/.test(k));
process.stdout.write(JSON.stringify({ size: book.size, loaded }));`;
  const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { size: number; loaded: string[] };
  assert.ok(out.size > 10, `${out.size} priced models`);
  assert.deepEqual(out.loaded, []);
});
