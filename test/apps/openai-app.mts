// The ESM twin of openai-app.ts: `import OpenAI from 'openai'` (the ES module build, hooked by the
// ESM loader), run under `node --import aimeter/register`.
import OpenAI from 'openai';
import scenario from './openai-scenario.js';

await scenario.runApp(OpenAI);
