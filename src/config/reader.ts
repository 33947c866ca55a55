/**
 * Strict readers for environment variables. Each reader returns the parsed value, or the default
 * after recording ONE problem naming the variable, the value it saw, the accepted values and the
 * default that applies. Nothing here throws: bad configuration must never stop the application.
 *
 * Rules (the OpenTelemetry environment-variable specification where it has one):
 *   - unset, empty or only whitespace: the default, no problem;
 *   - booleans: `true` / `false`, case-insensitive (spec); anything else is a problem;
 *   - enums and enum lists: case-insensitive (spec: "enum values SHOULD be interpreted in a
 *     case-insensitive manner"), so `Prometheus` is `prometheus`; an unknown word is a problem,
 *     and a list left with no known word gets the default, never "nothing";
 *   - whole numbers: decimal digits only (no sign, hex `0x10`, exponent `1e3`, fraction or unit),
 *     inside the documented range;
 *   - URLs: absolute http(s) URLs.
 *
 * Why not @opentelemetry/core's getNumberFromEnv / getBooleanFromEnv / getStringListFromEnv: they
 * read process.env only (start({ env }) configures from another object), getNumberFromEnv takes
 * anything Number() takes (`0x10`, `1e3`, `Infinity`) and has no range, and an invalid boolean
 * silently becomes false instead of the variable's default. Their trimming and list splitting
 * rules are kept (trim, split on ',', drop empty entries).
 */
import { printable } from '../internal/text';

export type Env = Readonly<Record<string, string | undefined>>;

export class EnvReader {
  /** One message per invalid variable. */
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  /** The trimmed value; undefined when unset or blank. */
  raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  /** Records a problem: `NAME="value" is not valid: <accepted> (using <fallback>).` */
  invalid(name: string, value: string, accepted: string, fallback: string): void {
    this.problems.push(`${name}=${printable(value, 200)} is not valid: ${accepted} (using ${fallback}).`);
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    this.invalid(name, value, 'use true or false', String(fallback));
    return fallback;
  }

  int(name: string, fallback: number, min: number, max: number, unit = ''): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const n = /^[0-9]{1,16}$/.test(value) ? Number(value) : NaN;
    if (n >= min && n <= max) return n;
    this.invalid(name, value, `use a whole number${unit} from ${min} to ${max} (decimal digits only)`, String(fallback));
    return fallback;
  }

  /** A decimal fraction such as `0.25` (no exponent, no sign). */
  ratio(name: string, fallback: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const n = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/.test(value) ? Number(value) : NaN;
    if (n >= 0 && n <= 1) return n;
    this.invalid(name, value, 'use a decimal number from 0 to 1, such as 0.25', String(fallback));
    return fallback;
  }

  /** One word of `allowed`, case-insensitive. */
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const found = allowed.find((word) => word === value.toLowerCase());
    if (found !== undefined) return found;
    this.invalid(name, value, `use one of ${allowed.join(', ')}`, fallback);
    return fallback;
  }

  /** Comma-separated entries, trimmed, blanks dropped (as getStringListFromEnv). */
  entries(name: string): string[] {
    const value = this.raw(name);
    return value === undefined ? [] : value.split(',').map((s) => s.trim()).filter(Boolean);
  }

  /**
   * A comma list of words of `allowed` (case-insensitive); `none` alone means the empty set.
   * Unknown words are reported and dropped; when no known word remains, the default applies.
   */
  list<T extends string>(name: string, allowed: readonly T[], fallback: readonly T[], noneAllowed = true): ReadonlySet<T> {
    const items = this.entries(name).map((item) => item.toLowerCase());
    if (items.length === 0) return new Set(fallback);
    if (noneAllowed && items.length === 1 && items[0] === 'none') return new Set();
    const known = items.filter((item): item is T => (allowed as readonly string[]).includes(item));
    const unknown = items.filter((item) => !(allowed as readonly string[]).includes(item));
    if (unknown.length > 0) {
      const accepted = `${unknown.map((u) => printable(u, 60)).join(', ')} unknown; use a comma list of ${allowed.join(', ')}${noneAllowed ? ', or none' : ''}`;
      const using = known.length > 0 ? known.join(',') : fallback.length > 0 ? fallback.join(',') : 'none';
      this.problems.push(`${name}=${printable(this.raw(name)!, 200)} is not valid: ${accepted} (using ${using}).`);
    }
    return new Set(known.length > 0 ? known : fallback);
  }

  /** A host name, an IPv4 address or an IPv6 address (bracketed or not), as listen() takes it. */
  host(name: string, fallback: string): string {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (/^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})$/.test(value) || /^\[?[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\]?$/.test(value)) return value.replace(/^\[(.*)\]$/, '$1');
    this.invalid(name, value, 'use a host name or IP address, such as 0.0.0.0, 127.0.0.1 or ::', fallback);
    return fallback;
  }

  /** An absolute http(s) URL, or undefined (unset, or invalid: reported, the default applies). */
  url(name: string, defaultDescription: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (isHttpUrl(value)) return value;
    this.invalid(name, value, 'use an absolute http:// or https:// URL', defaultDescription);
    return undefined;
  }

  /**
   * `key=value,key=value` (W3C Baggage-like, as OTEL_RESOURCE_ATTRIBUTES and
   * OTEL_EXPORTER_OTLP_HEADERS are written). Returns whether the value is well formed; the
   * variable itself is applied by the SDK, which skips malformed entries.
   */
  keyValues(name: string): boolean {
    const value = this.raw(name);
    if (value === undefined) return true;
    const bad = this.entries(name).filter((entry) => !/^[^=\s][^=]*=.*$/.test(entry) || !decodes(entry));
    if (bad.length === 0) return true;
    this.invalid(name, value, 'use a comma list of key=value pairs (values percent-encoded)', 'the well-formed pairs only');
    return false;
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function decodes(entry: string): boolean {
  try {
    decodeURIComponent(entry);
    return true;
  } catch {
    return false;
  }
}
