// The app's first line (evaluated before any other import of main.mts): how many threads the
// process has when the application starts, read from /proc (Linux).
import { readFileSync } from 'node:fs';

export const threadsAtFirstLine = Number(/Threads:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
