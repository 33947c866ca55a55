/**
 * Per-request overhead inside a real server request (issue 16, issue 15): the express app of
 * app.ts, in a child process of its own per set-up, all side by side in one run:
 *   bare      `node app.js`: no telemetry
 *   contrib   `node --require contrib-preload.js app.js`: NodeSDK + instrumentation-http +
 *             @opentelemetry/instrumentation-openai, its metrics recorded and exported through
 *             @opentelemetry/exporter-prometheus, as contrib's users run it (see contrib-preload.ts)
 *   aimeter   `node --require dist/bundle/register.cjs app.js`: the real preload, defaults (/metrics
 *             served, the HTTP and provider-SDK instrumentations, the processor, prices)
 *   context-only  no telemetry, only AsyncLocalStorage switched on (context-only-preload.ts): what
 *             both pay for context propagation on Node 20, so that each one's own work shows
 *   contrib-metrics-only  (cpu mode) contrib without a tracer provider: non-recording spans
 * (diagnostic, `--modes=`: contrib-http-metrics, contrib with instrumentation-http's metrics on.)
 * A load generator (this process) sends GET /chat and GET /stream over loopback, sequentially and
 * 16 at a time; each route makes one call of the real `openai` SDK to the loopback provider
 * (bench/overhead/server.ts, a process of its own). Every mode gets OTEL_TRACES_EXPORTER=none.
 *
 * Two ways to count, one figure each: the app's added cost per request over bare.
 *   cpu (default)   the app process's CPU (user + system, all threads) per request. Each cycle runs
 *                   one block of requests per mode, modes in a random order, and "added" is the
 *                   cycle's figure minus bare's in the same cycle (adjacent blocks share the host's
 *                   load, which swings by 20% from one second to the next here); the median over
 *                   cycles, with the quartiles.
 *   instructions    (`--instructions`) each app under valgrind's callgrind; the app calls
 *                   os.loadavg() at each block boundary (its IPC mark), where callgrind dumps
 *                   its counters (`--dump-before=uv_loadavg`): instructions per request in one
 *                   block after a warm-up, on the main thread. Every set-up runs with the V8
 *                   flags of DETERMINISTIC_V8 (no background compiler or GC threads: that work
 *                   runs, and is counted, on the main thread; fixed GC schedule and seeds) and
 *                   collects garbage before each block, and the JIT's compiles are subtracted
 *                   (JIT_ENTRY): two runs then agree within 1% on bare's blocks and within 1%
 *                   to 24% on the added instructions per shape (concurrency 16 and streaming
 *                   keep some timing of their own: which requests interleave, how events
 *                   coalesce into reads). Without them, added instructions moved by 2 to 90%
 *                   between runs, with the compilers finishing whenever the host let them.
 *                   Blind to the host's load; about 60 times slower.
 * At the end every app's /metrics is scraped: the requests must have been counted there.
 *
 * Usage: node dist/bench/requests/index.js [--quick] [--instructions] [--modes=bare,contrib,aimeter]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { nextMessage } from '../lib/ipc';
import { mulberry32 } from '../lib/random';
import { median, percentile, runPart } from '../lib/stats';

export type RequestMode = 'bare' | 'context-only' | 'contrib' | 'aimeter' | 'contrib-metrics-only' | 'contrib-http-metrics';
export type RequestScenario = 'chat' | 'stream';
export type Method = 'cpu' | 'instructions';

/** The default modes: cpu mode adds contrib-metrics-only beside them (valgrind time is dear). */
export const REQUEST_MODES: readonly RequestMode[] = ['bare', 'context-only', 'contrib', 'aimeter'];
export const CPU_MODES: readonly RequestMode[] = [...REQUEST_MODES, 'contrib-metrics-only'];
const ROOT = path.join(__dirname, '..', '..', '..');
const APP = path.join(__dirname, 'app.js');
const REGISTER = path.join(ROOT, 'dist', 'bundle', 'register.cjs');
const CONTRIB = path.join(__dirname, 'contrib-preload.js');
const CONTEXT_ONLY = path.join(__dirname, 'context-only-preload.js');

