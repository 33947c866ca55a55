/**
 * ESM: `import` of both SDKs is instrumented under the same import-in-the-middle setup as
 * aimeter's preload (entry points only), see esm-app.mts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

test('ESM imports of @deepgram/sdk (its ESM build) and @elevenlabs/elevenlabs-js are instrumented', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(__dirname, 'esm-app.mjs')], { timeout: 30_000 });
  const result = JSON.parse(stdout.trim().split('\n').pop()!) as {
    duration: number;
    bytes: number;
    esmFile: string;
    spans: Array<{ name: string; attributes: Record<string, unknown> }>;
  };
  // The Deepgram SDK resolved to its ESM build: the .mjs file was the one patched.
  assert.match(result.esmFile, /dist\/esm\/index\.mjs/);
  assert.equal(result.duration, 7.5);
  assert.equal(result.bytes, 80);
  const stt = result.spans.find((s) => s.name === 'speech_to_text nova-3');
  const tts = result.spans.find((s) => s.name === 'text_to_speech eleven_multilingual_v2');
  assert.ok(stt, JSON.stringify(result.spans));
  assert.ok(tts, JSON.stringify(result.spans));
  assert.equal(stt.attributes['aimeter.speech.audio.duration'], 7.5);
  assert.equal(tts.attributes['aimeter.speech.characters'], 8);
  assert.equal(tts.attributes['aimeter.speech.audio.size'], 80);
  assert.equal(tts.attributes['aimeter.response.chunks'], 1);
});
