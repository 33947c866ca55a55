/**
 * Optional peer dependencies: packages aimeter can use but does not install, because most apps
 * never need them (the gRPC OTLP exporters bring @grpc/grpc-js and protobufjs, several MB). They
 * are required only when the configuration selects them; a missing one is an error that names
 * the package to install and the setting that asked for it, instead of "Cannot find module".
 */

export class MissingPeerDependencyError extends Error {
  constructor(
    readonly packageName: string,
    reason: string,
  ) {
    super(`aimeter: ${reason} needs the package ${packageName}, which is not installed; run \`npm install ${packageName}\` in your app`);
    this.name = 'MissingPeerDependencyError';
  }
}

/**
 * Requires `packageName` (resolved from aimeter's own location, which is where an app's
 * node_modules puts a peer). `reason` says what needs it, e.g. "OTEL_EXPORTER_OTLP_PROTOCOL=grpc".
 */
export function requireOptionalPeer<T>(packageName: string, reason: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (isNotFound(error, packageName)) throw new MissingPeerDependencyError(packageName, reason);
    throw error;
  }
}

/** The package itself is missing (not one of its own imports failing inside it). */
function isNotFound(error: unknown, packageName: string): boolean {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  return e?.code === 'MODULE_NOT_FOUND' && typeof e.message === 'string' && e.message.includes(`'${packageName}'`);
}