export interface RequestCell {
  readonly scenario: RequestScenario;
  readonly concurrency: number;
  readonly mode: RequestMode;
  /** CPU microseconds (cpu) or instructions (instructions) per request, median over cycles. */
  readonly perRequest: number;
  /** Over bare, median over cycles (cpu: cycle by cycle; instructions: one block). */
  readonly added: number;
  readonly addedQ1: number;
  readonly addedQ3: number;
  /** Requests per second during the measured blocks (cpu mode only; 0 under valgrind). */
  readonly requestsPerSecond: number;
  /** Instruction mode: compilation per request in the block, left out of perRequest (JIT_ENTRY). */
  readonly compilePerRequest?: number;
}

export interface RequestsResult {
  readonly method: Method;
  /** cpu: cycles; instructions: 1 (one measured block per shape). */
  readonly cycles: number;
  /** Requests per measured block, per shape ("chat/1": 60). */
  readonly blockRequests: Record<string, number>;
  readonly cells: RequestCell[];
  /** Per mode: GenAI calls counted on its /metrics at the end, and requests sent in all. */
  readonly counted: Record<string, { readonly calls: number; readonly requests: number }>;
}

/**
 * block: requests per measured block (cpu mode). Under valgrind (about 0.3 s a request), one
 * block of valgrindBlock after valgrindWarmup requests of the shape; the first shape of each
 * route warms the code up, the second mostly its concurrency.
 */
const SHAPES = [
  { scenario: 'chat', concurrency: 1, block: 60, valgrindBlock: 128, valgrindWarmup: 400 },
  { scenario: 'chat', concurrency: 16, block: 96, valgrindBlock: 128, valgrindWarmup: 100 },
  { scenario: 'stream', concurrency: 1, block: 40, valgrindBlock: 128, valgrindWarmup: 400 },
  { scenario: 'stream', concurrency: 16, block: 96, valgrindBlock: 128, valgrindWarmup: 100 },
] as const;

/**
 * --quick under valgrind: half the warm-up, blocks of 64. Blocks are long because what is left of
 * the run-to-run spread is the garbage collector's quantum: with the same heap at the start, a
 * block of 32 requests takes one scavenge or two depending on a few bytes (about 8M instructions,
 * 250k per request); 64 and 128 requests halve and quarter that.
 */
const QUICK_VALGRIND_BLOCK = 64;

interface Mark {
  readonly cpuUs: number;
}

interface App {
  readonly mode: RequestMode;
  readonly child: ChildProcess;
  readonly port: number;
  readonly metricsPort: number;
  readonly agent: http.Agent;
  requests: number;
  mark(): Promise<Mark>;
  /** A full garbage collection in the app (under valgrind: --expose-gc), answered when done. */
  collect(): Promise<true>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}


/**
 * V8 flags of every app under valgrind (all set-ups alike), so that two runs count the same work:
 *   --single-threaded         no background compiler or GC threads: optimizing compiles and GC
 *                             marking run on the main thread when their (deterministic) budgets
 *                             say, instead of finishing whenever the scheduler lets a helper run
 *                             (the main thread's count then moved with the host's load);
 *   --predictable-gc-schedule fixed new-space size and heap growth (no growth heuristics);
 *   --no-flush-bytecode       no function dropped for being idle and compiled again later;
 *   --hash-seed, --random-seed fixed hash tables and Math.random (span and trace ids);
 *   --expose-gc               the app collects garbage before each measured block (outside it).
 */
const DETERMINISTIC_V8 = ['--single-threaded', '--predictable-gc-schedule', '--no-flush-bytecode', '--hash-seed=15', '--random-seed=15', '--expose-gc'];

