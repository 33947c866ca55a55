/** An unmodified CommonJS app on the Vercel AI SDK (see vercel-ai-scenarios.ts). Run under `node --require aimeter/register`. */
import * as ai from 'ai';
import * as openaiProvider from '@ai-sdk/openai';
import { runApp } from './vercel-ai-scenarios';

void runApp(ai, openaiProvider);
