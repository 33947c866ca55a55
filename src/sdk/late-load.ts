/**
 * Require hooks patch a module when it is loaded: an SDK that the app loaded BEFORE aimeter
 * started (start() called after `require('openai')`, or a preload ordered after the app's own)
 * is not instrumented. We cannot safely re-patch a copy the app already holds, so we say so.
 */
import { warn } from '../internal/log';

const SDK_PACKAGES = ['openai', '@anthropic-ai/sdk', '@deepgram/sdk', '@elevenlabs/elevenlabs-js', '@google/genai', '@langchain/core', '@openai/agents-core'];

/** SDK packages already in the CommonJS module cache. */
export function sdksLoadedEarly(cacheKeys: Iterable<string> = Object.keys(require.cache)): string[] {
  const found = new Set<string>();
  for (const key of cacheKeys) {
    const normalised = key.replace(/\\/g, '/');
    for (const name of SDK_PACKAGES) if (normalised.includes(`/node_modules/${name}/`)) found.add(name);
  }
  return [...found];
}

export function warnAboutSdksLoadedEarly(): void {
  const early = sdksLoadedEarly();
  if (early.length === 0) return;
  warn(
    `aimeter: ${early.join(', ')} ${early.length === 1 ? 'was' : 'were'} loaded before aimeter started, so calls through ` +
      'that copy are not instrumented. Start aimeter first: node --require aimeter/register (or --import for ESM), ' +
      'or call start() before importing the SDK.',
  );
}
