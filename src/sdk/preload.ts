/**
 * What `aimeter/register` runs, for both --require (CommonJS) and --import (ESM): the ESM
 * loader hook for import-in-the-middle (so `import OpenAI from 'openai'` is instrumented too),
 * then start(). Never throws: a preload that crashed the app would defeat its purpose.
 */
import * as nodeModule from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { recordInternalError } from '../internal/errors';
import { start } from './start';

export interface PreloadResult {
  /** Resolves when the ESM hook has acknowledged the modules to instrument. */
  readonly ready: Promise<void>;
}

export function preload(): PreloadResult {
  // Node 20 runs --require preloads again inside the loader-hooks worker thread; telemetry
  // belongs to the application's main thread only.
  if (!isMainThread) return { ready: Promise.resolve() };
  let ready: Promise<void> = Promise.resolve();
  try {
    ready = registerEsmHook();
  } catch (error) {
    recordInternalError('esm-hook', error);
  }
  start();
  return { ready };
}

function registerEsmHook(): Promise<void> {
  const register = (nodeModule as { register?: (specifier: string, parentURL: string, options?: unknown) => void }).register;
  if (typeof register !== 'function') return Promise.resolve(); // Node < 20.6: CommonJS only.
  const iitm = require('import-in-the-middle') as typeof import('import-in-the-middle');
  const { registerOptions, waitForAllMessagesAcknowledged } = iitm.createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', pathToFileURL(__filename).href, registerOptions);
  return waitForAllMessagesAcknowledged();
}
