/**
 * aimeter's Grafana dashboards, defined in TypeScript on Grafana's Foundation SDK.
 * `npm run dashboards` writes them to grafana/dashboards/*.json; the tests fail when the committed
 * JSON differs from what this generates.
 *
 * Queries read the metrics /metrics emits (docs/metrics.md), so the dashboards work on any
 * Prometheus holding them, whether scraped directly or through an OpenTelemetry Collector. The
 * budget and error-budget panels also read recording rules from prometheus/rules.
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { aimeterDashboard } from '../aimeter-dashboard';
import { agents } from './agents';
import { cost } from './cost';
import { outcomes } from './outcomes';
import { overview } from './overview';
import { quality } from './quality';
import { runtime } from './runtime';
import { voice } from './voice';

export const DASHBOARD_SPECS = [overview, cost, voice, agents, outcomes, runtime, quality] as const;

export const DASHBOARDS: readonly Dashboard[] = DASHBOARD_SPECS.map(aimeterDashboard);

/** File name under grafana/dashboards/ for each dashboard. */
export function fileName(d: Dashboard): string {
  return `${d.uid}.json`;
}
