/**
 * The ESM preload: node --import aimeter/register app.mjs
 * Waits until the loader hook has acknowledged the modules to instrument before the app's
 * own imports run.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { preload } = require('./sdk/preload.js') as typeof import('./sdk/preload.js');
await preload({ esmHook: 'always' }).ready.catch(() => undefined);
