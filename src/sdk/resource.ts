/**
 * The resource on every exported span and OTLP metric: the SDK's defaults (telemetry.sdk.*,
 * `service.name` unknown_service:node), the process and host, then OTEL_RESOURCE_ATTRIBUTES and
 * OTEL_SERVICE_NAME, then start()'s `serviceName` (the same precedence as NodeSDK).
 *
 * Unlike NodeSDK's process detector, no command line: `process.command_args` and
 * `process.command` carry argv, where secrets (`--api-key=sk-...`) and prompts end up (issue 10).
 */
import { hostname } from 'node:os';
import type { Attributes } from '@opentelemetry/api';
import { defaultResource, detectResources, envDetector, resourceFromAttributes, serviceInstanceIdDetector, type Resource } from '@opentelemetry/resources';

/** What is known of this process without its arguments. */
function processAttributes(): Attributes {
  return {
    'process.pid': process.pid,
    'process.executable.name': process.title,
    'process.executable.path': process.execPath,
    'process.runtime.name': 'nodejs',
    'process.runtime.version': process.versions.node,
    'process.runtime.description': 'Node.js',
    'host.name': hostname(),
  };
}

export function createResource(serviceName: string | undefined): Resource {
  let resource = defaultResource()
    .merge(resourceFromAttributes(processAttributes()))
    // service.instance.id: a Collector's Prometheus exporter sets `instance` on pushed metrics from it.
    .merge(detectResources({ detectors: [serviceInstanceIdDetector, envDetector] }));
  if (serviceName) resource = resource.merge(resourceFromAttributes({ 'service.name': serviceName }));
  return resource;
}
