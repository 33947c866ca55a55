// The ESM twin of bedrock-app.ts (the SDK's ES module build, by `import`), run under `node --import aimeter/register`.
import * as sdk from '@aws-sdk/client-bedrock-runtime';
import scenario from './bedrock-scenario.js';

await scenario.runApp(sdk);