/**
 * Where V8 enters its compilers from JavaScript: lazy compilation to bytecode, Sparkplug's batches
 * (from the budget interrupt's tick), TurboFan (synchronous under --single-threaded) and
 * on-stack replacement. Only generated code calls them, and no JavaScript runs inside a compile,
 * so they never nest: the inclusive cost of the calls to them in a dump is the block's
 * compilation, which is subtracted. In a long-running server compilation amortises to nothing
 * per request, but in a block after a few hundred requests it is the largest term (the app keeps
 * optimizing some function every few requests for thousands of requests: `--trace-opt`), and it
 * grows or shrinks with the warm-up. What is counted is running the code (the app, the SDKs, the
 * instrumentations), the garbage collector, deoptimizations and the runtime. (Callgrind's
 * --toggle-collect at these functions was tried first: its state ended up inverted, counting
 * compiles only.)
 */
const JIT_ENTRY = /^cfn=(?:\(\d+\) )?v8::internal::(Runtime_CompileLazy|Runtime_CompileBaseline|Runtime_CompileOptimized\w*|TieringManager::OnInterruptTick)\(/;

/** A dump's instructions spent compiling: the inclusive costs of the calls to JIT_ENTRY functions. */
export function compileInstructions(dump: string): number {
  let total = 0;
  let inJit = false;
  let afterCalls = false;
  for (const line of dump.split('\n')) {
    if (afterCalls) {
      // The line after `calls=`: "<position> <inclusive Ir>".
      afterCalls = false;
      if (inJit) total += Number(line.slice(line.lastIndexOf(' ') + 1));
      continue;
    }
    if (line.startsWith('cfn=')) inJit = JIT_ENTRY.test(line);
    else if (line.startsWith('calls=')) afterCalls = true;
  }
  return total;
}

function preloadArgs(mode: RequestMode): string[] {
  if (mode === 'aimeter') return ['--require', REGISTER];
  if (mode.startsWith('contrib')) return ['--require', CONTRIB];
  if (mode === 'context-only') return ['--require', CONTEXT_ONLY];
  return [];
}

async function startApp(mode: RequestMode, fakeUrl: string, valgrindDir: string | undefined): Promise<App> {
  const metricsPort = await freePort();
  const valgrind = valgrindDir
    ? {
        execPath: 'valgrind',
        execArgv: [
          '--tool=callgrind',
          '--dump-before=uv_loadavg',
          // Full names in every dump: each part is read on its own (JIT_ENTRIES).
          '--compress-strings=no',
          '--compress-pos=no',
          // Per thread: the marks dump the main thread's counters only (file suffix -01).
          '--separate-threads=yes',
          `--callgrind-out-file=${path.join(valgrindDir, `${mode}.cg`)}`,
          `--log-file=${path.join(valgrindDir, `${mode}.log`)}`,
          process.execPath,
          ...DETERMINISTIC_V8,
          ...preloadArgs(mode),
        ],
      }
    : { execArgv: preloadArgs(mode) };
  const child = fork(APP, [], {
    ...valgrind,
    cwd: ROOT,
    env: {
      ...process.env,
      FAKE_OPENAI_URL: fakeUrl,
      OTEL_SERVICE_NAME: 'bench-app',
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
      AIMETER_BENCH_HTTP_METRICS: mode === 'contrib-http-metrics' ? 'true' : 'false',
      AIMETER_BENCH_CONTRIB_TRACES: mode === 'contrib-metrics-only' ? 'none' : 'recorded',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await nextMessage<number>(child, (m) => (typeof m?.port === 'number' ? m.port : undefined));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  return {
    mode,
    child,
    port,
    metricsPort,
    agent,
    requests: 0,
    mark() {
      const reply = nextMessage<Mark>(child, (m) => (typeof m?.cpuUs === 'number' ? m : undefined));
      child.send({ mark: true });
      return reply;
    },
    collect() {
      const reply = nextMessage<true>(child, (m) => (m?.collected === true ? true : undefined));
      child.send({ collect: true });
      return reply;
    },
  };
}

function get(agent: http.Agent | undefined, port: number, route: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: route, agent }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (d: string) => (body += d));
      response.on('end', () => (response.statusCode === 200 ? resolve(body) : reject(new Error(`GET ${route}: ${response.statusCode} ${body}`))));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

/** `count` requests, `concurrency` at a time; resolves when the last has been read. */
async function drive(app: App, scenario: RequestScenario, count: number, concurrency: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      const body = await get(app.agent, app.port, `/${scenario}`);
      if (body.length === 0) throw new Error(`empty answer from ${app.mode}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  app.requests += count;
}


/** GenAI calls on a /metrics page: the counts of the operation-duration histogram, whichever producer. */
async function countedCalls(app: App): Promise<number> {
  if (app.mode === 'bare') return 0;
  const text = await get(undefined, app.metricsPort, '/metrics');
  let calls = 0;
  for (const line of text.split('\n')) {
    if (/^gen_ai_client_operation_duration(_seconds)?_count\{/.test(line)) calls += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return calls;
}

async function measureCpu(apps: App[], quick: boolean): Promise<Omit<RequestsResult, 'counted'>> {
  const cycles = quick ? 12 : 40;
  const warmup = quick ? 300 : 1000;
  const random = mulberry32(16);
  const cells: RequestCell[] = [];
  for (const shape of SHAPES) {
    for (const app of apps) await drive(app, shape.scenario, warmup, shape.concurrency);
    const perRequest = new Map<RequestMode, number[]>(apps.map((a) => [a.mode, []]));
    const rates = new Map<RequestMode, number[]>(apps.map((a) => [a.mode, []]));
    for (let c = 0; c < cycles; c++) {
      const order = [...apps].sort(() => random() - 0.5);
      for (const app of order) {
        const before = await app.mark();
        const t = performance.now();
        await drive(app, shape.scenario, shape.block, shape.concurrency);
        const ms = performance.now() - t;
        const after = await app.mark();
        perRequest.get(app.mode)!.push((after.cpuUs - before.cpuUs) / shape.block);
        rates.get(app.mode)!.push(shape.block / (ms / 1000));
      }
    }
    const bare = perRequest.get('bare')!;
    for (const app of apps) {
      const own = perRequest.get(app.mode)!;
      const added = own.map((x, i) => x - bare[i]!);
      cells.push({
        scenario: shape.scenario,
        concurrency: shape.concurrency,
        mode: app.mode,
        perRequest: median(own),
        added: median(added),
        addedQ1: percentile(added, 25),
        addedQ3: percentile(added, 75),
        requestsPerSecond: median(rates.get(app.mode)!),
      });
    }
  }
  return { method: 'cpu', cycles, blockRequests: Object.fromEntries(SHAPES.map((s) => [`${s.scenario}/${s.concurrency}`, s.block])), cells };
}

/**
 * callgrind's dumps of one app's main thread: part number -> instructions (Ir) since the previous
 * dump, and how many of them were compiling (JIT_ENTRY).
 */
function callgrindParts(dir: string, mode: RequestMode): Map<number, { readonly total: number; readonly compile: number }> {
  const parts = new Map<number, { total: number; compile: number }>();
  for (const file of readdirSync(dir)) {
    if (!file.startsWith(`${mode}.cg.`) || !file.endsWith('-01')) continue;
    const text = readFileSync(path.join(dir, file), 'utf8');
    const part = /^part: (\d+)$/m.exec(text);
    const summary = /^summary: (\d+)$/m.exec(text);
    if (part && summary) parts.set(Number(part[1]), { total: Number(summary[1]), compile: compileInstructions(text) });
  }
  return parts;
}

async function measureInstructions(apps: App[], quick: boolean): Promise<Omit<RequestsResult, 'counted'>> {
  const scale = quick ? 0.5 : 1;
  // Mark k makes callgrind's dump k, which covers everything since mark k - 1 (part 1: start-up
  // and the first warm-up): the measured blocks end at marks 2, 4, 6, 8 (see instructionCells).
  // The apps run at the same time (each valgrind is single-threaded); counts do not depend on it.
  await Promise.all(
    apps.map(async (app) => {
      for (const shape of SHAPES) {
        await drive(app, shape.scenario, Math.round(shape.valgrindWarmup * scale), shape.concurrency);
        // Every block starts from the same heap (empty new space, no marking under way); the
        // collection is counted in the warm-up's part, before the mark.
        await app.collect();
        await app.mark();
        await drive(app, shape.scenario, quick ? QUICK_VALGRIND_BLOCK : shape.valgrindBlock, shape.concurrency);
        await app.mark();
      }
    }),
  );
  const blockRequests = Object.fromEntries(SHAPES.map((s) => [`${s.scenario}/${s.concurrency}`, quick ? QUICK_VALGRIND_BLOCK : s.valgrindBlock]));
  return { method: 'instructions', cycles: 1, blockRequests, cells: [] };
}

async function instructionCells(apps: App[], dir: string, blocks: RequestsResult['blockRequests']): Promise<RequestCell[]> {
  const perRequest = new Map<RequestMode, number[]>();
  /** Compilation per request, left out of perRequest ("aimeter chat/1" -> instructions). */
  const compiles = new Map<string, number>();
  for (const app of apps) {
    const parts = callgrindParts(dir, app.mode);
    // Marks 2, 4, 6, 8 close the measured blocks (see measureInstructions).
    perRequest.set(
      app.mode,
      SHAPES.map((s, i) => {
        const value = parts.get(2 * (i + 1));
        if (value === undefined) throw new Error(`callgrind wrote no part ${2 * (i + 1)} for ${app.mode} (see ${dir})`);
        const n = blocks[`${s.scenario}/${s.concurrency}`]!;
        compiles.set(`${app.mode} ${s.scenario}/${s.concurrency}`, value.compile / n);
        return (value.total - value.compile) / n;
      }),
    );
  }
  const cells: RequestCell[] = [];
  SHAPES.forEach((shape, i) => {
    const bare = perRequest.get('bare')![i]!;
    for (const app of apps) {
      const own = perRequest.get(app.mode)![i]!;
      const compile = compiles.get(`${app.mode} ${shape.scenario}/${shape.concurrency}`);
      cells.push({ scenario: shape.scenario, concurrency: shape.concurrency, mode: app.mode, perRequest: own, added: own - bare, addedQ1: own - bare, addedQ3: own - bare, requestsPerSecond: 0, compilePerRequest: compile });
    }
  });
  return cells;
}

async function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => child.once('exit', () => resolve()));
}

export async function runRequests(quick: boolean, method: Method, modes: readonly RequestMode[] = method === 'cpu' ? CPU_MODES : REQUEST_MODES): Promise<RequestsResult> {
  if (modes[0] !== 'bare') throw new Error('the first mode must be bare (the baseline)');
  const server = fork(path.join(__dirname, '..', 'overhead', 'server.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const fakeUrl = await nextMessage<string>(server, (m) => m?.url);
  const dir = method === 'instructions' ? mkdtempSync(path.join(os.tmpdir(), 'aimeter-callgrind-')) : undefined;
  const apps: App[] = [];
  try {
    for (const mode of modes) apps.push(await startApp(mode, fakeUrl, dir));
    const partial = method === 'cpu' ? await measureCpu(apps, quick) : await measureInstructions(apps, quick);
    const counted: Record<string, { calls: number; requests: number }> = {};
    // A failed scrape (-1 calls) is reported, not thrown: it must not discard the measurements.
    for (const app of apps) counted[app.mode] = { calls: await countedCalls(app).catch(() => -1), requests: app.requests };
    for (const app of apps) app.child.disconnect();
    await Promise.all(apps.map((a) => waitForExit(a.child)));
    const cells = method === 'cpu' ? partial.cells : await instructionCells(apps, dir!, partial.blockRequests);
    return { ...partial, cells, counted };
  } finally {
    for (const app of apps) {
      app.agent.destroy();
      if (app.child.connected) app.child.disconnect();
    }
    server.disconnect();
    if (dir && !process.env.AIMETER_BENCH_KEEP_CALLGRIND) rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const modes = process.argv.find((a) => a.startsWith('--modes='))?.slice('--modes='.length).split(',') as RequestMode[] | undefined;
  runPart(() => runRequests(process.argv.includes('--quick'), process.argv.includes('--instructions') ? 'instructions' : 'cpu', modes));
}
