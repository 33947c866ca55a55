/**
 * Target 1 -- per-call overhead: the real `openai` SDK calling a loopback server, plain and
 * streaming, sequentially and 16 at a time, in three modes (plain, contrib, aimeter; see
 * client.ts). The server runs in its own process; each mode's client in its own process (require
 * hooks patch per process), one client running at a time.
 *
 * Every round runs, for every scenario, every mode once (the mode order rotating). An
 * instrumented mode runs a PAIR of batches back to back in its own process: one with the
 * instrumentation on, one with it switched off (plain SDK, AsyncLocalStorage hooks removed), the
 * order alternating by round. "Added CPU" is the median over rounds of (on - off) per call: on this
 * shared machine a batch's CPU per call swings by 20% from one second to the next, far more than
 * the tens of microseconds measured, and the pair cancels what the two batches share. The plain
 * process runs one batch per round: its CPU per call beside the modes' "off" figure shows that
 * switching off is plain. Throughput ratio = on / off calls per second in the same pair.
 *
 * Usage: node dist/bench/overhead/index.js [--quick] [--in-process] [--scale=K]
 *        [--modes=plain,contrib,aimeter,aimeter-core,aimeter-spans,context-only]
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { median, percentile, runPart } from '../lib/stats';
import type { BatchRequest, BatchResult, Mode, Scenario, Transport } from './client';

export const MODES: readonly Mode[] = ['plain', 'contrib', 'aimeter'];

export interface OverheadCell {
  readonly scenario: Scenario;
  readonly concurrency: number;
  readonly mode: Mode;
  /** Instrumented batches (plain: its only batches). Medians over rounds. */
  readonly cpuUsPerCall: number;
  /** The same process switched off (plain: the same as cpuUsPerCall). */
  readonly offCpuUsPerCall: number;
  /** Median over rounds of (on - off) CPU per call; 0 for plain. */
  readonly addedCpuUs: number;
  /** First and third quartile of those differences: the spread behind the median. */
  readonly addedCpuUsQ1: number;
  readonly addedCpuUsQ3: number;
  readonly callsPerSecond: number;
  /** callsPerSecond / the off batch's, per round, median. */
  readonly throughputRatio: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface OverheadResult {
  readonly transport: Transport;
  readonly rounds: number;
  readonly callsPerBatch: Record<string, number>;
  readonly cells: OverheadCell[];
}

interface Client {
  request(batch: BatchRequest): Promise<BatchResult>;
  close(): void;
}

function waitFor<T>(child: ChildProcess, pick: (m: any) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: any): void => {
      if (message?.error !== undefined) return done(() => reject(new Error(message.error)));
      const value = pick(message);
      if (value !== undefined) done(() => resolve(value));
    };
    const onExit = (code: number | null): void => done(() => reject(new Error(`child exited with ${code}`)));
    const done = (settle: () => void): void => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      settle();
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

async function startClient(mode: Mode, url: string, transport: Transport): Promise<Client> {
  const child = fork(path.join(__dirname, 'client.js'), [mode, url, transport], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await waitFor(child, (m) => (m?.ready ? true : undefined));
  return {
    request(batch) {
      const reply = waitFor<BatchResult>(child, (m) => m?.result);
      child.send(batch);
      return reply;
    },
    close: () => child.disconnect(),
  };
}

export async function runOverhead(quick: boolean, modes: readonly Mode[] = MODES, transport: Transport = 'loopback', scale = 1): Promise<OverheadResult> {
  if (modes[0] !== 'plain') throw new Error('the first mode must be plain (the baseline)');
  const server = fork(path.join(__dirname, 'server.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = await waitFor<string>(server, (m) => m?.url);
  const clients = new Map<Mode, Client>();
  try {
    for (const mode of modes) clients.set(mode, await startClient(mode, url, transport));
    const rounds = quick ? 3 : 10;
    const cases = [
      { scenario: 'chat', concurrency: 1, calls: quick ? 300 : 800 },
      { scenario: 'chat', concurrency: 16, calls: quick ? 600 : 1600 },
      { scenario: 'stream', concurrency: 1, calls: quick ? 200 : 500 },
      { scenario: 'stream', concurrency: 16, calls: quick ? 400 : 1000 },
    ].map((c) => ({ ...c, scenario: c.scenario as Scenario, calls: Math.round(c.calls * scale) }));

    // Warm-up, on and off: JIT, connection pools, lazily loaded SDK modules. Per-call CPU keeps
    // falling over the first few thousand calls of a process, so this is not short.
    for (let w = 0; w < (quick ? 1 : 3); w++) {
      for (const c of cases) {
        for (const mode of modes) {
          await clients.get(mode)!.request({ ...c, instrumented: true });
          if (mode !== 'plain') await clients.get(mode)!.request({ ...c, instrumented: false });
        }
      }
    }

    const on = new Map<string, BatchResult[]>();
    const off = new Map<string, BatchResult[]>();
    const push = (m: Map<string, BatchResult[]>, k: string, r: BatchResult) => m.set(k, [...(m.get(k) ?? []), r]);
    const key = (c: { scenario: Scenario; concurrency: number }, mode: Mode) => `${c.scenario}/${c.concurrency}/${mode}`;
    for (let r = 0; r < rounds; r++) {
      for (const c of cases) {
        const order = modes.map((_, i) => modes[(i + r) % modes.length]!);
        for (const mode of order) {
          const client = clients.get(mode)!;
          if (mode === 'plain') {
            const result = await client.request({ ...c, instrumented: true });
            push(on, key(c, mode), result);
            push(off, key(c, mode), result);
            continue;
          }
          const first = r % 2 === 0;
          const a = await client.request({ ...c, instrumented: first });
          const b = await client.request({ ...c, instrumented: !first });
          push(on, key(c, mode), first ? a : b);
          push(off, key(c, mode), first ? b : a);
        }
      }
    }

    const cells: OverheadCell[] = [];
    for (const c of cases) {
      for (const mode of modes) {
        const s = on.get(key(c, mode))!;
        const o = off.get(key(c, mode))!;
        const added = s.map((b, r) => b.cpuUsPerCall - o[r]!.cpuUsPerCall);
        cells.push({
          scenario: c.scenario,
          concurrency: c.concurrency,
          mode,
          cpuUsPerCall: median(s.map((b) => b.cpuUsPerCall)),
          offCpuUsPerCall: median(o.map((b) => b.cpuUsPerCall)),
          addedCpuUs: median(added),
          addedCpuUsQ1: percentile(added, 25),
          addedCpuUsQ3: percentile(added, 75),
          callsPerSecond: median(s.map((b) => b.callsPerSecond)),
          throughputRatio: median(s.map((b, r) => b.callsPerSecond / o[r]!.callsPerSecond)),
          p50Ms: median(s.map((b) => b.p50Ms)),
          p99Ms: median(s.map((b) => b.p99Ms)),
        });
      }
    }
    return {
      transport,
      rounds,
      callsPerBatch: Object.fromEntries(cases.map((c) => [`${c.scenario}/${c.concurrency}`, c.calls])),
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
