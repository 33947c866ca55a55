/**
 * The subset of Grafana's dashboard JSON model that aimeter's dashboards use, typed so that the
 * compiler checks their structure (grafana/dashboards/*.json is generated from these types by
 * generate.ts and compared with the committed files by test/observability/dashboards.test.ts).
 */

/** Grafana unit ids used by the dashboards; `suffix:<text>` is Grafana's custom-suffix unit. */
export type Unit =
  | 'reqps'
  | 'percentunit'
  | 's'
  | 'm'
  | 'currencyUSD'
  | 'bytes'
  | 'Bps'
  | 'short'
  | 'none'
  | `suffix:${string}`;

export interface DataSourceRef {
  readonly type: 'prometheus' | 'datasource';
  readonly uid: string;
}

export interface Target {
  readonly refId: string;
  readonly datasource: DataSourceRef;
  readonly expr: string;
  readonly legendFormat: string;
  readonly range: boolean;
  readonly instant: boolean;
  readonly format: 'time_series' | 'table';
  readonly editorMode: 'code';
}

export interface GridPos {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface Threshold {
  readonly color: string;
  readonly value: number | null;
}

export interface FieldConfig {
  readonly defaults: {
    readonly unit: Unit;
    readonly min?: number;
    readonly max?: number;
    readonly decimals?: number;
    readonly color: { readonly mode: 'palette-classic' | 'thresholds' };
    readonly thresholds: { readonly mode: 'absolute'; readonly steps: readonly Threshold[] };
    readonly custom?: Readonly<Record<string, unknown>>;
  };
  readonly overrides: readonly unknown[];
}

export type PanelType = 'timeseries' | 'stat' | 'table' | 'bargauge';

export interface Panel {
  readonly id: number;
  readonly type: PanelType;
  readonly title: string;
  readonly description: string;
  readonly gridPos: GridPos;
  readonly datasource: DataSourceRef;
  readonly targets: readonly Target[];
  readonly fieldConfig: FieldConfig;
  readonly options: Readonly<Record<string, unknown>>;
  readonly transformations?: readonly unknown[];
}

export interface VariableOption {
  readonly selected: boolean;
  readonly text: string | readonly string[];
  readonly value: string | readonly string[];
}

export interface DatasourceVariable {
  readonly type: 'datasource';
  readonly name: string;
  readonly label: string;
  readonly query: 'prometheus';
  readonly current: Record<string, never>;
  readonly hide: 0;
  readonly refresh: 1;
  readonly regex: '';
  readonly options: readonly [];
}

export interface QueryVariable {
  readonly type: 'query';
  readonly name: string;
  readonly label: string;
  readonly datasource: DataSourceRef;
  /** A Prometheus `label_values(selector, label)` query. */
  readonly query: { readonly query: string; readonly refId: string; readonly qryType: 1 };
  readonly definition: string;
  readonly includeAll: true;
  readonly multi: true;
  readonly allValue: '.*';
  readonly current: VariableOption;
  readonly options: readonly [];
  readonly refresh: 2;
  readonly sort: 1;
  readonly hide: 0;
  readonly regex: '';
}

export type Variable = DatasourceVariable | QueryVariable;

export interface DashboardLink {
  readonly title: string;
  readonly type: 'dashboards';
  readonly tags: readonly string[];
  readonly asDropdown: boolean;
  readonly includeVars: boolean;
  readonly keepTime: boolean;
  readonly icon: 'external link';
  readonly targetBlank: false;
  readonly tooltip: '';
  readonly url: '';
}

export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly timezone: 'browser';
  readonly editable: true;
  readonly graphTooltip: 1;
  readonly schemaVersion: 39;
  readonly version: 1;
  readonly refresh: string;
  readonly time: { readonly from: string; readonly to: string };
  readonly templating: { readonly list: readonly Variable[] };
  readonly annotations: { readonly list: readonly unknown[] };
  readonly links: readonly DashboardLink[];
  readonly panels: readonly Panel[];
}
