/**
 * Connections to /metrics never keep a finished app alive: a scraper's keep-alive socket, or
 * one that connects and never finishes its request.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import * as path from 'node:path';
import { REPO_ROOT, freePort, scrape, startChildApp } from '../helpers/child-app';

const APP = path.join(REPO_ROOT, 'dist', 'test', 'apps', 'exit-app.js');

async function exitDelayAfterStdinEnd(hold: (port: number) => Promise<() => void>): Promise<number> {
  const port = await freePort();
  const app = await startChildApp(['--require', 'aimeter/register', APP], {
    OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
    OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
    EXIT_MODE: 'stdin', // ends by running out of work, not by process.exit()
  });
  await scrape(port);
  const release = await hold(port);
  try {
    const started = Date.now();
    const code = await app.stop();
    assert.equal(code, 0);
    return Date.now() - started;
  } finally {
    release();
  }
}

test('a half-open connection to /metrics does not keep the app alive', async () => {
  const ms = await exitDelayAfterStdinEnd(async (port) => {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write('GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n'); // never finished
    socket.on('error', () => undefined);
    return () => socket.destroy();
  });
  assert.ok(ms < 1500, `exit took ${ms} ms`);
});

test("a keep-alive scraper's idle connection does not delay exit", async () => {
  const ms = await exitDelayAfterStdinEnd(async (port) => {
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) =>
      http.get({ host: '127.0.0.1', port, path: '/metrics', agent }, (res) => res.resume().on('end', resolve)).on('error', reject),
    );
    return () => agent.destroy();
  });
  assert.ok(ms < 1500, `exit took ${ms} ms`);
});
