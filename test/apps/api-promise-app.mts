// ESM twin of api-promise-app.ts (run with `--import aimeter/register`): the SDKs' ESM builds.
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import scenarios from './api-promise-scenarios.js';

scenarios.runApp(OpenAI, Anthropic);
