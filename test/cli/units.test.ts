/**
 * The command line's parts that need no Prometheus: durations and times, thresholds, range
 * splitting, tables in 80 columns, colours, and a start that loads no tracing SDK.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { colorEnabled } from '../../src/cli/context';
import { CliError } from '../../src/cli/errors';
import { colorsFor, formatValue, renderTable, visibleLength } from '../../src/cli/format';
import { parseThreshold } from '../../src/cli/objectives';
import { MAX_POINTS_PER_SERIES, rangeChunks } from '../../src/cli/prometheus-client';
import { parseDuration, parseTime, resolveRange } from '../../src/cli/time';
import { CLI } from './support';

describe('durations and times', () => {
  it('reads the usual duration forms', () => {
    assert.equal(parseDuration('90s', '--x'), 90);
    assert.equal(parseDuration('15m', '--x'), 900);
    assert.equal(parseDuration('1h30m', '--x'), 5400);
    assert.equal(parseDuration('7d', '--x'), 604800);
    assert.equal(parseDuration('500ms', '--x'), 0.5);
  });
  it('refuses what is not a duration, naming the flag', () => {
    assert.throws(() => parseDuration('5x', '--range'), (e: CliError) => e.exitCode === 2 && /--range "5x" is not a duration/.test(e.message));
    assert.throws(() => parseDuration('0s', '--step'), /--step "0s" must be longer than zero/);
  });
  it('reads dates as UTC, Unix seconds, now and durations ago', () => {
    const now = 1_800_000_000;
    assert.equal(parseTime('2026-11-30', '--since', now), Date.UTC(2026, 10, 30) / 1000);
    assert.equal(parseTime('2026-11-30T12:00', '--since', now), Date.UTC(2026, 10, 30, 12) / 1000);
    assert.equal(parseTime('2026-11-30T12:00:00+01:00', '--since', now), Date.UTC(2026, 10, 30, 11) / 1000);
    assert.equal(parseTime('1796169600', '--since', now), 1796169600);
    assert.equal(parseTime('now', '--until', now), now);
    assert.equal(parseTime('2h', '--since', now), now - 7200);
    assert.throws(() => parseTime('yesterday', '--since', now), /--since "yesterday" is not a time/);
  });
  it('resolves the range from any two of --since, --until and --range', () => {
    const now = 1_800_000_000;
    assert.deepEqual(resolveRange({}, '24h', now), { start: now - 86400, end: now });
    assert.deepEqual(resolveRange({ range: '1h', until: '1799990000' }, '24h', now), { start: 1799986400, end: 1799990000 });
    assert.deepEqual(resolveRange({ since: '1799990000', range: '1h' }, '24h', now), { start: 1799990000, end: 1799993600 });
    assert.deepEqual(resolveRange({ since: '1799990000' }, '24h', now), { start: 1799990000, end: now });
    assert.throws(() => resolveRange({ since: '1', until: '2', range: '1h' }, '24h', now), /at most two/);
    assert.throws(() => resolveRange({ since: '1799990000', until: '1799980000' }, '24h', now), /ends .* before it starts/);
  });
});

describe('thresholds', () => {
  it('reads durations, percentages, dollars and plain numbers', () => {
    assert.deepEqual(parseThreshold('p95=2s', 'max'), { key: 'p95', op: 'max', value: 2, text: 'p95 <= 2s' });
    assert.equal(parseThreshold('p95=500ms', 'max').value, 0.5);
    assert.equal(parseThreshold('error_rate=2%', 'max').value, 0.02);
    assert.equal(parseThreshold('cost=$50', 'max').value, 50);
    assert.equal(parseThreshold('resolution=0.8', 'min').value, 0.8);
    assert.throws(() => parseThreshold('p95', 'max'), /--max "p95" must be figure=value/);
    assert.throws(() => parseThreshold('p95=fast', 'max'), /"fast" is not a number/);
  });
});

describe('range splitting', () => {
  it('keeps each chunk within the points limit, with no step lost or repeated', () => {
    const step = 300;
    const start = 1_000_000;
    const end = start + 40 * 86400;
    const chunks = rangeChunks(start, end, step);
    assert.equal(chunks.length, 2);
    let expected = start;
    for (const c of chunks) {
      assert.equal(c.start, expected);
      assert.ok((c.end - c.start) / step + 1 <= MAX_POINTS_PER_SERIES);
      expected = c.end + step;
    }
    assert.equal(chunks.at(-1)?.end, end);
    assert.deepEqual(rangeChunks(0, 600, 300), [{ start: 0, end: 600 }]);
  });
});

describe('output', () => {
  it('says "no data" rather than 0, and writes units people read', () => {
    assert.equal(formatValue(null, 'count'), 'no data');
    assert.equal(formatValue(NaN, 'seconds'), 'no data');
    assert.equal(formatValue(0, 'count'), '0');
    assert.equal(formatValue(0.608, 'seconds'), '608 ms');
    assert.equal(formatValue(67.5, 'seconds'), '1m08s');
    assert.equal(formatValue(1.775, 'seconds'), '1.77 s');
    assert.equal(formatValue(0.00078125, 'usd'), '$0.000781');
    assert.equal(formatValue(2093.5, 'usd'), '$2,094');
    assert.equal(formatValue(2 / 3, 'ratio'), '66.7%');
  });
  it('fits a wide table in 80 columns by continuing its columns below', () => {
    const head = ['model', ...Array.from({ length: 12 }, (_, i) => `column${i}`)];
    const rows = [['a-model-name-that-is-far-too-long-for-any-table', ...Array.from({ length: 12 }, () => '$0.000123')]];
    const text = renderTable({ head, rows }, colorsFor(false));
    for (const line of text.split('\n')) assert.ok(visibleLength(line) <= 80, `too wide: ${line}`);
    assert.match(text, /column0/);
    assert.match(text, /column11/);
    assert.match(text, /a-model-name-that-is-far-to…/);
  });
  it('colours only on a terminal without NO_COLOR or --no-color', () => {
    assert.equal(colorEnabled(true, false, true), true);
    assert.equal(colorEnabled(true, true, true), false);
    assert.equal(colorEnabled(false, false, true), false);
    assert.equal(colorEnabled(true, false, false), false);
    assert.equal(colorsFor(false).red('x'), 'x');
    assert.equal(colorsFor(true).red('x'), '\u001b[31mx\u001b[39m');
  });
});

describe('start-up', () => {
  it('loads neither the tracing SDK nor the instrumentations (the command line starts fast)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aimeter-cli-load-'));
    const hook = join(dir, 'hook.js');
    const out = join(dir, 'loaded.json');
    writeFileSync(hook, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(Object.keys(require.cache))));`);
    execFileSync(process.execPath, ['--require', hook, CLI, 'check', '--help'], { encoding: 'utf8' });
    const loaded = JSON.parse(readFileSync(out, 'utf8')) as string[];
    assert.ok(loaded.some((f) => f.includes('commander')), 'the hook saw the CLI load');
    const heavy = loaded.filter((f) => /@opentelemetry|import-in-the-middle|prom-client|[\\/]src[\\/](sdk|tracing|processor|instrumentations)[\\/]|[\\/]instrumentations[\\/]/.test(f));
    assert.deepEqual(heavy, []);
  });
  it('answers --help with exit 0 and an unknown flag with exit 2', () => {
    assert.match(execFileSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' }), /snapshot/);
    assert.throws(
      () => execFileSync(process.execPath, [CLI, 'snapshot', '--bogus'], { encoding: 'utf8', stdio: 'pipe' }),
      (e: { status: number; stderr: string }) => e.status === 2 && /unknown option '--bogus'/.test(e.stderr),
    );
  });
});
