/**
 * prom-client registries (the runtime metrics, the app's own) in OpenMetrics form.
 *
 * Why not prom-client's own OpenMetrics mode (a registry built with OPENMETRICS_CONTENT_TYPE):
 * a registry has one content type, and rendering in that mode renames every counter object it
 * holds for good (prom-client 15 strips `_total` from `metric.name`), so the same registry could
 * not serve the next text scrape right; a second registry with its own default collectors would
 * run every collector twice (two GC observers, two event-loop monitors). Instead the registry's
 * text is rewritten family by family; its sample lines are already valid OpenMetrics except for
 * counters lacking `_total`:
 *   - HELP/TYPE name a counter's family without `_total`; a counter sample without it gains it,
 *   - HELP escapes `"` too (prom-client already escapes backslash and line feed),
 *   - `untyped` becomes `unknown`, the blank lines between families go,
 *   - no `# EOF` here: the exposition writes one at its very end.
 */
import { openMetricsFamilyName } from '../metrics/openmetrics';

export function promClientTextToOpenMetrics(text: string): string {
  const out: string[] = [];
  let help: string | undefined;
  let counter: { family: string; sample: string } | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# HELP ')) {
      // prom-client writes HELP before TYPE: hold it until the type tells the family name.
      help = line.slice('# HELP '.length);
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const [name = '', rawType = ''] = line.slice('# TYPE '.length).split(' ');
      const type = rawType === 'untyped' ? 'unknown' : rawType;
      const family = openMetricsFamilyName(name, type);
      counter = type === 'counter' ? { family, sample: `${family}_total` } : undefined;
      if (help !== undefined && help.startsWith(`${name} `)) {
        out.push(`# HELP ${family} ${help.slice(name.length + 1).replace(/"/g, '\\"')}`);
      }
      help = undefined;
      out.push(`# TYPE ${family} ${type}`);
      continue;
    }
    if (line.startsWith('#')) continue;
    if (counter !== undefined && startsWithName(line, counter.family)) {
      out.push(counter.sample + line.slice(counter.family.length));
      continue;
    }
    out.push(line);
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

/** Does the sample line name exactly `name` (followed by its labels or its value)? */
function startsWithName(line: string, name: string): boolean {
  const next = line.charAt(name.length);
  return line.startsWith(name) && (next === '{' || next === ' ');
}
