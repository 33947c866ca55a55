/**
 * The aimeter_variant label: which configuration (model, prompt version, temperature, a canary
 * deployment) a call, request, conversation, turn or agent run ran under. From the span's
 * aimeter.variant (set by withVariant or another library), else AIMETER_VARIANT.
 *
 * A label, so capped: the first `max` distinct names of the process are kept, later ones are
 * recorded as _OTHER and counted in aimeter_outcomes_overflow_total{aimeter_tracked="variant"}.
 */
import { clipCodePoints } from '../internal/text';

export const DEFAULT_MAX_VARIANTS = 20;
export const OTHER_VARIANT = '_OTHER';

export class Variants {
  private readonly known = new Set<string>();

  constructor(
    /** AIMETER_VARIANT: the variant of calls that name none ('' for none). */
    readonly fallback: string,
    private readonly max: number,
    private readonly onFold: () => void,
  ) {
    if (fallback) this.known.add(fallback);
  }

  /** The label value for a span's aimeter.variant attribute (any type: foreign spans are not trusted). */
  label(value: unknown): string {
    if (typeof value !== 'string' || value === '') return this.fallback;
    if (this.known.has(value)) return value;
    const clipped = value.length > 64 ? clipCodePoints(value, 64) : value;
    if (this.known.has(clipped)) return clipped;
    if (this.known.size >= this.max) {
      this.onFold();
      return OTHER_VARIANT;
    }
    this.known.add(clipped);
    return clipped;
  }
}
