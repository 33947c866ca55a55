/** A tiny CommonJS app run under the preload by test/core/preload.test.ts and others (see span-scenario.ts). */
import { trace } from '@opentelemetry/api';
import { runApp } from './span-scenario';

runApp(trace);
