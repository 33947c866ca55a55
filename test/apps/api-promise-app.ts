/** CommonJS app for test/api/api-promise-child.test.ts (run with `--require aimeter/register`). */
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { runApp } from './api-promise-scenarios';

runApp(OpenAI, Anthropic);
