/**
 * An unmodified CommonJS app calling Bedrock against the loopback fake (see bedrock-scenario.ts),
 * for test/bedrock/preload.test.ts (run under `node --require aimeter/register`).
 * bedrock-app.mts is its ESM twin.
 */
import * as sdk from '@aws-sdk/client-bedrock-runtime';
import { runApp } from './bedrock-scenario';

void runApp(sdk);
