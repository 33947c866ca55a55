/**
 * Trace and span ids cut from a pool of random hex, for the TracerProvider (tracer-provider.ts).
 *
 * sdk-trace's RandomIdGenerator writes Math.random() into a buffer and hex-encodes it at every id
 * (a native call per id; three ids per request with an HTTP server span and a model call): about
 * 2 us a request in a CPU profile of bench/requests. Here one call fills POOL_BYTES from the
 * system's random source and encodes them once; each id is then a substring. The ids are what
 * the SDK's are: lowercase hex, 32 characters for a trace and 16 for a span, never all zeros
 * (W3C trace context: an all-zero id is invalid).
 */
import type { IdGenerator } from '@opentelemetry/sdk-trace';

/**
 * 512 bytes: 32 span ids a refill. Small on purpose: an id is a slice of its pool's string and
 * keeps that string alive while the id is held (exemplars, evaluation links).
 */
const POOL_BYTES = 512;
const ALL_ZEROS = /^0+$/;

export class PooledIdGenerator implements IdGenerator {
  private pool = '';
  private at = 0;

  readonly generateTraceId = (): string => this.take(32);
  readonly generateSpanId = (): string => this.take(16);

  private take(chars: number): string {
    for (;;) {
      if (this.at + chars > this.pool.length) {
        // node:crypto at the first span, not at start (issue 10): a process that makes none never loads it.
        const { randomFillSync } = require('node:crypto') as typeof import('node:crypto');
        this.pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES)).toString('hex');
        this.at = 0;
      }
      const id = this.pool.slice(this.at, (this.at += chars));
      if (!ALL_ZEROS.test(id)) return id;
    }
  }
}
