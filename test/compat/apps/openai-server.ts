/**
 * The matrix's smoke app, CommonJS: an unmodified app (nothing of aimeter in it) serving GET /ask
 * (see openai-server-scenario.ts). Copied next to the `openai` version under test by
 * test/compat/sandbox.ts.
 */
import { OpenAI } from 'openai';
import { runApp } from './openai-server-scenario';

runApp(OpenAI);
