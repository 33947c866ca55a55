import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundledPriceFilePath, PriceBook, PRICES_ENV_VAR, readPriceFile } from '../../src/prices/price-book';
import { parsePriceFile, PriceFileError } from '../../src/prices/schema';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'aimeter-prices-'));
}

function loadWith(userFile: string): { book: PriceBook; warnings: string[] } {
  const warnings: string[] = [];
  const book = PriceBook.load({ userFile, onWarning: (message) => warnings.push(message) });
  return { book, warnings };
}

const bundledBook = PriceBook.load({ userFile: null, onWarning: (message) => assert.fail(message) });

function matched(provider: string | undefined, model: string): string | undefined {
  const price = bundledBook.lookup(provider, model);
  return price && `${price.provider}/${price.model}`;
}

const REQUIRED: Record<string, string[]> = {
  openai: [
    'gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'gpt-4o', 'gpt-4o-mini',
    'o3', 'o4-mini', 'o1', 'text-embedding-3-small', 'text-embedding-3-large', 'whisper-1',
    'gpt-4o-transcribe', 'gpt-4o-mini-transcribe', 'tts-1', 'tts-1-hd', 'gpt-4o-mini-tts',
  ],
  anthropic: [
    'claude-opus-4-5', 'claude-opus-4-1', 'claude-sonnet-4-5', 'claude-sonnet-4', 'claude-haiku-4-5',
    'claude-3-7-sonnet', 'claude-3-5-sonnet', 'claude-3-5-haiku',
  ],
  'gcp.gemini': ['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite', 'gemini-2.0-flash'],
  deepgram: ['nova-3', 'nova-2'],
  elevenlabs: ['eleven_multilingual_v2', 'eleven_flash_v2_5', 'eleven_turbo_v2_5'],
};

test('bundled price file is valid and covers every required provider and model', () => {
  const file = bundledPriceFilePath();
  assert.ok(file.endsWith(path.join('prices', 'prices.yaml')));
  const entries = readPriceFile(file); // throws on any schema error
  assert.ok(entries.length > 0);
  assert.equal(bundledBook.size, entries.length);
  for (const [provider, models] of Object.entries(REQUIRED)) {
    const have = new Set(bundledBook.entries().filter((p) => p.provider === provider).map((p) => p.model));
    assert.ok(have.size > 0, `no entries for ${provider}`);
    for (const model of models) assert.ok(have.has(model), `missing ${provider}/${model}`);
  }
});

test('every bundled entry carries an https source and a YYYY-MM-DD date', () => {
  for (const price of bundledBook.entries()) {
    const name = `${price.provider}/${price.model}`;
    assert.match(price.source, /^https:\/\/\S+$/, `${name} source`);
    assert.match(price.date, /^\d{4}-\d{2}-\d{2}$/, `${name} date`);
    assert.ok(!Number.isNaN(Date.parse(price.date)), `${name} date parses`);
  }
});

test('Anthropic entries have cache read and cache write rates; token rates are stored per token', () => {
  for (const price of bundledBook.entries().filter((p) => p.provider === 'anthropic')) {
    assert.ok(price.cacheReadPerToken !== undefined, `${price.model} cache read`);
    assert.ok(price.cacheWritePerToken !== undefined, `${price.model} cache write`);
    assert.ok(price.cacheWritePerToken! > price.inputPerToken!, `${price.model} cache write costs more than input`);
    assert.ok(price.cacheReadPerToken! < price.inputPerToken!, `${price.model} cache read costs less than input`);
  }
  const sonnet = bundledBook.lookup('anthropic', 'claude-sonnet-4-5')!;
  assert.ok(Math.abs(sonnet.cacheWritePerToken! - 3.75e-6) < 1e-15, '5-minute cache write = 1.25x input');
  const gpt4o = bundledBook.lookup('openai', 'gpt-4o')!;
  assert.ok(Math.abs(gpt4o.inputPerToken! - 2.5e-6) < 1e-15);
  assert.ok(Math.abs(gpt4o.outputPerToken! - 10e-6) < 1e-15);
});

