/**
 * The `context-only` set-up of the in-request benchmark: no telemetry, only AsyncLocalStorage
 * switched on, as every OpenTelemetry set-up has it in a server request (the context manager's
 * first `run()`). On Node 20 that turns on the promise hooks, which then run for every promise
 * of the process: a cost contrib and aimeter both pay, which no instrumentation can take off.
 * Over this set-up, "added" is each instrumentation's own work.
 *
 * Usage: node --require dist/bench/requests/context-only-preload.js dist/bench/requests/app.js
 */
import { AsyncLocalStorage } from 'node:async_hooks';

new AsyncLocalStorage<object>().enterWith({});
