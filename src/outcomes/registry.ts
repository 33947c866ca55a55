/**
 * The outcome trackers alive in this process (one per metrics processor; start() makes one),
 * so that module-level calls such as endConversation() reach them without a handle.
 */
import type { OutcomeTracker } from './tracker';

const trackers = new Set<OutcomeTracker>();

export function register(tracker: OutcomeTracker): void {
  trackers.add(tracker);
}

export function unregister(tracker: OutcomeTracker): void {
  trackers.delete(tracker);
}

export function liveTrackers(): ReadonlySet<OutcomeTracker> {
  return trackers;
}
