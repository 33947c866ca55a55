/**
 * Target 1 -- per-call overhead: the real `openai` SDK calling a loopback server, plain and
 * streaming, sequentially and 16 at a time, in three modes (plain, contrib, aimeter; see
 * client.ts). The server runs in its own process; each mode's client in its own process (require
 * hooks patch per process). Batches are interleaved: every round runs every (scenario, mode) once,
 * the mode order rotating, and only one client runs at a time. Figures are medians over rounds;
 * "added CPU" is the median over rounds of (mode - plain) in the same round.
 *
 * Usage: node dist/bench/overhead/index.js [--quick] [--modes=plain,contrib,aimeter,aimeter-core,aimeter-spans]
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { median, runPart } from '../lib/stats';
import type { BatchRequest, BatchResult, Mode, Scenario, Transport } from './client';

export const MODES: readonly Mode[] = ['plain', 'contrib', 'aimeter'];

export interface OverheadCell {
  readonly scenario: Scenario;
  readonly concurrency: number;
  readonly mode: Mode;
  readonly cpuUsPerCall: number;
  /** CPU per call over the plain run of the same round (median over rounds). */
  readonly addedCpuUs: number;
  readonly callsPerSecond: number;
  /** callsPerSecond / plain's, per round, median. */
  readonly throughputRatio: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface OverheadResult {
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
    const rounds = quick ? 2 : 6;
    const cases: Array<{ scenario: Scenario; concurrency: number; calls: number }> = [
      { scenario: 'chat', concurrency: 1, calls: quick ? 150 : 400 },
      { scenario: 'chat', concurrency: 16, calls: quick ? 300 : 800 },
      { scenario: 'stream', concurrency: 1, calls: quick ? 150 : 400 },
      { scenario: 'stream', concurrency: 16, calls: quick ? 300 : 800 },
    ].map((c) => ({ ...c, scenario: c.scenario as Scenario, calls: Math.round(c.calls * scale) }));

    // Warm-up: JIT, connection pools, lazily loaded SDK modules.
    for (const c of cases) for (const mode of modes) await clients.get(mode)!.request({ ...c, calls: Math.ceil(c.calls / 2) });

    const samples = new Map<string, BatchResult[]>();
    const key = (c: { scenario: Scenario; concurrency: number }, mode: Mode) => `${c.scenario}/${c.concurrency}/${mode}`;
    for (let r = 0; r < rounds; r++) {
      for (const c of cases) {
        const order = modes.map((_, i) => modes[(i + r) % modes.length]!);
        for (const mode of order) {
          const result = await clients.get(mode)!.request(c);
          samples.set(key(c, mode), [...(samples.get(key(c, mode)) ?? []), result]);
        }
      }
    }

    const cells: OverheadCell[] = [];
    for (const c of cases) {
      const plain = samples.get(key(c, 'plain'))!;
      for (const mode of modes) {
        const s = samples.get(key(c, mode))!;
        cells.push({
          scenario: c.scenario,
          concurrency: c.concurrency,
          mode,
          cpuUsPerCall: median(s.map((b) => b.cpuUsPerCall)),
          addedCpuUs: median(s.map((b, r) => b.cpuUsPerCall - plain[r]!.cpuUsPerCall)),
          callsPerSecond: median(s.map((b) => b.callsPerSecond)),
          throughputRatio: median(s.map((b, r) => b.callsPerSecond / plain[r]!.callsPerSecond)),
          p50Ms: median(s.map((b) => b.p50Ms)),
          p99Ms: median(s.map((b) => b.p99Ms)),
        });
      }
    }
    return {
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
