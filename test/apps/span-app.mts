// ESM twin of span-app.ts, loaded with `node --import aimeter/register`: the API's ES module build.
import { trace } from '@opentelemetry/api';
import scenario from './span-scenario.js';

scenario.runApp(trace);
