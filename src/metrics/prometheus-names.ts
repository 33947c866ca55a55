/**
 * OTel-to-Prometheus naming, as the OpenTelemetry Collector's Prometheus exporter applies it,
 * so that a dashboard written against a direct scrape also works through a Collector.
 */
import type { InstrumentKind, MetricDefinition } from './catalog';

const UNIT_SUFFIXES: Readonly<Record<string, string>> = {
  s: 'seconds',
  ms: 'milliseconds',
  By: 'bytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  min: 'minutes',
  h: 'hours',
  d: 'days',
  '%': 'percent',
};

export function sanitizeName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/_{2,}/g, '_');
}

/** A Prometheus label name for an OTel attribute key. */
export function prometheusLabelName(key: string): string {
  return sanitizeName(key);
}

function unitSuffix(unit: string, kind: InstrumentKind): string {
  if (unit === '' || unit.startsWith('{')) return '';
  // A dimensionless "1" becomes _ratio only on gauges; other kinds drop it.
  if (unit === '1') return kind === 'gauge' ? 'ratio' : '';
  return UNIT_SUFFIXES[unit] ?? sanitizeName(unit);
}

/** The Prometheus metric family name for a catalog entry (without _bucket/_sum/_count). */
export function prometheusName(def: Pick<MetricDefinition, 'name' | 'unit' | 'kind'>): string {
  let name = sanitizeName(def.name);
  const suffix = unitSuffix(def.unit, def.kind);
  if (suffix && !name.endsWith(`_${suffix}`)) name = `${name}_${suffix}`;
  if (def.kind === 'counter' && !name.endsWith('_total')) name = `${name}_total`;
  return name;
}

/**
 * The unit an OpenMetrics `# UNIT` line states for a catalog entry: the suffix its Prometheus
 * name carries (`seconds`, `bytes`), or '' when the name carries none (annotations like
 * `{token}`, dimensionless ratios): OpenMetrics requires the unit to be a suffix of the name.
 */
export function prometheusUnit(def: Pick<MetricDefinition, 'unit' | 'kind'>): string {
  return unitSuffix(def.unit, def.kind);
}