test('exact matches and provider fallbacks', () => {
  assert.equal(matched('openai', 'gpt-4o'), 'openai/gpt-4o');
  assert.equal(matched('azure.ai.openai', 'gpt-4.1-mini'), 'openai/gpt-4.1-mini');
  assert.equal(matched('az.ai.openai', 'gpt-4o'), 'openai/gpt-4o');
  assert.equal(matched('gcp.vertex_ai', 'gemini-2.5-flash'), 'gcp.gemini/gemini-2.5-flash');
  assert.equal(matched('gcp.gen_ai', 'gemini-2.5-flash-lite'), 'gcp.gemini/gemini-2.5-flash-lite');
  assert.equal(matched('deepgram', 'nova-3'), 'deepgram/nova-3');
  assert.equal(matched('elevenlabs', 'eleven_flash_v2_5'), 'elevenlabs/eleven_flash_v2_5');
  // Bedrock only resells Claude: no OpenAI fallback.
  assert.equal(matched('aws.bedrock', 'gpt-4o'), undefined);
  assert.equal(matched('anthropic', 'gpt-4o'), undefined);
});

test('dated snapshots, -latest and aliases match their base entry', () => {
  assert.equal(matched('openai', 'gpt-4o-2024-08-06'), 'openai/gpt-4o');
  assert.equal(matched('openai', 'gpt-5-mini-2025-08-07'), 'openai/gpt-5-mini');
  assert.equal(matched('openai', 'o3-2025-04-16'), 'openai/o3');
  assert.equal(matched('anthropic', 'claude-sonnet-4-5-20250929'), 'anthropic/claude-sonnet-4-5');
  assert.equal(matched('anthropic', 'claude-3-5-haiku-latest'), 'anthropic/claude-3-5-haiku');
  assert.equal(matched('anthropic', 'claude-3-7-sonnet-20250219'), 'anthropic/claude-3-7-sonnet');
  assert.equal(matched('anthropic', 'claude-opus-4-20250514'), 'anthropic/claude-opus-4');
  assert.equal(matched('anthropic', 'claude-sonnet-4-0'), 'anthropic/claude-sonnet-4');
  assert.equal(matched('gcp.gemini', 'gemini-2.0-flash-001'), 'gcp.gemini/gemini-2.0-flash');
  assert.equal(matched('openai', 'GPT-4o'), 'openai/gpt-4o');
});

