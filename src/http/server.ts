// The bot's one HTTP server, in both modes (HTTP mode's /slack/events, /healthz, /readyz, and whatever
// route comes next): node:http with timeouts and a connection cap that keep it answering while clients
// trickle bytes or sit idle, and a table of routes by method and exact path.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ConfigError } from '../errors.js';
import type { Logger } from '../process/logger.js';

export interface Route {
  method: 'GET' | 'POST';
  /** Exact path, without the query string. */
  path: string;
  /** Answers `res`. A throw or a rejection is logged and answered 500. */
  handle: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
}

export interface HttpLimits {
  /** Time to receive a request's headers from the moment its connection opens (or the last request ended). */
  headersTimeoutMs: number;
  /** Time to receive a whole request, headers and body. Slack waits 3 s for the answer; nobody honest needs 10. */
  requestTimeoutMs: number;
  /** How often expired requests are looked for: a timeout fires at most this late. */
  timeoutCheckMs: number;
  /** An idle keep-alive connection is closed after this long. */
  keepAliveTimeoutMs: number;
  /** A keep-alive connection is closed after this many requests. */
  maxRequestsPerSocket: number;
  /** Open connections at most; past it, the oldest connection not being answered makes room. */
  maxConnections: number;
  /** A signed request's body at most (bytes); larger is refused 413 unread. */
  maxBodyBytes: number;
}

export const DEFAULT_HTTP_LIMITS: Readonly<HttpLimits> = Object.freeze({
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 10_000,
  timeoutCheckMs: 1_000,
  keepAliveTimeoutMs: 5_000,
  maxRequestsPerSocket: 1_000,
  maxConnections: 512,
  // Slack's largest payloads (a view_submission of a 100-block modal, every field full) are a few hundred KB.
  maxBodyBytes: 1024 * 1024,
});

export interface HttpServerOptions {
  host: string;
  port: number;
  routes: readonly Route[];
  limits: Readonly<HttpLimits>;
  logger: Logger;
}

export interface HttpServer {
  /** `http://host:port` as bound (port 0 resolved; a wildcard host given as loopback, which reaches it). */
  url: string;
  /** Stops accepting connections and closes idle ones; requests being answered finish. */
  stopAccepting(): void;
  /** Closes every connection and resolves once the server is closed. */
  close(): Promise<void>;
}

interface Connection {
  /** The request on this connection, while its response is not finished. */
  req?: IncomingMessage;
  res?: ServerResponse;
}

/** How often, at most, a full connection table is logged while it stays full. */
const CAP_WARNING_INTERVAL_MS = 60_000;

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { limits, logger } = options;
  const routes = routeTable(options.routes);
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: limits.timeoutCheckMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
    },
    (req, res) => dispatch(routes, req, res, logger),
  );
  server.maxRequestsPerSocket = limits.maxRequestsPerSocket;

  // Oldest first (a Map keeps insertion order): under a flood, the longest-idle connections go first.
  // Bound: limits.maxConnections; each entry leaves when its socket closes.
  const connections = new Map<Socket, Connection>();
  let evicted = 0;
  let lastWarning = 0;
  server.on('connection', (socket: Socket) => {
    if (connections.size >= limits.maxConnections) {
      const victim = oldestIdle(connections);
      evicted += 1;
      if (Date.now() - lastWarning >= CAP_WARNING_INTERVAL_MS) {
        lastWarning = Date.now();
        logger.warn({ maxConnections: limits.maxConnections, closedSoFar: evicted }, 'too many open HTTP connections: closing the longest idle ones to make room');
      }
      if (victim === undefined) {
        socket.destroy(); // every connection is being answered: this one waits for Slack's retry
        return;
      }
      connections.delete(victim);
      victim.destroy();
    }
    connections.set(socket, {});
    socket.once('close', () => connections.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const connection = connections.get(req.socket);
    if (connection === undefined) return;
    connection.req = req;
    connection.res = res;
    res.once('close', () => {
      if (connection.res === res) {
        connection.req = undefined;
        connection.res = undefined;
      }
    });
  });

  await listen(server, options.host, options.port);
  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
  const address = server.address() as AddressInfo;
  return {
    url: `http://${urlHost(address)}:${address.port}`,
    stopAccepting: () => {
      if (server.listening) server.close();
      server.closeIdleConnections();
    },
    close: async () => {
      if (server.listening) server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}

/**
 * The connection to close to make room: the oldest one that is not being answered — idle, still
 * sending its headers, or still sending its body. A request fully received is being answered and is
 * never cut (the bot acks within Slack's 3 seconds).
 */
function oldestIdle(connections: Map<Socket, Connection>): Socket | undefined {
  for (const [socket, connection] of connections) {
    const answering = connection.req !== undefined && connection.req.complete && connection.res?.writableEnded === false;
    if (!answering) return socket;
  }
  return undefined;
}

type RouteTable = Map<string, Map<string, Route['handle']>>;

function routeTable(routes: readonly Route[]): RouteTable {
  const table: RouteTable = new Map();
  for (const route of routes) {
    const byMethod = table.get(route.path) ?? new Map<string, Route['handle']>();
    if (byMethod.has(route.method)) throw new Error(`two routes for ${route.method} ${route.path}`);
    byMethod.set(route.method, route.handle);
    table.set(route.path, byMethod);
  }
  return table;
}

function dispatch(routes: RouteTable, req: IncomingMessage, res: ServerResponse, logger: Logger): void {
  const path = (req.url ?? '/').split('?', 1)[0]!;
  const byMethod = routes.get(path);
  if (byMethod === undefined) {
    plain(res, 404, 'not found');
    return;
  }
  const handle = byMethod.get(req.method ?? '');
  if (handle === undefined) {
    res.setHeader('allow', [...byMethod.keys()].join(', '));
    plain(res, 405, 'method not allowed');
    return;
  }
  const failed = (error: unknown) => {
    logger.error({ err: error, method: req.method, path }, 'HTTP route failed');
    if (res.headersSent) res.destroy();
    else plain(res, 500, 'internal error');
  };
  try {
    const result = handle(req, res);
    if (result !== undefined) result.catch(failed);
  } catch (error) {
    failed(error);
  }
}

/** A short text answer. `close` ends the connection after it (the request's body was left unread). */
export function plain(res: ServerResponse, status: number, text: string, options: { close?: boolean } = {}): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    ...(options.close === true ? { connection: 'close' } : {}),
  });
  res.end(`${text}\n`);
}

function listen(server: ReturnType<typeof createServer>, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(listenError(error, host, port));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port });
  });
}

/** What to change when the server cannot listen, naming PORT or HOST. */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  switch (error.code) {
    case 'EADDRINUSE':
      return new ConfigError(`Configuration error: PORT ${port} is already in use on HOST ${host}: stop what listens there, or set PORT to a free port`, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new ConfigError(`Configuration error: PORT ${port} on HOST ${host} needs privileges this process lacks: set PORT to 1024 or above`, { cause: error });
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConfigError(`Configuration error: HOST ${host} is not an address of this machine (${error.code}): set HOST to one of its addresses, or 0.0.0.0 for all of them`, { cause: error });
    default:
      return error;
  }
}

function urlHost(address: AddressInfo): string {
  if (address.address === '0.0.0.0') return '127.0.0.1';
  if (address.address === '::') return '[::1]';
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}
