/**
 * Scrapes a URL `count` times in sequence (as Prometheus does) from its own process, so the
 * server process's event loop and CPU carry only the server's work.
 *
 * Usage (forked by scrape.ts): node dist/bench/scrape-client.js URL COUNT
 */
import * as http from 'node:http';
import { runPart } from './lib/stats';

export interface ScrapeClientResult {
  /** Milliseconds from sending the request to the last byte, per scrape. */
  readonly timesMs: number[];
  readonly bytes: number;
}

function scrapeOnce(agent: http.Agent, url: string): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.get(url, { agent, headers: { accept: 'text/plain' } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${url}: HTTP ${res.statusCode}`));
        else resolve({ ms: performance.now() - started, bytes });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

async function main(): Promise<ScrapeClientResult> {
  const [url, countText] = process.argv.slice(2);
  if (!url) throw new Error('usage: scrape-client URL COUNT');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const timesMs: number[] = [];
  let bytes = 0;
  for (let i = 0; i < Number(countText ?? 5); i++) {
    const r = await scrapeOnce(agent, url);
    timesMs.push(r.ms);
    bytes = r.bytes;
  }
  agent.destroy();
  return { timesMs, bytes };
}

if (require.main === module) runPart(main);
