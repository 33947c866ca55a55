/**
 * Grafana-managed copies of the Prometheus alerts in prometheus/rules/aimeter-alerts.yml,
 * generated from that file so that the two cannot drift: same expression, for: window,
 * severity and annotations. Written to grafana/provisioning/alerting/aimeter-alerts.yml.
 *
 * Each rule queries the Prometheus data source (A), takes the last value of every series it
 * returns (B), and fires for each series that has a number (C): the PromQL already holds the
 * threshold, exactly as in Prometheus. The expressions use aimeter's recording rules, so the
 * Prometheus behind the data source must load prometheus/rules/*.yml.
 */
import { parse, stringify } from 'yaml';

/** The uid of the Prometheus data source provisioned in grafana/provisioning/datasources. */
export const PROMETHEUS_UID = 'prometheus';
export const FOLDER = 'aimeter';

export interface PrometheusAlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface PrometheusRuleGroup {
  readonly name: string;
  readonly rules: readonly (PrometheusAlertRule | { readonly record: string; readonly expr: string })[];
}

export interface GrafanaAlertRule {
  readonly uid: string;
  readonly title: string;
  readonly condition: 'C';
  readonly data: readonly unknown[];
  readonly noDataState: 'OK';
  readonly execErrState: 'Error';
  readonly for: string;
  readonly isPaused: false;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface GrafanaAlertGroup {
  readonly orgId: 1;
  readonly name: string;
  readonly folder: string;
  readonly interval: string;
  readonly rules: readonly GrafanaAlertRule[];
}

export interface GrafanaAlertingFile {
  readonly apiVersion: 1;
  readonly groups: readonly GrafanaAlertGroup[];
}

function isAlert(rule: PrometheusRuleGroup['rules'][number]): rule is PrometheusAlertRule {
  return 'alert' in rule;
}

/**
 * Prometheus's `$value` is one number; Grafana's equivalent is the value of the reduced query.
 * Grafana has no `$externalLabels`: a base URL written `{{ or $externalLabels.x "default" }}`
 * becomes its default (for Grafana-managed rules, edit the default in the generated file).
 */
export function grafanaTemplate(text: string): string {
  return text
    .replace(/\{\{\s*or\s+\$externalLabels\.\w+\s+"([^"]*)"\s*\}\}/g, '$1')
    .replace(/\$value\b/g, '$values.B.Value');
}

/** Grafana rule uids: at most 40 characters of [a-zA-Z0-9_-]. */
export function ruleUid(alert: string): string {
  return alert.toLowerCase().replace(/[^a-z0-9_-]/g, '-').slice(0, 40);
}

/** Seconds of data the query needs: the largest range or offset in it, at least 10 minutes. */
function lookbackSeconds(expr: string): number {
  const unit: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let max = 600;
  for (const m of expr.matchAll(/(\d+)([smhdw])\b/g)) {
    max = Math.max(max, Number(m[1]) * (unit[m[2] as string] as number));
  }
  return max;
}

export function grafanaRule(rule: PrometheusAlertRule): GrafanaAlertRule {
  const expr = rule.expr.trim();
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(rule.annotations)) annotations[k] = grafanaTemplate(v);
  if (rule.annotations.runbook !== undefined) annotations.runbook_url = rule.annotations.runbook;
  return {
    uid: ruleUid(rule.alert),
    title: rule.alert,
    condition: 'C',
    data: [
      {
        refId: 'A',
        relativeTimeRange: { from: lookbackSeconds(expr), to: 0 },
        datasourceUid: PROMETHEUS_UID,
        model: {
          refId: 'A',
          datasource: { type: 'prometheus', uid: PROMETHEUS_UID },
          expr,
          instant: true,
          range: false,
          intervalMs: 60000,
          maxDataPoints: 43200,
        },
      },
      {
        refId: 'B',
        datasourceUid: '__expr__',
        model: {
          refId: 'B',
          datasource: { type: '__expr__', uid: '__expr__' },
          type: 'reduce',
          expression: 'A',
          reducer: 'last',
          settings: { mode: 'dropNN' },
        },
      },
      {
        refId: 'C',
        datasourceUid: '__expr__',
        model: {
          refId: 'C',
          datasource: { type: '__expr__', uid: '__expr__' },
          type: 'math',
          expression: 'is_number($B)',
        },
      },
    ],
    noDataState: 'OK',
    execErrState: 'Error',
    for: rule.for,
    isPaused: false,
    labels: { ...rule.labels },
    annotations,
  };
}

export function grafanaAlerting(prometheusRulesYaml: string): GrafanaAlertingFile {
  const doc = parse(prometheusRulesYaml) as { groups: PrometheusRuleGroup[] };
  return {
    apiVersion: 1,
    groups: doc.groups.map((g) => ({
      orgId: 1,
      name: g.name,
      folder: FOLDER,
      interval: '1m',
      rules: g.rules.filter(isAlert).map(grafanaRule),
    })),
  };
}

export const ALERTING_HEADER = `# GENERATED from prometheus/rules/aimeter-alerts.yml by grafana/src/alerting.ts: do not edit.
# Regenerate: npx tsc -p tsconfig.json && node dist/grafana/src/generate.js
# Grafana-managed equivalents of aimeter's Prometheus alerts. They query the Prometheus data
# source uid "${PROMETHEUS_UID}", which must load prometheus/rules/*.yml (recording rules).
`;

export function grafanaAlertingYaml(prometheusRulesYaml: string): string {
  return ALERTING_HEADER + stringify(grafanaAlerting(prometheusRulesYaml), { lineWidth: 0 });
}
