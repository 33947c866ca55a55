/** The ESM twin of unbundled-register.ts: `--import` as it was before the bundle. */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { preload } = require('../../src/sdk/preload.js') as typeof import('../../src/sdk/preload.js');
await preload({ esmHook: 'always' }).ready.catch(() => undefined);
