// The ES-module twin of openai-server.ts (`import { OpenAI } from 'openai'`: the version under
// test's ES module build, through the ESM hook), run under `node --import aimeter/register`.
import { OpenAI } from 'openai';
import scenario from './openai-server-scenario.js';

scenario.runApp(OpenAI);
