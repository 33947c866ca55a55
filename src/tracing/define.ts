/**
 * `defineInstrumentation()`: what every aimeter instrumentation is named and versioned by, in one
 * place, so that scope names, versions and the component label on `aimeter_internal_errors_total`
 * follow one rule:
 *
 * - short name `x` (OTEL_NODE_DISABLED_INSTRUMENTATIONS, the registry in instrumentations/index.ts);
 * - scope `aimeter/instrumentation-x` (the span's instrumentation scope);
 * - version: aimeter's own, from its package.json;
 * - component `instrumentation-x` (the label on aimeter_internal_errors_total);
 * - the patcher marker `Symbol.for('aimeter.instrumentation-x.original')`.
 *
 * `KitInstrumentation` is the InstrumentationBase every instrumentation extends: it carries the
 * definition, its patcher and the per-instrumentation config (defaults first, the caller's over them).
 */
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
  type InstrumentationConfig,
  type InstrumentationModuleDefinition,
} from '@opentelemetry/instrumentation';
import { recordInternalError } from '../internal/errors';
import { packageVersion } from '../internal/package-info';
import { Patcher } from './patcher';

export interface InstrumentationDefinition<C extends InstrumentationConfig = InstrumentationConfig> {
  /** Short name, e.g. `openai`. */
  readonly name: string;
  /** Instrumentation scope of its spans: `aimeter/instrumentation-<name>`. */
  readonly scope: string;
  /** aimeter's version (package.json). */
  readonly version: string;
  /** The `component` label of aimeter_internal_errors_total: `instrumentation-<name>`. */
  readonly component: string;
  /** Marks aimeter's wrappers of this instrumentation (value: the wrapped function). */
  readonly marker: symbol;
  /** Config defaults; the caller's config is laid over them. */
  readonly defaults: Readonly<Partial<C>>;
}

const NAME_SHAPE = /^[a-z][a-z0-9-]{0,39}$/;

export function defineInstrumentation<C extends InstrumentationConfig = InstrumentationConfig>(spec: {
  name: string;
  defaults?: Partial<C>;
}): InstrumentationDefinition<C> {
  if (!NAME_SHAPE.test(spec.name)) {
    throw new TypeError(`aimeter: instrumentation name ${JSON.stringify(spec.name)} must be lower-case letters, digits and '-'`);
  }
  return Object.freeze({
    name: spec.name,
    scope: `aimeter/instrumentation-${spec.name}`,
    version: packageVersion(),
    component: `instrumentation-${spec.name}`,
    marker: Symbol.for(`aimeter.instrumentation-${spec.name}.original`),
    defaults: Object.freeze({ ...(spec.defaults ?? {}) }) as Readonly<Partial<C>>,
  });
}

export abstract class KitInstrumentation<C extends InstrumentationConfig = InstrumentationConfig> extends InstrumentationBase<C> {
  protected readonly patcher: Patcher;

  constructor(
    readonly definition: InstrumentationDefinition<C>,
    config: C = {} as C,
  ) {
    super(definition.scope, definition.version, { ...definition.defaults, ...config } as C);
    this.patcher = new Patcher(definition.marker);
  }

  /** The component label this instrumentation's swallowed errors are counted under. */
  get component(): string {
    return this.definition.component;
  }

  /** Counts an error swallowed on this instrumentation's behalf (no closure, for hot paths). */
  protected internalError(error: unknown): void {
    recordInternalError(this.definition.component, error);
  }

  /**
   * The definition of an SDK patched from its entry point: `patchExports` when `module` (in
   * `versions`) is loaded, `unpatchExports` when it is unloaded (disable()); `files`: hooks on
   * internal files besides (see `classInFiles`).
   */
  protected entryModule(module: string, versions: string[], files?: InstrumentationNodeModuleFile[]): InstrumentationNodeModuleDefinition {
    return new InstrumentationNodeModuleDefinition(
      module,
      versions,
      (exports: unknown) => this.patchExports(exports) ?? exports,
      (exports: unknown) => {
        this.unpatchExports(exports);
        return exports;
      },
      files,
    );
  }

  /**
   * Patches what the SDK's entry point exports (see `entryModule`). Returns nothing when it
   * patched `exports` in place, or the object the require hook hands out instead (a bundler's
   * CommonJS exports are read-only getters: see `patchableExports` in exports.ts).
   */
  protected patchExports(_exports: unknown): object | void {}

  /** Undoes `patchExports` (see `entryModule`). */
  protected unpatchExports(_exports: unknown): void {}

  /**
   * Hooks for a class an SDK does not export from its entry point (Fern-generated SDKs keep their
   * resource clients in internal files): `onClass(cls, true)` when one of `files` of `module` is
   * loaded, `onClass(cls, false)` when it is unloaded; `cls` is the file's export `exportName`
   * (the first of the names the file exports, where the SDK renamed the class across releases).
   */
  protected classInFiles<T>(
    module: string,
    versions: string[],
    files: readonly string[],
    exportName: string | readonly string[],
    onClass: (cls: T | undefined, patch: boolean) => void,
  ): InstrumentationNodeModuleFile[] {
    const names = typeof exportName === 'string' ? [exportName] : exportName;
    const classOf = (exports: unknown): T | undefined => {
      const e = exports as Record<string, T | undefined> | undefined;
      for (const name of names) if (e?.[name] !== undefined) return e[name];
      return undefined;
    };
    return files.map(
      (file) =>
        new InstrumentationNodeModuleFile(
          `${module}/${file}`,
          versions,
          (exports: unknown) => {
            onClass(classOf(exports), true);
            return exports;
          },
          (exports: unknown) => {
            onClass(classOf(exports), false);
            return exports;
          },
        ),
    );
  }

  protected abstract override init(): InstrumentationModuleDefinition | InstrumentationModuleDefinition[] | void;
}