test('Bedrock and Vertex model ids match the Anthropic entries', () => {
  assert.equal(matched('aws.bedrock', 'anthropic.claude-3-5-sonnet-20240620-v1:0'), 'anthropic/claude-3-5-sonnet');
  assert.equal(matched('aws.bedrock', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'), 'anthropic/claude-sonnet-4-5');
  assert.equal(matched('aws.bedrock', 'global.anthropic.claude-haiku-4-5-20251001-v1:0'), 'anthropic/claude-haiku-4-5');
  assert.equal(
    matched('aws.bedrock', 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0'),
    'anthropic/claude-3-haiku',
  );
  assert.equal(matched('gcp.vertex_ai', 'claude-3-5-sonnet@20240620'), 'anthropic/claude-3-5-sonnet');
  assert.equal(matched('gcp.vertex_ai', 'claude-3-5-sonnet-v2@20241022'), 'anthropic/claude-3-5-sonnet');
  assert.equal(matched('gcp.vertex_ai', 'claude-opus-4-1@20250805'), 'anthropic/claude-opus-4-1');
});

test('path-style and OpenRouter-style names match the base entry', () => {
  assert.equal(matched('gcp.gemini', 'models/gemini-2.5-pro'), 'gcp.gemini/gemini-2.5-pro');
  assert.equal(
    matched('gcp.vertex_ai', 'projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash'),
    'gcp.gemini/gemini-2.5-flash',
  );
  assert.equal(matched('openai', 'openai/gpt-4o'), 'openai/gpt-4o');
  assert.equal(matched(undefined, 'openai/gpt-4o'), 'openai/gpt-4o');
  assert.equal(matched('openrouter', 'anthropic/claude-sonnet-4.5'), 'anthropic/claude-sonnet-4-5');
  assert.equal(matched('openrouter', 'anthropic/claude-3.7-sonnet:thinking'), 'anthropic/claude-3-7-sonnet');
  assert.equal(matched('openrouter', 'google/gemini-2.5-flash'), 'gcp.gemini/gemini-2.5-flash');
});

test('never a loose prefix match: gpt-4o-mini is not gpt-4o', () => {
  assert.equal(matched('openai', 'gpt-4o-mini-2024-07-18'), 'openai/gpt-4o-mini');
  assert.equal(matched('openai', 'gpt-4o-mini'), 'openai/gpt-4o-mini');
  assert.equal(matched('openai', 'gpt-4o-mini-transcribe'), 'openai/gpt-4o-mini-transcribe');
  assert.equal(matched('openai', 'gpt-4o-mini-tts'), 'openai/gpt-4o-mini-tts');
  assert.equal(matched('openai', 'gpt-4.1-nano-2025-04-14'), 'openai/gpt-4.1-nano');
  assert.equal(matched('openai', 'gpt-4o-audio-preview'), undefined);
  assert.equal(matched('openai', 'gpt-4o-foo'), undefined);
  assert.equal(matched('openai', 'gpt-5-codex'), undefined);
  assert.equal(matched('gcp.gemini', 'gemini-2.5-flash-preview-05-20'), undefined);
  assert.equal(matched('openai', 'gpt'), undefined);
});

test('fine-tuned models are not priced unless a price file names them exactly', () => {
  assert.equal(matched('openai', 'ft:gpt-4o-mini:org::id'), undefined);
  assert.equal(matched('openai', 'ft:gpt-4o-mini-2024-07-18:acme::AbC123'), undefined);
  assert.equal(matched(undefined, 'ft:gpt-4o-mini:org::id'), undefined);
  const book = PriceBook.fromEntries([
    { provider: 'openai', model: 'ft:gpt-4o-mini:org::id', input_per_mtok: 0.3, output_per_mtok: 1.2, source: 'contract', date: '2026-01-01' },
  ]);
  assert.equal(book.lookup('openai', 'ft:gpt-4o-mini:org::id')?.model, 'ft:gpt-4o-mini:org::id');
  assert.equal(book.lookup('openai', 'ft:gpt-4o-mini:org::other'), undefined);
});

test('absent or unknown provider matches on the model name only when exactly one entry has it', () => {
  assert.equal(matched(undefined, 'claude-sonnet-4-5-20250929'), 'anthropic/claude-sonnet-4-5');
  assert.equal(matched('', 'gemini-2.5-pro'), 'gcp.gemini/gemini-2.5-pro');
  assert.equal(matched('some.gateway', 'gpt-4o'), 'openai/gpt-4o');
  const book = PriceBook.fromEntries([
    { provider: 'openai', model: 'shared', input_per_mtok: 1, source: 'a', date: '2026-01-01' },
    { provider: 'groq', model: 'shared', input_per_mtok: 2, source: 'b', date: '2026-01-01' },
  ]);
  assert.equal(book.lookup(undefined, 'shared'), undefined, 'ambiguous');
  assert.equal(book.lookup('groq', 'shared')?.inputPerToken, 2e-6);
  // A known provider does not borrow another provider's price.
  assert.equal(book.lookup('deepseek', 'shared'), undefined);
});

test('absent or empty model is not priced', () => {
  assert.equal(bundledBook.lookup('openai', undefined), undefined);
  assert.equal(bundledBook.lookup('openai', ''), undefined);
  assert.equal(bundledBook.lookup('openai', 'x'.repeat(10_000)), undefined);
});

test('user file: overrides a bundled entry and adds a new model', () => {
  const dir = tempDir();
  const file = path.join(dir, 'prices.yaml');
  fs.writeFileSync(
    file,
    [
      'version: 1',
      'models:',
      '  - provider: openai',
      '    model: gpt-4o',
      '    input_per_mtok: 1.00',
      '    output_per_mtok: 4.00',
      '    source: https://example.com/our-contract',
      '    date: 2026-10-01',
      '  - provider: acme',
      '    model: acme-large-1',
      '    aliases: [acme-large]',
      '    input_per_mtok: 0.50',
      '    output_per_mtok: 1.50',
      '    source: https://acme.example/pricing',
      '    date: 2026-10-02',
      '',
    ].join('\n'),
  );
  const { book, warnings } = loadWith(file);
  assert.deepEqual(warnings, []);
  assert.equal(book.size, bundledBook.size + 1);
  const gpt4o = book.lookup('openai', 'gpt-4o-2024-08-06')!;
  assert.equal(gpt4o.source, 'https://example.com/our-contract');
  assert.ok(Math.abs(gpt4o.inputPerToken! - 1e-6) < 1e-15);
  assert.equal(gpt4o.cacheReadPerToken, undefined, 'the user entry replaces the bundled one whole');
  assert.equal(book.lookup('azure.ai.openai', 'gpt-4o')?.source, 'https://example.com/our-contract');
  assert.equal(book.lookup('acme', 'acme-large-1')?.model, 'acme-large-1');
  assert.equal(book.lookup('acme', 'acme-large')?.model, 'acme-large-1');
  assert.equal(book.lookup(undefined, 'acme-large-1')?.provider, 'acme');
  // Untouched bundled entries are still there.
  assert.equal(book.lookup('openai', 'gpt-4o-mini')?.source, bundledBook.lookup('openai', 'gpt-4o-mini')?.source);
});

test('user file in JSON, and via AIMETER_PRICES', () => {
  const dir = tempDir();
  const file = path.join(dir, 'prices.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      version: 1,
      models: [{ provider: 'deepgram', model: 'nova-3', audio_per_minute: 0.0036, source: 'https://deepgram.com/pricing', date: '2026-11-01' }],
    }),
  );
  const { book, warnings } = loadWith(file);
  assert.deepEqual(warnings, []);
  assert.equal(book.lookup('deepgram', 'nova-3')?.audioPerMinute, 0.0036);

  const previous = process.env[PRICES_ENV_VAR];
  process.env[PRICES_ENV_VAR] = file;
  try {
    assert.equal(PriceBook.load().lookup('deepgram', 'nova-3')?.audioPerMinute, 0.0036);
    assert.equal(PriceBook.load({ userFile: null }).lookup('deepgram', 'nova-3')?.audioPerMinute, 0.0043);
  } finally {
    if (previous === undefined) delete process.env[PRICES_ENV_VAR];
    else process.env[PRICES_ENV_VAR] = previous;
  }
});

function assertRejected(contents: string, name: string, expected: RegExp[]): void {
  const dir = tempDir();
  const file = path.join(dir, name);
  fs.writeFileSync(file, contents);
  const { book, warnings } = loadWith(file);
  assert.equal(warnings.length, 1, `exactly one warning: ${warnings.join(' | ')}`);
  const warning = warnings[0]!;
  assert.ok(warning.includes(file), `names the file: ${warning}`);
  for (const pattern of expected) assert.match(warning, pattern);
  // The bundled list stays in force, untouched by the good entries of the rejected file.
  assert.equal(book.size, bundledBook.size);
  assert.equal(book.lookup('openai', 'gpt-4o')?.source, bundledBook.lookup('openai', 'gpt-4o')?.source);
  assert.ok(Math.abs(book.lookup('openai', 'gpt-4o')!.inputPerToken! - 2.5e-6) < 1e-15);
}

const GOOD_ENTRY = [
  '  - provider: openai',
  '    model: gpt-4o',
  '    input_per_mtok: 0.01',
  '    source: https://example.com',
  '    date: 2026-10-01',
];

test('malformed user file: bad YAML', () => {
  assertRejected('version: 1\nmodels:\n  - provider: openai\n    model: [unclosed\n', 'bad.yaml', [/not valid YAML/]);
});

test('malformed user file: negative rate names the entry and field', () => {
  assertRejected(
    [
      'version: 1',
      'models:',
      ...GOOD_ENTRY,
      '  - provider: openai',
      '    model: gpt-foo',
      '    input_per_mtok: -1',
      '    source: https://example.com',
      '    date: 2026-10-01',
      '',
    ].join('\n'),
    'negative.yaml',
    [/models\[1\] \(openai\/gpt-foo\): input_per_mtok must be a non-negative number/, /^aimeter: price file /],
  );
});

test('malformed user file: missing model', () => {
  assertRejected(
    [
      'version: 1',
      'models:',
      ...GOOD_ENTRY,
      '  - provider: anthropic',
      '    input_per_mtok: 3',
      '    source: https://example.com',
      '    date: 2026-10-01',
      '',
    ].join('\n'),
    'missing.yaml',
    [/models\[1\] \(anthropic\/\?\): model /],
  );
});

test('malformed user file: misspelt unit field, missing file, wrong version', () => {
  assertRejected(
    ['version: 1', 'models:', '  - provider: openai', '    model: gpt-4o', '    input_per_mtoken: 1', '    source: s', '    date: 2026-10-01', ''].join('\n'),
    'typo.yaml',
    [/models\[0\] \(openai\/gpt-4o\): unknown field input_per_mtoken/],
  );
  assertRejected('version: 2\nmodels: []\n', 'version.yaml', [/version must be 1/]);
  const missing = path.join(tempDir(), 'nope.yaml');
  const { book, warnings } = loadWith(missing);
  assert.equal(warnings.length, 1);
  assert.ok(warnings[0]!.includes(missing) && /cannot be read/.test(warnings[0]!));
  assert.equal(book.size, bundledBook.size);
});

test('schema errors name the file, entry and field; duplicates are rejected', () => {
  assert.throws(
    () =>
      parsePriceFile(
        {
          version: 1,
          models: [
            { provider: 'openai', model: 'a', input_per_mtok: 1, source: 's', date: '2026-01-01' },
            { provider: 'openai', model: 'b', input_per_mtok: 1, source: 's', date: '2026-01-01' },
            { provider: 'openai', model: 'c', input_per_mtok: 1, source: 's', date: '2026-01-01' },
            { provider: 'openai', model: 'gpt-foo', input_per_mtok: 'cheap', source: 's', date: '2026-01-01' },
          ],
        },
        '/x/prices.yaml',
      ),
    (error: unknown) =>
      error instanceof PriceFileError &&
      error.message === 'aimeter: price file /x/prices.yaml: models[3] (openai/gpt-foo): input_per_mtok must be a non-negative number',
  );
  assert.throws(
    () =>
      parsePriceFile(
        {
          version: 1,
          models: [
            { provider: 'openai', model: 'a', input_per_mtok: 1, source: 's', date: '2026-01-01' },
            { provider: 'openai', model: 'A', input_per_mtok: 2, source: 's', date: '2026-01-01' },
          ],
        },
        '/x/p.yaml',
      ),
    /models\[1\] \(openai\/A\): duplicate entry/,
  );
  assert.throws(
    () => parsePriceFile({ version: 1, models: [{ provider: 'openai', model: 'a', source: 's', date: '2026-01-01' }] }, '/x/p.yaml'),
    /models\[0\] \(openai\/a\): needs at least one rate/,
  );
  assert.throws(
    () => parsePriceFile({ version: 1, models: [{ provider: 'openai', model: 'a', input_per_mtok: 1, source: 's', date: '01/02/2026' }] }, '/x/p.yaml'),
    /models\[0\] \(openai\/a\): date must be a date written YYYY-MM-DD/,
  );
});

test('lookup cache stays bounded under attacker-chosen model names', () => {
  const book = PriceBook.load({ userFile: null });
  for (let i = 0; i < 10_000; i++) {
    assert.equal(book.lookup('openai', `bogus-model-${i}`), undefined);
    assert.ok(book.cacheSize <= PriceBook.CACHE_LIMIT);
  }
  assert.ok(book.cacheSize <= PriceBook.CACHE_LIMIT);
  assert.ok(PriceBook.CACHE_LIMIT <= 2000);
  // Still answers correctly after eviction, and repeated lookups are served from the cache.
  assert.equal(book.lookup('openai', 'gpt-4o-2024-08-06')?.model, 'gpt-4o');
  assert.equal(book.lookup('openai', 'gpt-4o-2024-08-06')?.model, 'gpt-4o');
  assert.equal(book.lookup('openai', 'bogus-model-9999'), undefined);
});
