/**
 * The price list: the bundled `prices/prices.yaml`, optionally merged with a user file, and the
 * rules that map a span's (provider, model) onto one of its entries. See docs/prices.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { environmentConfig } from '../config/env';
import { packageRoot } from '../internal/package-info';
import { Provider } from '../semconv/providers';
import { readBundled } from './bundled';
// Types only: the YAML parser and the schema (zod) are loaded when a file has to be parsed or
// validated, not for the bundled list (bundled.ts).
import type { PriceFileEntry } from './schema';
import type { ModelPrice } from './types';

const schema = () => require('./schema') as typeof import('./schema');

export interface PriceBookLoadOptions {
  /**
   * A YAML or JSON price file merged over the bundled list (same format). `undefined` means "use the
   * AIMETER_PRICES environment variable if it is set"; `null` or '' means "no user file".
   */
  userFile?: string | null;
  /** Receives one message per problem (e.g. a malformed user file). Loading never throws. */
  onWarning?: (message: string) => void;
}

/** Environment variable naming a user price file. */
export const PRICES_ENV_VAR = 'AIMETER_PRICES';

/** Model names longer than this are never real; they are not looked up (nor cached). */
const MAX_NAME_LENGTH = 256;

/** Other semconv spellings of a provider, mapped onto the one the price list uses. */
const PROVIDER_ALIASES: Readonly<Record<string, string>> = {
  'az.ai.openai': Provider.AzureOpenAI,
  azure_openai: Provider.AzureOpenAI,
  azure: Provider.AzureOpenAI,
  google: Provider.GcpGemini,
  gemini: Provider.GcpGemini,
  vertex_ai: Provider.GcpVertexAi,
  vertexai: Provider.GcpVertexAi,
  bedrock: Provider.AwsBedrock,
  aws_bedrock: Provider.AwsBedrock,
  mistral: Provider.MistralAi,
  mistralai: Provider.MistralAi,
  eleven_labs: Provider.ElevenLabs,
  xai: Provider.XAi,
};

/**
 * Where a provider looks when it has no entry of its own. Azure OpenAI bills OpenAI's list prices;
 * every gcp.* provider shares the Google (gcp.gemini) entries; Bedrock and Vertex AI resell Claude at
 * Anthropic's prices.
 */
const PROVIDER_FALLBACKS: Readonly<Record<string, readonly string[]>> = {
  [Provider.AzureOpenAI]: [Provider.OpenAI],
  [Provider.GcpVertexAi]: [Provider.GcpGemini, Provider.Anthropic],
  [Provider.GcpGenAi]: [Provider.GcpGemini],
  [Provider.AwsBedrock]: [Provider.Anthropic],
};

const KNOWN_PROVIDERS: ReadonlySet<string> = new Set<string>(Object.values(Provider));

function canonicalProvider(provider: string | undefined): string {
  if (provider === undefined) return '';
  const lower = provider.trim().toLowerCase();
  return PROVIDER_ALIASES[lower] ?? lower;
}

/**
 * Names to try for a model, most specific first. Each step strips one kind of decoration:
 * path prefixes (`openai/gpt-4o`, `models/gemini-2.5-pro`, Bedrock ARNs), Vertex `@version`,
 * Bedrock `[region.]anthropic.` prefix and `-v1:0` suffix, a Bedrock inference profile's geography prefix, OpenRouter's dotted Claude versions,
 * `-latest`, and dated snapshots (`-2024-08-06`, `-20250929`, Gemini `-001`, OpenAI `-0613`).
 * Never a loose prefix match. Fine-tuned models (`ft:...`) are only ever matched exactly.
 */
export function modelNameVariants(model: string): string[] {
  const out: string[] = [];
  const add = (name: string): void => {
    if (name !== '' && !out.includes(name)) out.push(name);
  };
  let name = model.trim().toLowerCase();
  add(name);
  if (name.startsWith('ft:')) return out;

  const slash = name.lastIndexOf('/');
  if (slash >= 0) {
    name = name.slice(slash + 1);
    if (name.startsWith('ft:')) return out;
    add(name);
  }
  const at = name.indexOf('@');
  if (at > 0) {
    name = name.slice(0, at);
    add(name);
  }
  // A Bedrock cross-region inference profile (`us.amazon.nova-lite-v1:0`, `eu.meta.llama...`)
  // names the model id after its geography prefix.
  const profile = /^[a-z]{2,7}(?:-gov)?\.((?:amazon|meta|mistral|cohere|deepseek|writer|ai21|qwen|openai)\..+)$/.exec(name);
  if (profile) {
    name = profile[1]!;
    add(name);
  }
  const bedrock = /^(?:[a-z]{2,7}(?:-gov)?\.)?anthropic\.(.+)$/.exec(name);
  if (bedrock) {
    name = bedrock[1]!;
    add(name);
  }
  if (name.startsWith('claude')) {
    name = name
      .replace(/:[a-z]+$/, '') // OpenRouter variants such as ":thinking"
      .replace(/-v\d+(?::\d+)?(?::\d+k)?$/, '') // Bedrock "-v1:0", Vertex "-v2"
      .replace(/(\d)\.(\d)/g, '$1-$2'); // OpenRouter "claude-sonnet-4.5"
    add(name);
  }
  if (name.endsWith('-latest')) {
    name = name.slice(0, -'-latest'.length);
    add(name);
  }
  name = name.replace(/-\d{4}-\d{2}-\d{2}$/, '').replace(/-20\d{6}$/, ''); // OpenAI / Anthropic snapshots
  if (name.startsWith('gemini')) name = name.replace(/-\d{3}$/, ''); // gemini-2.0-flash-001
  if (/^(?:gpt-|o\d)/.test(name)) name = name.replace(/-\d{4}$/, ''); // gpt-4-0613
  add(name);
  return out;
}

