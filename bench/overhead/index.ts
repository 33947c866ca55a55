/**
 * Target 1 -- per-call overhead: the real `openai` SDK calling a loopback server, plain and
 * streaming, sequentially and 16 at a time, in three modes (plain, contrib, aimeter; see
 * client.ts). The server runs in its own process; each mode's client in its own process (require
 * hooks patch per process), one client running at a time.
 *
 * Every round runs, for every scenario, every mode once (the mode order rotating). A mode's batch
 * is a run of pairs of small blocks of calls in its own process, its instrumentation switched on
 * for one block of each pair and off for the other (see client.ts). "Added CPU" is the median over
 * rounds of each batch's estimate (estimate.ts: the calls' own CPU, on - off, pair by pair, plus
 * the collector's price for the extra bytes allocated): on this shared machine a batch's CPU per
 * call swings by 20% from one second to the next, far more than the tens of microseconds
 * measured, and adjacent blocks tens of milliseconds long cancel what the two sides share. The
 * plain process runs the same batches with nothing to switch: its "added" figure is the noise
 * floor of the method.
 * Throughput ratio = on / off calls per second in the same batch.
 *
 * Usage: node dist/bench/overhead/index.js [--quick] [--in-process] [--scale=K]
 *        [--modes=plain,contrib,aimeter,aimeter-core,aimeter-spans,context-only]
 */
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { nextMessage } from '../lib/ipc';
import { median, percentile, runPart } from '../lib/stats';
import { estimateAdded, type Estimate } from './estimate';
import type { BatchRequest, BatchResult, Mode, Scenario, SideResult, Transport } from './client';

export const MODES: readonly Mode[] = ['plain', 'contrib', 'aimeter'];

