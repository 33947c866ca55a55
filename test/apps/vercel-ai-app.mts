// The ESM twin of vercel-ai-app.ts (run with `--import aimeter/register`): the SDK's ESM build.
import * as ai from 'ai';
import * as openaiProvider from '@ai-sdk/openai';
import scenarios from './vercel-ai-scenarios.js';

void scenarios.runApp(ai, openaiProvider);
