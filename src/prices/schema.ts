/**
 * Schema of a price file (the bundled `prices/prices.yaml`, or a user file named by AIMETER_PRICES).
 *
 * Every rate field carries its unit in its name; see docs/prices.md. Unknown fields are rejected
 * (a misspelt rate such as `input_per_mtoken` would otherwise be silently ignored and price at $0).
 */
import { z } from 'zod';

const MESSAGE_RATE = 'must be a non-negative number';

const rate = z
  .number({ error: MESSAGE_RATE }) // zod 4 numbers already reject NaN and Infinity
  .nonnegative({ error: MESSAGE_RATE })
  .optional();

/** Rate fields of an entry, in the file's units (dollars per 1M tokens / per minute / per 1M characters). */
export const RATE_FIELDS = [
  'input_per_mtok',
  'output_per_mtok',
  'cache_read_per_mtok',
  'cache_write_per_mtok',
  'reasoning_per_mtok',
  'audio_per_minute',
  'per_million_characters',
] as const;

export type RateField = (typeof RATE_FIELDS)[number];

export const priceEntrySchema = z
  .strictObject(
    {
      provider: z
        .string({ error: 'must be a non-empty string' })
        .trim()
        .min(1, { error: 'must be a non-empty string' }),
      model: z
        .string({ error: 'must be a non-empty string' })
        .trim()
        .min(1, { error: 'must be a non-empty string' }),
      input_per_mtok: rate,
      output_per_mtok: rate,
      cache_read_per_mtok: rate,
      cache_write_per_mtok: rate,
      reasoning_per_mtok: rate,
      audio_per_minute: rate,
      per_million_characters: rate,
      aliases: z
        .array(z.string({ error: 'must be a non-empty string' }).trim().min(1, { error: 'must be a non-empty string' }), {
          error: 'must be a list of model names',
        })
        .optional(),
      source: z
        .string({ error: 'must be a non-empty string (the provider pricing page URL)' })
        .trim()
        .min(1, { error: 'must be a non-empty string (the provider pricing page URL)' }),
      date: z
        .string({ error: 'must be a date written YYYY-MM-DD' })
        .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { error: 'must be a date written YYYY-MM-DD' }),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : 'must be a mapping of fields') },
  )
  .refine((entry) => RATE_FIELDS.some((field) => entry[field] !== undefined), {
    error: `needs at least one rate (${RATE_FIELDS.join(', ')})`,
  });

export const priceFileSchema = z.strictObject(
  {
    version: z.literal(1, { error: 'must be 1' }),
    models: z.array(priceEntrySchema, { error: 'must be a list of model entries' }),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : 'must be a mapping with `version` and `models`') },
);

export type PriceFileEntry = z.infer<typeof priceEntrySchema>;
export type PriceFile = z.infer<typeof priceFileSchema>;

/** A price file that failed to parse or validate. The message names the file, the entry and the field. */
export class PriceFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PriceFileError';
  }
}

/** Label for `models[i]` in messages: `models[3] (openai/gpt-foo)`, using whatever the raw entry holds. */
function entryLabel(raw: unknown, index: number): string {
  const label = `models[${index}]`;
  if (raw === null || typeof raw !== 'object') return label;
  const record = raw as Record<string, unknown>;
  const part = (value: unknown): string =>
    typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 120) : '?';
  if (record.provider === undefined && record.model === undefined) return label;
  return `${label} (${part(record.provider)}/${part(record.model)})`;
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const path = issue.path;
  let where = '';
  let rest: PropertyKey[] = path;
  if (path[0] === 'models' && typeof path[1] === 'number') {
    const models = (data as { models?: unknown[] } | null)?.models;
    where = entryLabel(Array.isArray(models) ? models[path[1]] : undefined, path[1]);
    rest = path.slice(2);
  }
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.join(', ');
    const text = `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}`;
    const hint = where.startsWith('models[') ? ` (rate fields are: ${RATE_FIELDS.join(', ')})` : '';
    return where ? `${where}: ${text}${hint}` : `${text}${hint}`;
  }
  const field = rest.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');
  const subject = field || (where ? '' : 'file');
  const message = issue.message;
  if (where && subject) return `${where}: ${subject} ${message}`;
  if (where) return `${where}: ${message}`;
  return `${subject} ${message}`;
}

/**
 * Validate parsed file content. Throws PriceFileError naming the file, the entry and the field, e.g.
 * `aimeter: price file /x/prices.yaml: models[3] (openai/gpt-foo): input_per_mtok must be a non-negative number`.
 * Also rejects two entries with the same provider and model.
 */
export function parsePriceFile(data: unknown, file: string): PriceFile {
  const prefix = `aimeter: price file ${file}: `;
  if (data === null || data === undefined) throw new PriceFileError(`${prefix}file is empty`);
  const result = priceFileSchema.safeParse(data);
  if (!result.success) {
    const issues = result.error.issues;
    const first = describeIssue(issues[0]!, data);
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
    throw new PriceFileError(`${prefix}${first}${more}`);
  }
  const seen = new Map<string, number>();
  result.data.models.forEach((entry, index) => {
    const key = `${entry.provider.toLowerCase()}/${entry.model.toLowerCase()}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new PriceFileError(
        `${prefix}${entryLabel(entry, index)}: duplicate entry, models[${earlier}] already prices ${entry.provider}/${entry.model}`,
      );
    }
    seen.set(key, index);
  });
  return result.data;
}