export interface OverheadCell {
  readonly scenario: Scenario;
  /** Calls made inside a server request's context (true) or outside any context (false). */
  readonly inRequest: boolean;
  readonly concurrency: number;
  readonly mode: Mode;
  /** The "on" side of the batches, median over rounds. */
  readonly cpuUsPerCall: number;
  /** The same process switched off. */
  readonly offCpuUsPerCall: number;
  /** Median over rounds of the added CPU per call (estimate.ts); for plain (nothing to switch), the noise floor. */
  readonly addedCpuUs: number;
  /** First and third quartile over rounds: the spread behind the median. */
  readonly addedCpuUsQ1: number;
  readonly addedCpuUsQ3: number;
  /** Its two parts, medians over rounds: the calls' own CPU, and the collector's for the extra garbage. */
  readonly mutatorUs: number;
  readonly gcShareUs: number;
  /** Bytes allocated per call with the mode on, and how many more than off; medians over rounds. */
  readonly heapKBOn: number;
  readonly heapKBAdded: number;
  readonly callsPerSecond: number;
  /** callsPerSecond / the off batch's, per round, median. */
  readonly throughputRatio: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface OverheadResult {
  readonly transport: Transport;
  readonly rounds: number;
  /** Per scenario/concurrency: calls per block x blocks per batch. */
  readonly batchShape: Record<string, string>;
  readonly cells: OverheadCell[];
}

interface Client {
  request(batch: BatchRequest): Promise<BatchResult>;
  close(): void;
}


async function startClient(mode: Mode, url: string, transport: Transport): Promise<Client> {
  const child = fork(path.join(__dirname, 'client.js'), [mode, url, transport], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await nextMessage(child, (m) => (m?.ready ? true : undefined));
  return {
    request(batch) {
      const reply = nextMessage<BatchResult>(child, (m) => m?.result);
      child.send(batch);
      return reply;
    },
    close: () => child.disconnect(),
  };
}

export async function runOverhead(quick: boolean, modes: readonly Mode[] = MODES, transport: Transport = 'loopback', scale = 1): Promise<OverheadResult> {
  if (modes[0] !== 'plain') throw new Error('the first mode must be plain (the baseline)');
  const server = fork(path.join(__dirname, 'server.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = await nextMessage<string>(server, (m) => m?.url);
  const clients = new Map<Mode, Client>();
  try {
    for (const mode of modes) clients.set(mode, await startClient(mode, url, transport));
    const rounds = quick ? 3 : 10;
    const pairs = quick ? 12 : 24;
    // Blocks well under the ~100 calls between two young-generation collections, so that most
    // blocks have none (estimate.ts); at concurrency 16, two or three calls per worker.
    // Calls outside any context (a script, a queue consumer). Calls inside a server request are
    // measured in a real express app under the real preloads: bench/requests/ (the client's
    // simulated request context, inRequest, stays for diagnosis).
    const shapes = [
      { scenario: 'chat', concurrency: 1, blockCalls: 25 },
      { scenario: 'chat', concurrency: 16, blockCalls: 32 },
      { scenario: 'stream', concurrency: 1, blockCalls: 16 },
      { scenario: 'stream', concurrency: 16, blockCalls: 32 },
    ] as const;
    const cases = [false].flatMap((inRequest) =>
      shapes.map((c) => ({ ...c, inRequest, blockCalls: Math.max(1, Math.round(c.blockCalls * scale)), pairs })),
    );

    // Warm-up: JIT, connection pools, lazily loaded SDK modules. Per-call CPU keeps falling over
    // the first few thousand calls of a process, so this is not short.
    for (let w = 0; w < (quick ? 1 : 2); w++) {
      for (const c of cases) for (const mode of modes) await clients.get(mode)!.request({ ...c, seed: 1000 + w });
    }

    const results = new Map<string, BatchResult[]>();
    const key = (c: { scenario: Scenario; concurrency: number; inRequest: boolean }, mode: Mode) =>
      `${c.scenario}/${c.concurrency}/${c.inRequest}/${mode}`;
    for (let r = 0; r < rounds; r++) {
      for (const c of cases) {
        const order = modes.map((_, i) => modes[(i + r) % modes.length]!);
        for (const mode of order) {
          const result = await clients.get(mode)!.request({ ...c, seed: r + 1 });
          results.set(key(c, mode), [...(results.get(key(c, mode)) ?? []), result]);
        }
      }
    }

    const cells: OverheadCell[] = [];
    for (const c of cases) {
      for (const mode of modes) {
        const batches = results.get(key(c, mode))!;
        const on = (f: (s: SideResult) => number) => median(batches.map((b) => f(b.on)));
        const estimates = batches.map((b) => estimateAdded(b.blocks));
        const added = estimates.map((e) => e.addedCpuUs);
        const overRounds = (f: (e: Estimate) => number) => median(estimates.map(f));
        cells.push({
          scenario: c.scenario,
          inRequest: c.inRequest,
          concurrency: c.concurrency,
          mode,
          cpuUsPerCall: on((s) => s.cpuUsPerCall),
          offCpuUsPerCall: median(batches.map((b) => b.off.cpuUsPerCall)),
          addedCpuUs: median(added),
          addedCpuUsQ1: percentile(added, 25),
          addedCpuUsQ3: percentile(added, 75),
          mutatorUs: overRounds((e) => e.mutatorUs),
          gcShareUs: overRounds((e) => e.gcShareUs),
          heapKBOn: overRounds((e) => e.heapBytesOn / 1024),
          heapKBAdded: overRounds((e) => (e.heapBytesOn - e.heapBytesOff) / 1024),
          callsPerSecond: on((s) => s.callsPerSecond),
          throughputRatio: median(batches.map((b) => b.on.callsPerSecond / b.off.callsPerSecond)),
          p50Ms: on((s) => s.p50Ms),
          p99Ms: on((s) => s.p99Ms),
        });
      }
    }
    return {
      transport,
      rounds,
      batchShape: Object.fromEntries(cases.filter((c) => !c.inRequest).map((c) => [`${c.scenario}/${c.concurrency}`, `${c.blockCalls} x ${2 * c.pairs}`])),
      cells,
    };
  } finally {
    for (const client of clients.values()) client.close();
    server.disconnect();
  }
}

if (require.main === module) {
  const modes = process.argv.find((a) => a.startsWith('--modes='))?.slice('--modes='.length).split(',') as Mode[] | undefined;
  const transport = process.argv.includes('--in-process') ? 'in-process' : 'loopback';
  const scale = Number(process.argv.find((a) => a.startsWith('--scale='))?.slice('--scale='.length) ?? 1);
  runPart(() => runOverhead(process.argv.includes('--quick'), modes, transport, scale));
}
