/**
 * Seconds of raw audio from its size, for live sessions whose provider does not report them:
 * only for encodings whose size fixes the duration (PCM and G.711), never for compressed ones
 * (Opus, FLAC, MP3, AMR...), whose duration is not derived: a guess would be billed as a fact.
 */

/** Bytes per sample of the raw encodings, by the names Deepgram and ElevenLabs use. */
const BYTES_PER_SAMPLE: Readonly<Record<string, number>> = {
  linear16: 2,
  linear32: 4,
  pcm: 2,
  mulaw: 1,
  ulaw: 1,
  alaw: 1,
};

export interface RawAudioFormat {
  /** Encoding name (`linear16`, `mulaw`, ...). */
  readonly encoding?: unknown;
  /** Samples per second per channel. */
  readonly sampleRate?: unknown;
  /** Interleaved channels (default 1). */
  readonly channels?: unknown;
}

function positive(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}

/** Bytes of audio per second in `format`, or undefined when its size does not fix its duration. */
export function bytesPerSecond(format: RawAudioFormat): number | undefined {
  const encoding = typeof format.encoding === 'string' ? format.encoding.toLowerCase() : undefined;
  const perSample = encoding !== undefined ? BYTES_PER_SAMPLE[encoding] : undefined;
  const rate = positive(format.sampleRate);
  if (perSample === undefined || rate === undefined) return undefined;
  const channels = format.channels === undefined || format.channels === null ? 1 : positive(format.channels);
  return channels === undefined ? undefined : perSample * rate * channels;
}

/**
 * An ElevenLabs `output_format` (`pcm_16000`, `ulaw_8000`, `alaw_8000`, `mp3_44100_128`...) as a
 * raw format (mono), or undefined for the compressed ones.
 */
export function elevenLabsOutputFormat(outputFormat: unknown): RawAudioFormat | undefined {
  if (typeof outputFormat !== 'string') return undefined;
  const match = /^(pcm|ulaw|alaw)_(\d+)$/.exec(outputFormat);
  return match ? { encoding: match[1], sampleRate: Number(match[2]), channels: 1 } : undefined;
}
