/**
 * One aimeter dashboard on the Foundation SDK: house settings (tags, links between the aimeter
 * dashboards, refresh, time range), the variables, and rows of panels laid out by the SDK.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { panel, type PanelSpec, width } from './panels';
import { datasourceVariable, queryVariable, type VariableSpec } from './variables';

export const TAG = 'aimeter';

export interface Row {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

export interface AimeterDashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  /** After the data-source variable, which every dashboard has. */
  readonly variables: readonly VariableSpec[];
  readonly rows: readonly Row[];
}

/**
 * The SDK places each panel after the previous one and starts a new line once a line is full,
 * but lets a panel hang over the right edge: a row's widths must fill lines exactly.
 */
function checkWidths(row: Row): void {
  let x = 0;
  for (const p of row.panels) {
    x += width(p);
    if (x > 24) throw new Error(`row "${row.title}": panel "${p.title}" does not fit in the 24-column line`);
    if (x === 24) x = 0;
  }
}

export function aimeterDashboard(spec: AimeterDashboardSpec): dashboard.Dashboard {
  const b = new dashboard.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags([TAG])
    .timezone('browser')
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .version(1)
    .link(
      new dashboard.DashboardLinkBuilder('aimeter dashboards')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags([TAG])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    )
    .withVariable(datasourceVariable());
  for (const v of spec.variables) b.withVariable(queryVariable(v));
  let id = 0;
  for (const row of spec.rows) {
    checkWidths(row);
    b.withRow(new dashboard.RowBuilder(row.title).id(++id));
    for (const p of row.panels) b.withPanel(panel(p, ++id));
  }
  return b.build();
}
