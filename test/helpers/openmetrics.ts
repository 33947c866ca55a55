/**
 * A structural check of OpenMetrics 1.0 text, for the rules Prometheus text 0.0.4 does not have:
 * families declared before their samples, a counter family without `_total` whose samples carry
 * it, UNIT a suffix of its family, no blank lines, one `# EOF` at the very end. Returns the
 * problems found (none: well-formed for these rules). Also returns the exemplars by sample line.
 */
export interface OpenMetricsCheck {
  readonly problems: string[];
  /** Family name -> TYPE. */
  readonly types: ReadonlyMap<string, string>;
  readonly exemplars: readonly { sample: string; labels: Record<string, string>; value: number; timestamp: number }[];
}

const SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  counter: ['_total', '_created'],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  gauge: [''],
  unknown: [''],
  info: ['_info'],
  stateset: [''],
  summary: ['', '_sum', '_count', '_created'],
};

export function checkOpenMetrics(text: string): OpenMetricsCheck {
  const problems: string[] = [];
  const types = new Map<string, string>();
  const exemplars: OpenMetricsCheck['exemplars'][number][] = [];
  if (!text.endsWith('# EOF\n')) problems.push('does not end with "# EOF\\n"');
  const lines = text.replace(/# EOF\n$/, '').split('\n');
  if (lines.at(-1) === '') lines.pop();
  let family: string | undefined;
  for (const line of lines) {
    if (line === '') {
      problems.push('blank line');
      continue;
    }
    if (line === '# EOF') {
      problems.push('# EOF before the end');
      continue;
    }
    const meta = /^# (HELP|TYPE|UNIT) (\S+)(?: (.*))?$/.exec(line);
    if (meta) {
      const [, kind, name, rest = ''] = meta as unknown as [string, string, string, string];
      if (kind === 'TYPE') {
        if (types.has(name)) problems.push(`family ${name} declared twice`);
        types.set(name, rest);
        if (rest === 'counter' && name.endsWith('_total')) problems.push(`counter family ${name} ends in _total`);
        if (!(rest in SUFFIXES)) problems.push(`unknown type ${rest} of ${name}`);
      }
      if (kind === 'UNIT' && !name.endsWith(`_${rest}`)) problems.push(`unit ${rest} is not a suffix of ${name}`);
      if (kind === 'HELP' && /(^|[^\\])"/.test(rest)) problems.push(`unescaped " in HELP of ${name}`);
      family = name;
      continue;
    }
    if (line.startsWith('#')) {
      problems.push(`unexpected comment: ${line}`);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)(?: # \{([^}]*)\} (\S+) (\S+))?$/.exec(line);
    if (!sample) {
      problems.push(`unparseable sample: ${line}`);
      continue;
    }
    const name = sample[1]!;
    const type = family === undefined ? undefined : types.get(family);
    const ok = family !== undefined && type !== undefined && (SUFFIXES[type] ?? []).some((s) => name === family + s);
    if (!ok) problems.push(`sample ${name} outside its family (current family ${family ?? 'none'}, ${type ?? 'no type'})`);
    if (sample[4] !== undefined) {
      const labels: Record<string, string> = {};
      for (const m of sample[4].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)) labels[m[1]!] = m[2]!;
      if (sample[4].length > 128) problems.push(`exemplar labels over 128 characters: ${line}`);
      exemplars.push({ sample: `${name}${sample[2] ?? ''}`, labels, value: Number(sample[5]), timestamp: Number(sample[6]) });
    }
  }
  return { problems, types, exemplars };
}
