/**
 * The KPI events endpoint as an express router, for apps that mount it themselves:
 *   app.use(kpiEventsRouter({ token: process.env.EVENTS_TOKEN }))
 * serves POST /api/kpi/events (or `path`). Works with or without an earlier express.json():
 * the handler reads the raw body itself, or takes the parsed one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createKpiEventsHandler, KPI_EVENTS_PATH, type KpiEventsOptions } from './kpi-events';

export interface KpiEventsRouterOptions extends KpiEventsOptions {
  /** Where the router serves the endpoint (default /api/kpi/events). */
  readonly path?: string;
}

/** An express Router serving the KPI events endpoint. express is loaded only when this is called. */
export function kpiEventsRouter(options: KpiEventsRouterOptions): import('express').Router {
  const express = require('express') as typeof import('express');
  const handler = createKpiEventsHandler(options);
  const router = express.Router();
  router.all(options.path ?? KPI_EVENTS_PATH, (req, res) => handler(req as IncomingMessage & { body?: unknown }, res as unknown as ServerResponse));
  return router;
}
