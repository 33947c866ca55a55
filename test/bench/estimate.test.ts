/**
 * The overhead bench's estimator (bench/overhead/estimate.ts) on synthetic batches whose answer is
 * known: calls cost BASE (+ ADDED when on), a collection costs PAUSE_CPU per call in the block it
 * lands in, every ~GC_EVERY blocks. The estimate must recover ADDED whichever side the
 * collections fall on, and price the extra garbage of the "on" side.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateAdded, type Block } from '../../bench/overhead/estimate';

const BASE = 400;
const ADDED = 40;
const PAUSE_MS = 3;
/** CPU per call that one collection adds to its block: 2 CPU-ms per pause-ms over 25 calls. */
const PAUSE_CPU = (2 * PAUSE_MS * 1000) / 25;

function batch(opts: { added: number; collectionsOn: 'on' | 'off' | 'both'; bytesOn: number; bytesOff: number }): Block[] {
  const blocks: Block[] = [];
  for (let pair = 0; pair < 16; pair++) {
    const onFirst = pair % 3 === 0;
    for (const on of [onFirst, !onFirst]) {
      // Collections every other pair, all on one side: the worst luck for a plain on - off sum.
      const collects = pair % 2 === 0 && (opts.collectionsOn === 'both' ? on === onFirst : (opts.collectionsOn === 'on') === on);
      const jitter = ((pair * 7 + (on ? 3 : 0)) % 5) - 2; // deterministic noise, +-2 us
      blocks.push({
        on,
        cpuUs: BASE + (on ? opts.added : 0) + jitter + (collects ? PAUSE_CPU : 0),
        gcMs: collects ? PAUSE_MS : 0,
        heapBytes: on ? opts.bytesOn : opts.bytesOff,
      });
    }
  }
  return blocks;
}

describe('bench overhead estimate', () => {
  test('recovers the added CPU whichever side the collections land on', () => {
    for (const collectionsOn of ['on', 'off', 'both'] as const) {
      const blocks = batch({ added: ADDED, collectionsOn, bytesOn: 100_000, bytesOff: 100_000 });
      const e = estimateAdded(blocks);
      assert.ok(Math.abs(e.mutatorUs - ADDED) <= 4, `${collectionsOn}: mutator ${e.mutatorUs}`);
      assert.equal(e.gcShareUs, 0, 'same bytes on both sides: no GC share');
      // The case the estimator exists for: a plain mean of on - off is thrown far off by where
      // the collections fell.
      const mean = (on: boolean) => blocks.filter((b) => b.on === on).reduce((s, b) => s + b.cpuUs, 0) / 16;
      if (collectionsOn !== 'both') assert.ok(Math.abs(mean(true) - mean(false) - ADDED) > 100, `plain mean ${mean(true) - mean(false)}`);
    }
  });

  test('a plain-against-plain batch reads about zero', () => {
    const e = estimateAdded(batch({ added: 0, collectionsOn: 'on', bytesOn: 120_000, bytesOff: 120_000 }));
    assert.ok(Math.abs(e.addedCpuUs) <= 4, `noise floor ${e.addedCpuUs}`);
  });

  test('extra bytes allocated are charged at the batch collector price', () => {
    const e = estimateAdded(batch({ added: ADDED, collectionsOn: 'both', bytesOn: 120_000, bytesOff: 100_000 }));
    // 8 collections, each PAUSE_CPU per call of its block, over 32 blocks of ~110 KB per call.
    const usPerByte = (8 * PAUSE_CPU) / (32 * 110_000);
    assert.ok(Math.abs(e.gcUsPerKB - usPerByte * 1024) / (usPerByte * 1024) < 0.05, `price ${e.gcUsPerKB} us/KB`);
    assert.ok(Math.abs(e.gcShareUs - usPerByte * 20_000) < 1, `GC share ${e.gcShareUs}`);
    assert.ok(Math.abs(e.addedCpuUs - (ADDED + usPerByte * 20_000)) <= 4, `added ${e.addedCpuUs}`);
    assert.equal(e.heapBytesOn - e.heapBytesOff, 20_000);
  });

  test('rejects batches it cannot read, naming why', () => {
    assert.throws(() => estimateAdded([]), /needs pairs of blocks/);
    const same: Block = { on: true, cpuUs: 1, gcMs: 0, heapBytes: 1 };
    assert.throws(() => estimateAdded([same, same, { ...same, on: false }, { ...same, on: false }]), /not an on\/off pair/);
    const allCollected = batch({ added: 0, collectionsOn: 'on', bytesOn: 1, bytesOff: 1 }).map((b) => ({ ...b, gcMs: b.on ? 1 : 0 }));
    assert.throws(() => estimateAdded(allCollected), /a collection ran in every on block; make the blocks smaller/);
  });
});
