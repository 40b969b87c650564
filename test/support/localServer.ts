// The HTTP server under each local stand-in (Slack, Simplismart): loopback only, a free port, every
// request handed over with its whole body, a close that ends every open connection at once (a
// keep-alive socket left open would keep the test run alive), and the waits for what it records.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';

export interface LocalServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and destroys every connection still open; resolves once the server is closed. */
  close(): Promise<void>;
}

/** What answers a request; `body` is the whole request body as UTF-8 text. */
export type LocalHandler = (req: IncomingMessage, res: ServerResponse, body: string) => Promise<void>;

/**
 * Starts `handle` on 127.0.0.1 (a free port). A handler that throws is answered 500 with
 * `<name> error: …` (unless it already answered or dropped the connection), so a bug in a stand-in
 * shows in the test that met it.
 */
export async function startLocalServer(name: string, handle: LocalHandler): Promise<LocalServer> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((error: unknown) => {
        if (res.headersSent || res.destroyed) return;
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`${name} error: ${String(error)}`);
      });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      }),
  };
}

/** A TCP port on `host` that nothing listens on at the moment of asking (bound, then released): connecting is refused. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Waits on what a local server records: each wait is checked again whenever the server notes a change
 * (`changed()`), and all still pending fail at once when it closes (`closing()`).
 */
export class Waits {
  private readonly pending = new Map<() => void, (error: Error) => void>();

  /** Resolves with the first `count` of `matching()` once there are that many; rejects after `timeoutMs` with `timedOut()`. */
  until<T>(matching: () => T[], count: number, timeoutMs: number, timedOut: () => string): Promise<T[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = matching();
        if (found.length < count) return;
        done();
        resolve(found.slice(0, count));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(timedOut()));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.pending.delete(check);
      };
      this.pending.set(check, (error) => {
        done();
        reject(error);
      });
      check();
    });
  }

  changed(): void {
    for (const check of [...this.pending.keys()]) check();
  }

  closing(message: string): void {
    for (const fail of [...this.pending.values()]) fail(new Error(message));
  }
}
