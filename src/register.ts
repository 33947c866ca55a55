/**
 * The preload: node --require aimeter/register app.js
 * (ESM apps: node --import aimeter/register app.mjs, which loads register.mjs.)
 */
import { preload } from './sdk/preload';

preload();
