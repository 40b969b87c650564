// GET /healthz (the process answers) and GET /readyz (the store takes a write, and the bot is not
// stopping), in both modes.
import type { ServerResponse } from 'node:http';
import type { Logger } from '../process/logger.js';
import type { Store } from '../store/store.js';
import { withTimeout } from '../process/withTimeout.js';
import type { Route } from './server.js';

/** A store that does not answer within this long is as good as down for readiness. */
const READY_CHECK_MS = 2000;

export function healthRoutes(options: {
  store: Store;
  logger: Logger;
  stopping: () => boolean;
  /** What /readyz adds beside its status (the policy file in force, a refused reload): told, never a reason to be unready. */
  detail?: () => Record<string, unknown>;
}): Route[] {
  const { store, logger } = options;
  return [
    { method: 'GET', path: '/healthz', handle: (_req, res) => json(res, 200, { status: 'ok' }) },
    {
      method: 'GET',
      path: '/readyz',
      handle: async (_req, res) => {
        if (options.stopping()) {
          json(res, 503, { status: 'stopping' });
          return;
        }
        try {
          await withTimeout(store.ping(), READY_CHECK_MS);
          json(res, 200, { status: 'ready', ...options.detail?.() });
        } catch (error) {
          logger.warn({ err: error }, 'readiness check failed: the store does not answer');
          json(res, 503, { status: 'unavailable', reason: 'store', ...options.detail?.() });
        }
      },
    },
  ];
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
