/**
 * Voice turns: the user stops speaking -> the agent starts speaking, what a caller feels.
 *
 * The turn span (traceTurn, operation handle_conversation_turn) may carry the two moments as
 * marked by the application (aimeter.turn.user_stopped_speaking / agent_started_speaking, ms
 * since the epoch). Where it does not, the calls made inside the turn stand in: the end of its
 * (last) speech-to-text call and the first audio byte of its (first) text-to-speech call. The
 * same calls give the per-phase times: speech-to-text duration, the first model call's time to
 * first token, text-to-speech time to first byte.
 */
import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_AIMETER_TURN_AGENT_STARTED_SPEAKING,
  ATTR_AIMETER_TURN_INTERRUPTED,
  ATTR_AIMETER_TURN_USER_STOPPED_SPEAKING,
} from '../semconv/attributes';
import { Operation } from '../semconv/operations';

export const TURN_PHASES = {
  speechToText: 'speech_to_text',
  llmTimeToFirstToken: 'llm_time_to_first_token',
  textToSpeechTimeToFirstByte: 'text_to_speech_time_to_first_byte',
} as const;

export type TurnEndReason = 'completed' | 'interrupted' | 'error';

/** What the calls inside one turn told (kept on the turn span's lineage entry). */
export class TurnPhases {
  sttEndMs: number | undefined = undefined;
  sttSeconds: number | undefined = undefined;
  llmFirstTokenSeconds: number | undefined = undefined;
  ttsFirstByteMs: number | undefined = undefined;
  ttsFirstByteSeconds: number | undefined = undefined;

  /** A model call of the turn ended: `startMs`/`endMs` its span's times, `ttfc` its time to first chunk. */
  noteCall(operation: string, startMs: number, endMs: number, durationSeconds: number, ttfc: number | undefined): void {
    if (operation === Operation.SpeechToText) {
      // The last transcription is the one the user's silence ends.
      if (this.sttEndMs === undefined || endMs >= this.sttEndMs) {
        this.sttEndMs = endMs;
        this.sttSeconds = durationSeconds;
      }
    } else if (operation === Operation.TextToSpeech) {
      const firstByte = ttfc ?? durationSeconds;
      const at = startMs + firstByte * 1000;
      // The first audio the caller hears.
      if (this.ttsFirstByteMs === undefined || at < this.ttsFirstByteMs) {
        this.ttsFirstByteMs = at;
        this.ttsFirstByteSeconds = firstByte;
      }
    } else if (operation === Operation.Chat || operation === Operation.TextCompletion || operation === Operation.GenerateContent) {
      this.llmFirstTokenSeconds ??= ttfc ?? durationSeconds;
    }
  }
}

export interface TurnResult {
  readonly endReason: TurnEndReason;
  /** Seconds from the user's silence to the agent's speech; undefined when either is unknown. */
  readonly latencySeconds: number | undefined;
}

export function turnResult(attributes: Attributes, phases: TurnPhases | undefined, errorType: string): TurnResult {
  const marked = (key: string): number | undefined => {
    const v = attributes[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
  const user = marked(ATTR_AIMETER_TURN_USER_STOPPED_SPEAKING) ?? phases?.sttEndMs;
  const agent = marked(ATTR_AIMETER_TURN_AGENT_STARTED_SPEAKING) ?? phases?.ttsFirstByteMs;
  const latencySeconds = user !== undefined && agent !== undefined && agent >= user ? (agent - user) / 1000 : undefined;
  const endReason: TurnEndReason = errorType ? 'error' : attributes[ATTR_AIMETER_TURN_INTERRUPTED] === true ? 'interrupted' : 'completed';
  return { endReason, latencySeconds };
}
