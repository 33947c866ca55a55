/**
 * Text from outside aimeter (provider-chosen model names, error codes, environment values) made
 * safe for where it goes: labels are cut at code-point boundaries, log text is quoted, clipped
 * and stripped of control characters.
 */
// C0 and C1 controls, DEL, zero-width and bidirectional formatting characters, line/paragraph separators, BOM.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
// The same, except newline and tab.
const UNSAFE_EXCEPT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const escapeChar = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** `text` with every control or invisible formatting character written as `\uXXXX` (newlines and tabs kept if asked). */
export function escapeControls(text: string, keepLines: boolean): string {
  return text.replace(keepLines ? UNSAFE_EXCEPT_LINES : UNSAFE, escapeChar);
}

/**
 * Untrusted text for a log message: at most `max` code points (cut at a code-point boundary,
 * marked with `...`), in double quotes, with quotes, backslashes and every control or invisible
 * formatting character escaped (`\n`, `\u001b`, ...). One line, whatever it contains.
 */
export function printable(text: string, max = 120): string {
  const clipped = clipCodePoints(text, max);
  const body = escapeControls(JSON.stringify(clipped), false);
  return clipped.length < text.length ? `${body.slice(0, -1)}..."` : body;
}

/** As printable(), without the quotes: for text inside a sentence (still one line, clipped, no controls). */
export function safeText(text: string, max = 120): string {
  const clipped = clipCodePoints(text, max);
  const body = escapeControls(clipped, false);
  return clipped.length < text.length ? `${body}...` : body;
}

/** `text` cut to at most `max` code points, never inside a surrogate pair. */
export function clipCodePoints(text: string, max: number): string {
  // Fast path: `max` UTF-16 units are at most `max` code points.
  if (text.length <= max) return text;
  let units = 0;
  for (let points = 0; points < max && units < text.length; points++) {
    const code = text.charCodeAt(units);
    const pair = code >= 0xd800 && code <= 0xdbff && units + 1 < text.length;
    const next = pair ? text.charCodeAt(units + 1) : 0;
    units += pair && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
  }
  return text.slice(0, units);
}

