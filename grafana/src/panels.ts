/**
 * Panels on Grafana's Foundation SDK. A panel is described by a PanelSpec (what it shows); the
 * functions here turn it into the SDK's builders with aimeter's house style, so every panel of
 * one kind looks and behaves alike:
 *   - time series run range queries; single figures (stat, bar gauge, table) run INSTANT queries,
 *     over $__range when they stand for the time range;
 *   - every panel and query reads the dashboard's Prometheus data-source variable;
 *   - queries over latency, time-to-first-chunk and cost buckets ask for exemplars (trace ids).
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

/** Every panel reads the Prometheus chosen in the dashboard's `datasource` variable. */
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

/** Grafana unit ids the dashboards use; `suffix:<text>` is Grafana's custom-suffix unit. */
export type Unit = 'reqps' | 'percentunit' | 's' | 'm' | 'currencyUSD' | 'bytes' | 'Bps' | 'short' | 'none' | `suffix:${string}`;

export interface Query {
  readonly expr: string;
  readonly legend?: string;
  /** Ask Prometheus for exemplars (the query reads a histogram's buckets). */
  readonly exemplar?: boolean;
}

export type PanelKind = 'timeseries' | 'stat' | 'bargauge' | 'table';

export interface PanelSpec {
  readonly kind: PanelKind;
  readonly title: string;
  readonly description: string;
  readonly unit: Unit;
  readonly queries: readonly Query[];
  /** Width in grid columns (of 24) and height in rows; defaults by kind. */
  readonly w?: number;
  readonly h?: number;
  readonly min?: number;
  readonly max?: number;
  readonly decimals?: number;
  /** Threshold steps above the base color, e.g. [{ value: 1, color: 'red' }]. */
  readonly thresholds?: readonly { readonly value: number; readonly color: string }[];
  /** The color below the first threshold (default green: thresholds mark what is too high). */
  readonly baseColor?: string;
  /** Draw the thresholds as dashed lines on a time series. */
  readonly showThresholds?: boolean;
  readonly stack?: boolean;
  /** A panel time range of its own, e.g. 'now/M' (this month so far). */
  readonly timeFrom?: string;
}

const SIZE: Record<PanelKind, { w: number; h: number }> = {
  stat: { w: 4, h: 4 },
  timeseries: { w: 12, h: 8 },
  bargauge: { w: 12, h: 8 },
  table: { w: 12, h: 8 },
};

export function width(spec: PanelSpec): number {
  return spec.w ?? SIZE[spec.kind].w;
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function target(spec: PanelSpec, q: Query, i: number): prometheus.DataqueryBuilder {
  const t = new prometheus.DataqueryBuilder()
    .refId(REF_IDS[i] as string)
    .datasource(DATASOURCE)
    .editorMode(prometheus.QueryEditorMode.Code)
    .expr(q.expr)
    .legendFormat(q.legend ?? '__auto');
  if (spec.kind === 'timeseries') t.range().format(prometheus.PromQueryFormat.TimeSeries);
  else t.instant().format(spec.kind === 'table' ? prometheus.PromQueryFormat.Table : prometheus.PromQueryFormat.TimeSeries);
  if (q.exemplar) t.exemplar(true);
  return t;
}

function thresholds(spec: PanelSpec): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps([{ color: spec.baseColor ?? 'green', value: null }, ...(spec.thresholds ?? []).map((t) => ({ color: t.color, value: t.value }))]);
}

/** What every kind of panel builder shares (the SDK's panel builders have the same methods for these). */
type CommonBuilder = timeseries.PanelBuilder | stat.PanelBuilder | bargauge.PanelBuilder | table.PanelBuilder;

function common_<B extends CommonBuilder>(b: B, spec: PanelSpec, id: number): B {
  b.id(id)
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .unit(spec.unit)
    .span(width(spec))
    .height(spec.h ?? SIZE[spec.kind].h)
    .thresholds(thresholds(spec))
    .targets(spec.queries.map((q, i) => target(spec, q, i)));
  if (spec.min !== undefined) b.min(spec.min);
  if (spec.max !== undefined) b.max(spec.max);
  if (spec.decimals !== undefined) b.decimals(spec.decimals);
  if (spec.timeFrom !== undefined) b.timeFrom(spec.timeFrom);
  return b;
}

const lastValue = () => new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).fields('').values(false);

function timeseriesPanel(spec: PanelSpec, id: number): timeseries.PanelBuilder {
  return common_(new timeseries.PanelBuilder(), spec, id)
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.PaletteClassic))
    .lineWidth(1)
    .fillOpacity(spec.stack ? 30 : 10)
    .showPoints(common.VisibilityMode.Never)
    .spanNulls(true)
    .stacking(new common.StackingConfigBuilder().mode(spec.stack ? common.StackingMode.Normal : common.StackingMode.None).group('A'))
    .thresholdsStyle(
      new common.GraphThresholdsStyleConfigBuilder().mode(spec.showThresholds ? common.GraphThresholdsStyleMode.Dashed : common.GraphThresholdsStyleMode.Off),
    )
    .legend(
      new common.VizLegendOptionsBuilder()
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Bottom)
        .showLegend(true)
        .calcs(['mean', 'max', 'lastNotNull']),
    )
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
}

function statPanel(spec: PanelSpec, id: number): stat.PanelBuilder {
  return common_(new stat.PanelBuilder(), spec, id)
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds))
    .reduceOptions(lastValue())
    .colorMode(common.BigValueColorMode.Value)
    .graphMode(common.BigValueGraphMode.None)
    .justifyMode(common.BigValueJustifyMode.Auto)
    .textMode(common.BigValueTextMode.Auto);
}

function bargaugePanel(spec: PanelSpec, id: number): bargauge.PanelBuilder {
  return common_(new bargauge.PanelBuilder(), spec, id)
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds))
    .reduceOptions(lastValue())
    .orientation(common.VizOrientation.Horizontal)
    .displayMode(common.BarGaugeDisplayMode.Gradient)
    .showUnfilled(true);
}

function tablePanel(spec: PanelSpec, id: number): table.PanelBuilder {
  return common_(new table.PanelBuilder(), spec, id)
    .cellHeight(common.TableCellHeight.Sm)
    .withTransformation({ id: 'organize', options: { excludeByName: { Time: true }, renameByName: { Value: 'value' } } });
}

/** The SDK builder of a panel, with its id. */
export function panel(spec: PanelSpec, id: number): cog.Builder<dashboard.Panel> {
  switch (spec.kind) {
    case 'timeseries':
      return timeseriesPanel(spec, id);
    case 'stat':
      return statPanel(spec, id);
    case 'bargauge':
      return bargaugePanel(spec, id);
    case 'table':
      return tablePanel(spec, id);
  }
}
