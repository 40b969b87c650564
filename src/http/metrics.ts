// GET /metrics, in both modes: the bot's series in Prometheus' text format. With METRICS_TOKEN set,
// only a request bearing it is answered (compared in constant time); without, anyone who reaches PORT
// may read them (keep PORT inside the cluster, as the manifests do).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from '../metrics/metrics.js';
import type { Route } from './server.js';

export const METRICS_PATH = '/metrics';

export function metricsRoutes(options: { metrics: Metrics; token: string | undefined }): Route[] {
  const { metrics } = options;
  // Digests of equal length, so that the comparison takes the same time whatever was sent.
  const expected = options.token === undefined ? undefined : digest(options.token);
  return [
    {
      method: 'GET',
      path: METRICS_PATH,
      handle: async (req, res) => {
        if (expected !== undefined && !bears(req, expected)) {
          unauthorized(res);
          return;
        }
        const text = await metrics.scrape();
        res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
        res.end(text);
      },
    },
  ];
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Whether the request's `Authorization: Bearer <token>` carries the expected token. */
function bears(req: IncomingMessage, expected: Buffer): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
  return match !== null && timingSafeEqual(digest(match[1]!), expected);
}

function unauthorized(res: ServerResponse): void {
  res.writeHead(401, {
    'www-authenticate': 'Bearer realm="metrics"',
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end('a bearer token is required: send Authorization: Bearer <METRICS_TOKEN>\n');
}