interface Indexed {
  readonly price: ModelPrice;
  readonly names: readonly string[];
}

export class PriceBook {
  /** Most (provider, model) lookups remembered, hits and misses alike. */
  static readonly CACHE_LIMIT = 2000;

  private readonly list: readonly ModelPrice[];
  /** `${provider}\0${name}` (model names and aliases, lower case) -> price. */
  private readonly byKey = new Map<string, ModelPrice>();
  /** name -> every entry carrying it (for the provider-less fallback). */
  private readonly byName = new Map<string, ModelPrice[]>();
  private readonly cache = new Map<string, ModelPrice | null>();

  private constructor(indexed: readonly Indexed[]) {
    this.list = indexed.map((item) => item.price);
    // Aliases first, so that a real model name wins over another entry's alias.
    for (const pass of ['aliases', 'models'] as const) {
      for (const { price, names } of indexed) {
        const keys = pass === 'models' ? names.slice(0, 1) : names.slice(1);
        for (const name of keys) this.byKey.set(`${price.provider}\0${name}`, price);
      }
    }
    for (const { price, names } of indexed) {
      for (const name of names) {
        const list = this.byName.get(name) ?? [];
        if (!list.includes(price)) list.push(price);
        this.byName.set(name, list);
      }
    }
  }

  /**
   * The bundled price list merged with the user file (`options.userFile`, else $AIMETER_PRICES).
   * User entries replace bundled ones with the same provider and model and add new ones. A user file
   * that cannot be read, parsed or validated is ignored as a whole: `onWarning` gets one message naming
   * the file and the entry, and the bundled prices stay in force. Never throws.
   */
  static load(options: PriceBookLoadOptions = {}): PriceBook {
    const warn = options.onWarning ?? (() => undefined);
    let bundled: PriceFileEntry[] = [];
    try {
      bundled = readBundled(bundledPriceFilePath(), readPriceFile);
    } catch (error) {
      warn(`${errorMessage(error)}; no bundled prices are available`);
    }
    const userFile = options.userFile === undefined ? environmentConfig().config.pricesFile : options.userFile;
    let user: PriceFileEntry[] = [];
    if (userFile !== null && userFile !== undefined && userFile.trim() !== '') {
      try {
        user = readPriceFile(path.resolve(userFile.trim()));
      } catch (error) {
        warn(`${errorMessage(error)}; the user price file is ignored and the bundled prices stay in force`);
      }
    }
    return PriceBook.build(bundled, user);
  }

  /**
   * A book from file-format entries (per-1M-token rates), e.g. for tests. `overrides` are merged over
   * `entries` as a user file would be. Throws PriceFileError when an entry is invalid.
   */
  static fromEntries(entries: readonly unknown[], overrides: readonly unknown[] = []): PriceBook {
    const { parsePriceFile } = schema();
    const base = parsePriceFile({ version: 1, models: entries }, '<entries>').models;
    const extra = parsePriceFile({ version: 1, models: overrides }, '<overrides>').models;
    return PriceBook.build(base, extra);
  }

  private static build(bundled: readonly PriceFileEntry[], user: readonly PriceFileEntry[]): PriceBook {
    const merged = new Map<string, PriceFileEntry>();
    for (const entry of [...bundled, ...user]) {
      merged.set(`${canonicalProvider(entry.provider)}\0${entry.model.toLowerCase()}`, entry);
    }
    return new PriceBook([...merged.values()].map(toIndexed));
  }

  /** Number of priced models. */
  get size(): number {
    return this.list.length;
  }

  /** Number of remembered lookups (never above CACHE_LIMIT). */
  get cacheSize(): number {
    return this.cache.size;
  }

