/** Small helpers that build typed Grafana panels and lay them out on the 24-column grid. */
import type {
  Dashboard,
  DashboardLink,
  DataSourceRef,
  FieldConfig,
  Panel,
  PanelType,
  QueryVariable,
  Target,
  Threshold,
  Unit,
  Variable,
} from './model';

export const DATASOURCE: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

/** Variables every aimeter dashboard offers; the GenAI dashboards add provider, model and agent. */
export type VariableName = 'datasource' | 'job' | 'instance' | 'provider' | 'model' | 'agent';

export interface QuerySpec {
  readonly expr: string;
  readonly legend?: string;
  /** Table panels read one instant value per series. */
  readonly instant?: boolean;
}

export interface PanelSpec {
  readonly type: PanelType;
  readonly title: string;
  readonly description: string;
  readonly unit: Unit;
  readonly queries: readonly QuerySpec[];
  /** Width in grid columns (of 24) and height in rows; defaults by panel type. */
  readonly w?: number;
  readonly h?: number;
  readonly min?: number;
  readonly max?: number;
  readonly decimals?: number;
  /** Threshold steps above the base color, e.g. [{ value: 1, color: 'red' }]. */
  readonly thresholds?: readonly { readonly value: number; readonly color: string }[];
  /** Draw the thresholds as dashed lines on time series. */
  readonly showThresholds?: boolean;
  readonly stack?: boolean;
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function targets(spec: PanelSpec): Target[] {
  return spec.queries.map((q, i) => ({
    refId: REF_IDS[i] as string,
    datasource: DATASOURCE,
    expr: q.expr,
    legendFormat: q.legend ?? '__auto',
    range: !(q.instant ?? false),
    instant: q.instant ?? false,
    format: q.instant ? 'table' : 'time_series',
    editorMode: 'code',
  }));
}

function fieldConfig(spec: PanelSpec): FieldConfig {
  const steps: Threshold[] = [{ color: 'green', value: null }, ...(spec.thresholds ?? []).map((t) => ({ ...t }))];
  const custom: Record<string, unknown> | undefined =
    spec.type === 'timeseries'
      ? {
          drawStyle: 'line',
          lineWidth: 1,
          fillOpacity: spec.stack ? 30 : 10,
          showPoints: 'never',
          spanNulls: true,
          stacking: { mode: spec.stack ? 'normal' : 'none', group: 'A' },
          thresholdsStyle: { mode: spec.showThresholds ? 'dashed' : 'off' },
        }
      : undefined;
  return {
    defaults: {
      unit: spec.unit,
      ...(spec.min !== undefined ? { min: spec.min } : {}),
      ...(spec.max !== undefined ? { max: spec.max } : {}),
      ...(spec.decimals !== undefined ? { decimals: spec.decimals } : {}),
      color: { mode: spec.type === 'stat' || spec.type === 'bargauge' ? 'thresholds' : 'palette-classic' },
      thresholds: { mode: 'absolute', steps },
      ...(custom ? { custom } : {}),
    },
    overrides: [],
  };
}

function options(spec: PanelSpec): Record<string, unknown> {
  switch (spec.type) {
    case 'timeseries':
      return {
        legend: { displayMode: 'table', placement: 'bottom', showLegend: true, calcs: ['mean', 'max', 'lastNotNull'] },
        tooltip: { mode: 'multi', sort: 'desc' },
      };
    case 'stat':
      return {
        reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
        colorMode: 'value',
        graphMode: 'area',
        justifyMode: 'auto',
        orientation: 'auto',
        textMode: 'auto',
      };
    case 'bargauge':
      return {
        reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
        orientation: 'horizontal',
        displayMode: 'gradient',
        showUnfilled: true,
      };
    case 'table':
      return { showHeader: true, cellHeight: 'sm', footer: { show: false, reducer: ['sum'], fields: '' } };
  }
}

const DEFAULT_SIZE: Record<PanelType, { w: number; h: number }> = {
  stat: { w: 4, h: 4 },
  timeseries: { w: 12, h: 8 },
  bargauge: { w: 12, h: 8 },
  table: { w: 12, h: 8 },
};

/** Lays the panels out left to right, wrapping at 24 columns, each row as tall as its tallest panel. */
export function layout(specs: readonly PanelSpec[]): Panel[] {
  const panels: Panel[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  specs.forEach((spec, i) => {
    const w = spec.w ?? DEFAULT_SIZE[spec.type].w;
    const h = spec.h ?? DEFAULT_SIZE[spec.type].h;
    if (x + w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    panels.push({
      id: i + 1,
      type: spec.type,
      title: spec.title,
      description: spec.description,
      gridPos: { x, y, w, h },
      datasource: DATASOURCE,
      targets: targets(spec),
      fieldConfig: fieldConfig(spec),
      options: options(spec),
      ...(spec.type === 'table'
        ? { transformations: [{ id: 'organize', options: { excludeByName: { Time: true }, renameByName: {} } }] }
        : {}),
    });
    x += w;
    rowHeight = Math.max(rowHeight, h);
  });
  return panels;
}

function queryVariable(name: VariableName, label: string, query: string): QueryVariable {
  return {
    type: 'query',
    name,
    label,
    datasource: DATASOURCE,
    query: { query, refId: 'PrometheusVariableQueryEditor-VariableQuery', qryType: 1 },
    definition: query,
    includeAll: true,
    multi: true,
    allValue: '.*',
    current: { selected: true, text: ['All'], value: ['$__all'] },
    options: [],
    refresh: 2,
    sort: 1,
    hide: 0,
    regex: '',
  };
}

/** The metric whose label values fill the GenAI variables: every call has a duration. */
const CALLS = 'gen_ai_client_operation_duration_seconds_count';

export function variables(names: readonly VariableName[]): Variable[] {
  return names.map((name): Variable => {
    switch (name) {
      case 'datasource':
        return {
          type: 'datasource',
          name: 'datasource',
          label: 'Data source',
          query: 'prometheus',
          current: {},
          hide: 0,
          refresh: 1,
          regex: '',
          options: [],
        };
      case 'job':
        return queryVariable('job', 'Job', 'label_values(aimeter_build_info, job)');
      case 'instance':
        return queryVariable('instance', 'Instance', 'label_values(aimeter_build_info{job=~"$job"}, instance)');
      case 'provider':
        return queryVariable('provider', 'Provider', `label_values(${CALLS}{job=~"$job"}, gen_ai_provider_name)`);
      case 'model':
        return queryVariable(
          'model',
          'Model',
          `label_values(${CALLS}{job=~"$job", gen_ai_provider_name=~"$provider"}, gen_ai_request_model)`,
        );
      case 'agent':
        return queryVariable('agent', 'Agent', `label_values(${CALLS}{job=~"$job"}, gen_ai_agent_name)`);
    }
  });
}

export const TAG = 'aimeter';

const LINKS: DashboardLink[] = [
  {
    title: 'aimeter dashboards',
    type: 'dashboards',
    tags: [TAG],
    asDropdown: true,
    includeVars: true,
    keepTime: true,
    icon: 'external link',
    targetBlank: false,
    tooltip: '',
    url: '',
  },
];

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly variables: readonly VariableName[];
  readonly panels: readonly PanelSpec[];
}

export function dashboard(spec: DashboardSpec): Dashboard {
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: [TAG],
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-1h', to: 'now' },
    templating: { list: variables(spec.variables) },
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    links: LINKS,
    panels: layout(spec.panels),
  };
}
