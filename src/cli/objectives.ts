/**
 * The objectives `check` and `report` hold the figures to: the project's objectives file
 * (prometheus/rules/aimeter-objectives.yml, the same one Prometheus loads for the SLO alerts) or
 * one in that format, and thresholds from the command line (`--max p95=2s --min resolution=0.8`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from './errors';
import { OBJECTIVE_RULES } from './queries';
import { parseDuration } from './time';

/** The bundled file, relative to dist/src/cli/. */
export const DEFAULT_OBJECTIVES_FILE = join(__dirname, '..', '..', '..', 'prometheus', 'rules', 'aimeter-objectives.yml');

export type Sli = 'availability' | 'duration' | 'time_to_first_chunk';
export interface SloObjective {
  readonly operation: string;
  readonly sli: Sli;
  /** The share of good events asked for (0.995). */
  readonly target: number;
  /** The latency bound in seconds as the file writes it ("10"), for duration and time_to_first_chunk. */
  readonly le?: string;
}

export interface Objectives {
  readonly file: string;
  readonly slos: readonly SloObjective[];
  readonly excludedErrorTypes: readonly string[];
  /** Fewer events than this in the range: the objective is not judged. */
  readonly minEvents: number;
  readonly defaultBudgetUsdPerMonth: number | null;
  readonly jobBudgets: ReadonlyMap<string, number>;
}

interface RuleLike {
  record?: unknown;
  expr?: unknown;
  labels?: Record<string, unknown>;
}

/** vector(0.995) -> 0.995. */
function constant(expr: unknown, where: string): number {
  const m = typeof expr === 'string' ? /^\s*vector\(\s*([0-9.eE+-]+)\s*\)\s*$/.exec(expr) : null;
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isFinite(n)) throw new CliError(`${where}: expr must be vector(<number>), found ${JSON.stringify(expr)}`);
  return n;
}

export function loadObjectives(file: string): Objectives {
  if (!existsSync(file)) throw new CliError(`--objectives "${file}": no such file`);
  // yaml is loaded here only: the other commands do not need it.
   
  const { parse } = require('yaml') as typeof import('yaml');
  let doc: { groups?: { rules?: RuleLike[] }[] };
  try {
    doc = parse(readFileSync(file, 'utf8')) as typeof doc;
  } catch (err) {
    throw new CliError(`--objectives "${file}" is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!doc || !Array.isArray(doc.groups)) throw new CliError(`--objectives "${file}" has no "groups:" list (expected the format of prometheus/rules/aimeter-objectives.yml)`);
  const slos: SloObjective[] = [];
  const excluded: string[] = [];
  let minEvents = 0;
  let budget: number | null = null;
  const jobBudgets = new Map<string, number>();
  doc.groups.forEach((g, gi) =>
    (g.rules ?? []).forEach((r, ri) => {
      const where = `${file}: group ${gi + 1}, rule ${ri + 1} (${String(r.record ?? 'no record')})`;
      const labels = Object.fromEntries(Object.entries(r.labels ?? {}).map(([k, v]) => [k, String(v)]));
      switch (r.record) {
        case OBJECTIVE_RULES.objective: {
          const sli = labels.aimeter_sli as Sli;
          if (!['availability', 'duration', 'time_to_first_chunk'].includes(sli)) throw new CliError(`${where}: aimeter_sli must be availability, duration or time_to_first_chunk`);
          if (!labels.gen_ai_operation_name) throw new CliError(`${where}: needs a gen_ai_operation_name label`);
          if (sli !== 'availability' && !labels.le) throw new CliError(`${where}: a ${sli} objective needs an le label (the latency bound)`);
          const target = constant(r.expr, where);
          if (!(target > 0 && target < 1)) throw new CliError(`${where}: the objective must be between 0 and 1, found ${target}`);
          slos.push({ operation: labels.gen_ai_operation_name, sli, target, ...(labels.le ? { le: labels.le } : {}) });
          break;
        }
        case OBJECTIVE_RULES.excludedErrorType:
          if (labels.error_type) excluded.push(labels.error_type);
          break;
        case OBJECTIVE_RULES.minEvents:
          minEvents = constant(r.expr, where);
          break;
        case OBJECTIVE_RULES.budget:
          budget = constant(r.expr, where);
          break;
        case OBJECTIVE_RULES.jobBudget:
          if (labels.job) jobBudgets.set(labels.job, constant(r.expr, where));
          break;
        default:
          break; // other rules in the file are not objectives
      }
    }),
  );
  return { file, slos, excludedErrorTypes: excluded, minEvents, defaultBudgetUsdPerMonth: budget, jobBudgets };
}

export interface Threshold {
  readonly key: string;
  readonly op: 'max' | 'min';
  readonly value: number;
  /** As typed, for messages. */
  readonly text: string;
}

/** `p95=2s`, `resolution=0.8`, `error_rate=2%`, `cost=$50`. */
export function parseThreshold(text: string, op: 'max' | 'min'): Threshold {
  const m = /^([a-z][a-z0-9_.-]*)\s*=\s*(.+)$/i.exec(text.trim());
  if (!m) throw new CliError(`--${op} "${text}" must be figure=value, e.g. p95=2s, error_rate=2%, resolution=0.8, cost=50`);
  const key = (m[1] as string).toLowerCase();
  const raw = (m[2] as string).trim();
  let value: number;
  if (/^-?\d+(\.\d+)?%$/.test(raw)) value = Number(raw.slice(0, -1)) / 100;
  else if (/^\$?\d+(\.\d+)?$/.test(raw)) value = Number(raw.replace('$', ''));
  else if (/^\d+(\.\d+)?(ms|s|m|h)$/.test(raw)) value = parseDuration(raw, `--${op} ${key}`);
  else throw new CliError(`--${op} "${text}": "${raw}" is not a number, a percentage (2%), a duration (2s, 500ms) or dollars ($50)`);
  return { key, op, value, text: `${key} ${op === 'max' ? '<=' : '>='} ${raw}` };
}
