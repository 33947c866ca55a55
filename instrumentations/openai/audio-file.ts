/**
 * Seconds of audio in an upload, read cheaply from its header when the response does not report
 * them. Supported: WAV (RIFF/WAVE with a `fmt ` chunk, any encoding: duration = data bytes /
 * byte rate) given as a Buffer / Uint8Array / ArrayBuffer, a Blob or File (incl. `toFile(...)`),
 * or an `fs.ReadStream` (its `path` is opened and the first 4 KiB read). Anything else (MP3, M4A,
 * OGG, FLAC, WebM, a fetch Response): undefined.
 */
import { open, stat } from 'node:fs/promises';

const HEAD = 4096;

/** Duration of a WAV from its first bytes; `totalSize` caps/replaces an unknown data size. */
export function wavSeconds(head: Uint8Array, totalSize?: number): number | undefined {
  const buf = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') return undefined;
  let offset = 12;
  let byteRate = 0;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    if (id === 'fmt ' && offset + 20 <= buf.length) byteRate = buf.readUInt32LE(offset + 16);
    if (id === 'data') {
      if (byteRate <= 0) return undefined;
      const available = totalSize !== undefined ? totalSize - offset - 8 : undefined;
      let dataBytes = size;
      if (size === 0 || size === 0xffffffff) dataBytes = available ?? 0;
      else if (available !== undefined) dataBytes = Math.min(size, available);
      return dataBytes > 0 ? dataBytes / byteRate : undefined;
    }
    offset += 8 + size + (size % 2);
  }
  return undefined;
}

interface BlobLike {
  size: number;
  slice(start?: number, end?: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

function isBlobLike(v: unknown): v is BlobLike {
  return v !== null && typeof v === 'object' && typeof (v as BlobLike).size === 'number' && typeof (v as BlobLike).slice === 'function';
}

/** Resolves to the seconds of audio, or undefined; never rejects. */
export async function uploadSeconds(file: unknown): Promise<number | undefined> {
  try {
    if (file instanceof ArrayBuffer) return wavSeconds(new Uint8Array(file), file.byteLength);
    if (ArrayBuffer.isView(file)) {
      const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
      return wavSeconds(bytes.subarray(0, HEAD), bytes.byteLength);
    }
    if (isBlobLike(file)) {
      const head = await file.slice(0, HEAD).arrayBuffer();
      return wavSeconds(new Uint8Array(head), file.size);
    }
    const path = (file as { path?: unknown } | null)?.path;
    if (path !== undefined && (typeof path === 'string' || Buffer.isBuffer(path)) && typeof (file as { pipe?: unknown }).pipe === 'function') {
      const handle = await open(path, 'r');
      try {
        const head = Buffer.alloc(HEAD);
        const { bytesRead } = await handle.read(head, 0, HEAD, 0);
        const { size } = await stat(path);
        return wavSeconds(head.subarray(0, bytesRead), size);
      } finally {
        await handle.close();
      }
    }
  } catch {
    // Unreadable: no duration.
  }
  return undefined;
}
