/**
 * A webhook receiver for the demo stack's Alertmanager: it logs every notification, one line per
 * alert, so that `docker compose logs -f alert-sink` shows the alerts firing and resolving
 * (receivers page, ticket and watchdog of alertmanager/alertmanager.yml). GET /healthz answers ok.
 *
 *   ALERT_SINK_PORT (default 8080), ALERT_SINK_HOST (default 0.0.0.0: reachable inside compose)
 */
import { createServer } from 'node:http';

interface Notification {
  readonly status?: string;
  readonly alerts?: readonly {
    readonly status?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  }[];
}

export function describe(receiver: string, notification: Notification): string[] {
  return (notification.alerts ?? []).map((a) => {
    const labels = a.labels ?? {};
    const { alertname = '?', severity = '?', ...rest } = labels;
    const where = Object.entries(rest)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    return `[${receiver}] ${String(a.status ?? notification.status ?? '?').toUpperCase()} ${alertname} (${severity}) ${where} :: ${a.annotations?.summary ?? ''}`;
  });
}

if (require.main === module) {
  const port = Number(process.env.ALERT_SINK_PORT ?? 8080);
  const host = process.env.ALERT_SINK_HOST ?? '0.0.0.0';
  createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
      res.end('ok');
      return;
    }
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      try {
        for (const line of describe((req.url ?? '/').replace(/^\//, '') || 'default', JSON.parse(body) as Notification)) console.log(line);
        res.end('ok');
      } catch (err) {
        console.error(`alert-sink: not an Alertmanager notification (${(err as Error).message}): ${body.slice(0, 200)}`);
        res.statusCode = 400;
        res.end('bad request');
      }
    });
  }).listen(port, host, () => console.log(`alert-sink listening on ${host}:${port}`));
}