  /** Every priced model, in file order (bundled first, then user additions). */
  entries(): readonly ModelPrice[] {
    return this.list;
  }

  /**
   * The price for a span's provider (gen_ai.provider.name) and model, or undefined. See
   * modelNameVariants and PROVIDER_FALLBACKS for the matching rules; an absent or unknown provider
   * matches on the model name alone when exactly one entry carries it.
   */
  lookup(provider: string | undefined, model: string | undefined): ModelPrice | undefined {
    if (typeof model !== 'string') return undefined;
    const name = model.trim();
    if (name === '' || name.length > MAX_NAME_LENGTH) return undefined;
    const canonical = typeof provider === 'string' ? canonicalProvider(provider) : '';
    if (canonical.length > MAX_NAME_LENGTH) return undefined;

    const key = `${canonical}\0${name}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const found = this.resolve(canonical, name);
    if (this.cache.size >= PriceBook.CACHE_LIMIT) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(key, found ?? null);
    return found;
  }

  private resolve(provider: string, model: string): ModelPrice | undefined {
    const variants = modelNameVariants(model);
    if (provider !== '') {
      for (const candidate of [provider, ...(PROVIDER_FALLBACKS[provider] ?? [])]) {
        for (const variant of variants) {
          const hit = this.byKey.get(`${candidate}\0${variant}`);
          if (hit) return hit;
        }
      }
    }
    const unknownProvider = provider === '' || !(KNOWN_PROVIDERS.has(provider) || this.hasProvider(provider));
    if (!unknownProvider) return undefined;
    for (const variant of variants) {
      const hits = this.byName.get(variant);
      if (hits === undefined) continue;
      return hits.length === 1 ? hits[0] : undefined;
    }
    return undefined;
  }

  private hasProvider(provider: string): boolean {
    return this.list.some((price) => price.provider === provider);
  }
}

/** Absolute path of the bundled `prices/prices.yaml`, in the aimeter package root. */
export function bundledPriceFilePath(): string {
  const file = path.join(packageRoot(), 'prices', 'prices.yaml');
  if (!fs.existsSync(file)) throw new (schema().PriceFileError)(`aimeter: price file prices/prices.yaml: not found in the aimeter package at ${packageRoot()}`);
  return file;
}

const MAX_PRICE_FILE_BYTES = 16 * 1024 * 1024;

function fileKind(stat: fs.Stats): string {
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isDirectory()) return 'a directory';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Read, parse (YAML, or JSON for *.json) and validate a price file. Throws PriceFileError. */
export function readPriceFile(file: string): PriceFileEntry[] {
  const { parsePriceFile, PriceFileError } = schema();
  const prefix = `aimeter: price file ${file}: `;
  let text: string;
  try {
    // A FIFO, a device or a socket would block start-up (or never end): only regular files
    // (symlinks followed) of a sane size are read.
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new PriceFileError(`${prefix}is not a regular file (${fileKind(stat)}); name a YAML or JSON file`);
    if (stat.size > MAX_PRICE_FILE_BYTES) throw new PriceFileError(`${prefix}is ${stat.size} bytes, over the ${MAX_PRICE_FILE_BYTES}-byte limit for a price file`);
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof PriceFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new PriceFileError(`${prefix}cannot be read (${code ?? errorMessage(error)})`);
  }
  let data: unknown;
  try {
    data = file.toLowerCase().endsWith('.json') ? JSON.parse(text) : (require('yaml') as typeof import('yaml')).parse(text);
  } catch (error) {
    const kind = file.toLowerCase().endsWith('.json') ? 'JSON' : 'YAML';
    throw new PriceFileError(`${prefix}not valid ${kind}: ${errorMessage(error).split('\n')[0]}`);
  }
  return parsePriceFile(data, file).models;
}

function toIndexed(entry: PriceFileEntry): Indexed {
  const perToken = (perMillion: number | undefined): number | undefined =>
    perMillion === undefined ? undefined : perMillion / 1_000_000;
  const price: ModelPrice = Object.freeze({
    provider: canonicalProvider(entry.provider),
    model: entry.model,
    inputPerToken: perToken(entry.input_per_mtok),
    outputPerToken: perToken(entry.output_per_mtok),
    cacheReadPerToken: perToken(entry.cache_read_per_mtok),
    cacheWritePerToken: perToken(entry.cache_write_per_mtok),
    reasoningPerToken: perToken(entry.reasoning_per_mtok),
    audioPerMinute: entry.audio_per_minute,
    perCharacter: perToken(entry.per_million_characters),
    source: entry.source,
    date: entry.date,
  });
  const names = [entry.model, ...(entry.aliases ?? [])].map((name) => name.toLowerCase());
  return { price, names: [...new Set(names)] };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
