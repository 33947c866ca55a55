/**
 * From one batch's blocks (see client.ts), the CPU per call that switching the mode on adds.
 *
 * Why not simply (CPU of the on blocks - CPU of the off blocks) / calls: on this machine a young-
 * generation collection costs several milliseconds of CPU and runs every hundred-odd calls, in
 * whichever block happens to cross the threshold. A block's CPU is then either its calls' own
 * work or that plus a collection paid for the garbage of the blocks before it; the sums are
 * dominated by where the collections fell (a null run, plain against plain, read +-50 us). So the
 * two costs are measured apart, each in the way that does not depend on luck:
 *
 *   mutator   the calls' own CPU: per pair of adjacent blocks (one on, one off, in random order),
 *             on - off, each block's collection pauses first taken out at the rate (CPU per pause
 *             millisecond) seen in this batch; the median over pairs.
 *   GC share  what the extra garbage costs: (bytes allocated per call on - off), from the heap's
 *             growth over blocks in which no collection ran, times the collector's price per byte
 *             measured in the same batch (the extra CPU of the blocks with a collection, over all
 *             bytes the batch allocated).
 *
 * added = mutator + GC share. Both sides are priced at one rate; a mode that keeps more objects
 * alive across a collection (making each one dearer) is charged only for its bytes.
 */
export interface Block {
  readonly on: boolean;
  /** CPU (user + system) per call, microseconds. */
  readonly cpuUs: number;
  /** Collection pause time in the block, milliseconds (0: none ran). */
  readonly gcMs: number;
  /** Heap growth per call over the block, bytes (meaningful where gcMs is 0). */
  readonly heapBytes: number;
}

export interface Estimate {
  /** mutatorUs + gcShareUs. */
  readonly addedCpuUs: number;
  readonly mutatorUs: number;
  readonly gcShareUs: number;
  /** Bytes allocated per call, median over the blocks without a collection. */
  readonly heapBytesOn: number;
  readonly heapBytesOff: number;
  /** The collector's price in this batch, CPU microseconds per kilobyte allocated. */
  readonly gcUsPerKB: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function estimateAdded(blocks: readonly Block[]): Estimate {
  if (blocks.length < 4 || blocks.length % 2 !== 0) throw new Error(`estimateAdded: needs pairs of blocks, got ${blocks.length} blocks`);
  const side = (on: boolean) => {
    const clean = blocks.filter((b) => b.on === on && b.gcMs === 0);
    if (clean.length === 0) {
      throw new Error(`estimateAdded: a collection ran in every ${on ? 'on' : 'off'} block; make the blocks smaller (fewer calls per block)`);
    }
    return { cpuUs: median(clean.map((b) => b.cpuUs)), heapBytes: median(clean.map((b) => b.heapBytes)) };
  };
  const on = side(true);
  const off = side(false);
  const baseline = (b: Block) => (b.on ? on : off).cpuUs;

  const collected = blocks.filter((b) => b.gcMs > 0);
  // CPU per call per pause millisecond: the scavenger runs on helper threads too, so a pause costs
  // more CPU than its wall time.
  const perPauseMs = collected.length ? median(collected.map((b) => (b.cpuUs - baseline(b)) / b.gcMs)) : 0;
  const mutatorCpu = (b: Block) => b.cpuUs - perPauseMs * b.gcMs;

  const differences: number[] = [];
  for (let i = 0; i < blocks.length; i += 2) {
    const a = blocks[i]!;
    const b = blocks[i + 1]!;
    if (a.on === b.on) throw new Error(`estimateAdded: blocks ${i} and ${i + 1} are not an on/off pair`);
    differences.push(a.on ? mutatorCpu(a) - mutatorCpu(b) : mutatorCpu(b) - mutatorCpu(a));
  }
  const mutatorUs = median(differences);

  const gcExcessUs = collected.reduce((sum, b) => sum + b.cpuUs - baseline(b), 0);
  const bytesPerCallOverall = (on.heapBytes + off.heapBytes) / 2;
  const usPerByte = bytesPerCallOverall > 0 ? gcExcessUs / (blocks.length * bytesPerCallOverall) : 0;
  const gcShareUs = usPerByte * (on.heapBytes - off.heapBytes);
  return {
    addedCpuUs: mutatorUs + gcShareUs,
    mutatorUs,
    gcShareUs,
    heapBytesOn: on.heapBytes,
    heapBytesOff: off.heapBytes,
    gcUsPerKB: usPerByte * 1024,
  };
}
