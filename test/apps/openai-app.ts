/**
 * An unmodified CommonJS app using the real `openai` SDK against the fake OpenAI server (see
 * openai-scenario.ts). Run under `node --require aimeter/register`.
 */
import OpenAI from 'openai';
import { runApp } from './openai-scenario';

void runApp(OpenAI);
