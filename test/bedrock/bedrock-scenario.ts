/**
 * What the Bedrock apps do (bedrock-app.ts: CommonJS, bedrock-app.mts: ESM), given the SDK module
 * of their own module system: Converse, ConverseStream and InvokeModel with a Claude body against
 * the loopback fake, then "ready", and up until stdin closes.
 */
import type * as BedrockSdk from '@aws-sdk/client-bedrock-runtime';
import { startFakeBedrock } from '../../examples/fake-provider/bedrock';

const MODEL = 'anthropic.claude-sonnet-4-5-20250929-v1:0';

export async function runApp(sdk: typeof BedrockSdk): Promise<void> {
  const fake = await startFakeBedrock({ inputTokens: 100, outputTokens: 20 });
  const client = new sdk.BedrockRuntimeClient({ region: 'us-east-1', endpoint: fake.url, maxAttempts: 1, credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake' } });
  const messages = [{ role: 'user' as const, content: [{ text: 'hi' }] }];
  await client.send(new sdk.ConverseCommand({ modelId: MODEL, messages }));
  for await (const _ of (await client.send(new sdk.ConverseStreamCommand({ modelId: MODEL, messages }))).stream ?? []);
  await client.send(new sdk.InvokeModelCommand({ modelId: MODEL, body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }) }));
  client.destroy();
  process.stdout.write('ready\n');
  process.stdin.resume();
  process.stdin.on('end', () => void fake.close().then(() => process.exit(0)));
}
