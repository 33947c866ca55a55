/**
 * Text-to-speech (`audio.speech.create`): the audio body is read from a clone of the Response
 * (the caller's Response is untouched and keeps every method): time to the first byte, bytes,
 * and for pcm / wav the seconds of audio.
 */
import { byteLengthOf, drainBody } from '../../src/tracing/byte-stream-observer';
import type { GenAiSpan } from '../../src/tracing/genai-span';
import { obj } from '../../src/tracing/values';
import { wavSeconds } from './audio-file';

/** PCM from the speech API: 24 kHz, 16-bit, mono. */
const PCM_BYTES_PER_SECOND = 48000;
const WAV_HEAD_BYTES = 4096;

/**
 * Observes the audio of `response` (in `format`, the request's response_format); `done` is called
 * once, when the clone has been read (with the error if reading failed), or at once when there is
 * no body to read.
 */
export function observeSpeechAudio(span: GenAiSpan, response: unknown, format: string, done: (error?: unknown) => void): void {
  const r = obj(response);
  let copy: Record<string, any> | undefined;
  try {
    copy = typeof r?.clone === 'function' ? r.clone() : undefined;
  } catch {
    // A body already used or locked: there is nothing left to measure.
    copy = undefined;
  }
  let bytes = 0;
  const head: Uint8Array[] = [];
  let headBytes = 0;
  const onChunk = (chunk: unknown) => {
    const n = byteLengthOf(chunk);
    if (n === 0) return;
    if (bytes === 0) span.chunk();
    bytes += n;
    if (format === 'wav' && headBytes < WAV_HEAD_BYTES && ArrayBuffer.isView(chunk)) {
      head.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      headBytes += n;
    }
  };
  const onEnd = (error?: unknown) => {
    span.setAudioSize(bytes);
    if (format === 'pcm') span.setAudioDuration(bytes / PCM_BYTES_PER_SECOND);
    else if (format === 'wav') span.setAudioDuration(wavSeconds(Buffer.concat(head), bytes));
    done(error);
  };
  if (!drainBody(copy?.body, onChunk, onEnd)) done();
}
