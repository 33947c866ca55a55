// A CommonJS app in a fresh directory where the packed aimeter tarball was installed
// (test/package/packed.test.ts): one chat call with the app's own `openai` to FAKE_URL, the usage
// the SDK returned printed as one `usage {...}` line, then "ready"; it ends when stdin closes.
'use strict';
const OpenAI = require('openai');

async function main() {
  const client = new OpenAI({ apiKey: 'test', baseURL: process.env.FAKE_URL, maxRetries: 0 });
  const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello from a packed install' }] });
  process.stdout.write(`usage ${JSON.stringify(completion.usage)}\nready\n`);
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
