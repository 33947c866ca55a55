/** aimeter's own warnings go to stderr once per topic, so a bad setting cannot flood the logs. */
const warned = new Set<string>();
const MAX_TOPICS = 1000;

export type WarningSink = (message: string) => void;
let sink: WarningSink = (message) => process.stderr.write(`${message}\n`);

/** Tests and embedding apps can redirect aimeter's warnings. */
export function setWarningSink(next: WarningSink): void {
  sink = next;
}

export function warn(message: string): void {
  try {
    sink(message);
  } catch {
    // A broken sink must not break the caller.
  }
}

export function warnOnce(topic: string, message: string): void {
  if (warned.has(topic)) return;
  if (warned.size >= MAX_TOPICS) return;
  warned.add(topic);
  warn(warned.size === MAX_TOPICS ? `${message}\naimeter: further distinct warnings are suppressed` : message);
}
