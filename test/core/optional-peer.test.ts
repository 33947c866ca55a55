/**
 * Optional peer dependencies (src/sdk/optional-peer.ts): a missing package is an error naming it
 * and what asked for it; any other failure while loading (a broken install, an error thrown by
 * the package's own code or by a module it requires) is passed on unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MissingPeerDependencyError, requireOptionalPeer } from '../../src/sdk/optional-peer';

test('a package that is not installed: MissingPeerDependencyError naming the package and the setting', () => {
  const name = '@aimeter-test/not-installed-exporter';
  assert.throws(
    () => requireOptionalPeer(name, 'OTEL_EXPORTER_OTLP_PROTOCOL=grpc', () => require(name) as unknown),
    (error: unknown) => {
      assert.ok(error instanceof MissingPeerDependencyError);
      assert.equal(error.packageName, name);
      assert.equal(error.message, `aimeter: OTEL_EXPORTER_OTLP_PROTOCOL=grpc needs the package ${name}, which is not installed; run \`npm install ${name}\` in your app`);
      return true;
    },
  );
});

test('an installed package whose own dependency is missing: the original error, not "install the package"', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'aimeter-peer-'));
  const file = path.join(dir, 'broken.js');
  writeFileSync(file, "require('@aimeter-test/missing-inner-dependency');\n");
  assert.throws(
    () => requireOptionalPeer('broken', 'a test', () => require(file) as unknown),
    (error: unknown) => !(error instanceof MissingPeerDependencyError) && (error as { code?: string }).code === 'MODULE_NOT_FOUND',
  );
});

test('an installed package: its exports', () => {
  const loaded = requireOptionalPeer('@opentelemetry/exporter-trace-otlp-grpc', 'a test', () => require('@opentelemetry/exporter-trace-otlp-grpc') as typeof import('@opentelemetry/exporter-trace-otlp-grpc'));
  assert.equal(typeof loaded.OTLPTraceExporter, 'function');
});
