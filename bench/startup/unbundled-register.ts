/**
 * The preload as it was before the bundle (scripts/bundle.js): the same code, from the ~270
 * separate files tsc writes to dist/src, for the start-up bench's side-by-side row.
 * Usage: node --require dist/bench/startup/unbundled-register.js app.js
 */
import { preload } from '../../src/sdk/preload';

preload({ esmHook: 'esm-entry' });
