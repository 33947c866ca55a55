// For coverage runs only (scripts/bundle.js): drops from a source map every mapping into a
// source that `keep` rejects (the inlined OTel packages under node_modules), so c8 reports
// aimeter's own files and nothing else. c8's `exclude-after-remap` would do it, but with it every
// remapped file reads as 100% covered.
'use strict';

const CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUE = new Map([...CHARS].map((c, i) => [c, i]));

function decodeSegment(text) {
  const out = [];
  let value = 0;
  let shift = 0;
  for (const c of text) {
    const digit = VALUE.get(c);
    if (digit === undefined) throw new Error(`source map: bad base64 VLQ character ${JSON.stringify(c)}`);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

function encodeValue(n) {
  let v = n < 0 ? (-n << 1) | 1 : n << 1;
  let text = '';
  do {
    let digit = v & 31;
    v >>>= 5;
    if (v > 0) digit |= 32;
    text += CHARS[digit];
  } while (v > 0);
  return text;
}

/** Returns a copy of `map` (a v3 source map object) without the rejected sources: their mappings become unmapped ones. */
function filterSourceMap(map, keep) {
  const kept = map.sources.map((source) => keep(source));
  const newIndex = [];
  const sources = [];
  map.sources.forEach((source, i) => {
    newIndex.push(sources.length);
    if (kept[i]) sources.push(source);
  });
  const abs = [0, 0, 0, 0, 0]; // generated column (per line), source, line, column, name
  const prev = [0, 0, 0, 0]; // what the re-encoded output last wrote: source, line, column, name
  const lines = map.mappings.split(';').map((line) => {
    abs[0] = 0;
    let lastColumn = 0;
    const segments = [];
    for (const text of line.split(',')) {
      if (!text) continue;
      const d = decodeSegment(text);
      abs[0] += d[0];
      if (d.length === 1) continue; // an unmapped stretch: nothing to keep
      for (let i = 1; i < d.length; i++) abs[i] += d[i];
      let out = encodeValue(abs[0] - lastColumn);
      lastColumn = abs[0];
      // A rejected mapping becomes an unmapped one, so its code is not credited to the mapping before it.
      if (!kept[abs[1]]) {
        segments.push(out);
        continue;
      }
      for (let i = 1; i < d.length; i++) {
        const value = i === 1 ? newIndex[abs[1]] : abs[i];
        out += encodeValue(value - prev[i - 1]);
        prev[i - 1] = value;
      }
      segments.push(out);
    }
    return segments.join(',');
  });
  return { ...map, sources, sourcesContent: undefined, mappings: lines.join(';') };
}

module.exports = { filterSourceMap };
