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
import { defaultResource, detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';

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

/**
 * `service.instance.id`, a random UUID (version 4) per process, as the resources package's
 * serviceInstanceIdDetector makes it, but without node:crypto: that detector loads it at start-up
 * for this one call (about 2 MB of RSS, a fifth of a started preload's, issue 10). The id must be
 * unique, not secret: V8's Math.random (seeded from the operating system's entropy per process),
 * mixed with the pid and the clock, so that even a fixed --random-seed gives processes ids of their own.
 */
export function randomInstanceId(random: () => number = Math.random, pid = process.pid, now = process.hrtime.bigint()): string {
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = Math.floor(random() * 256);
  for (let i = 0; i < 4; i++) bytes[i]! ^= (pid >>> (8 * i)) & 0xff;
  for (let i = 0; i < 8; i++) bytes[4 + i]! ^= Number((now >> BigInt(8 * i)) & 0xffn);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // the RFC 4122 variant
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function createResource(serviceName: string | undefined): Resource {
  let resource = defaultResource()
    .merge(resourceFromAttributes(processAttributes()))
    // service.instance.id: a Collector's Prometheus exporter sets `instance` on pushed metrics from it.
    // OTEL_RESOURCE_ATTRIBUTES (the env detector) may set it instead.
    .merge(resourceFromAttributes({ 'service.instance.id': randomInstanceId() }))
    .merge(detectResources({ detectors: [envDetector] }));
  if (serviceName) resource = resource.merge(resourceFromAttributes({ 'service.name': serviceName }));
  return resource;
}
