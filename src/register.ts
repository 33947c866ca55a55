/**
 * The preload: node --require aimeter/register app.js (the ESM loader hook too when app is an
 * ES module, e.g. under NODE_OPTIONS; see sdk/entry-format.ts)
 * (ESM apps: node --import aimeter/register app.mjs, which loads register.mjs.)
 */
import { preload } from './sdk/preload';

preload({ esmHook: 'esm-entry' });
