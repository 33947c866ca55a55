/**
 * The module-level outcome API: endConversation reaches every live tracker (start()'s, or the
 * processors added to the application's own SDK). Never throws: bad input is warned about,
 * naming the culprit, and the call does nothing.
 */
import { swallow } from '../internal/errors';
import { checkedEnd } from './end-options';
import { liveTrackers } from './registry';
import type { EndConversationOptions } from './tracker';

/**
 * Ends conversation `id` with `outcome`: counts it in aimeter_conversations_total and records
 * its handle time, turns and cost. `startedAt` and `turns` complete what this process did not see.
 */
export function endConversation(id: string, options: EndConversationOptions): void {
  swallow('outcomes', undefined, () => {
    const checked = checkedEnd(id, options);
    if (checked !== undefined) for (const tracker of liveTrackers()) tracker.endChecked(checked, options);
  });
}
