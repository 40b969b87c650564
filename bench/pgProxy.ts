// A TCP proxy in front of PostgreSQL that stands for a database in another zone (a fixed delay each
// way) and counts round trips as PostgreSQL itself delimits them: every ReadyForQuery message ('Z') the
// server sends ends one query cycle — a simple query, or an extended-protocol Parse…Sync — plus one per
// new connection (the end of its start-up), counted apart. BEGIN and COMMIT are cycles of their own, so
// they count; statements sent together in one cycle count once, as they cost one round trip.
// Used by the bench (5 ms each way) and by the round-trip test (no delay).
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface PgProxyOptions {
  /** Where PostgreSQL listens. */
  host: string;
  port: number;
  /** Added to every chunk, each way (a round trip gains twice this). */
  delayMs?: number;
}

export interface PgProxy {
  /** The port to connect to instead of PostgreSQL's, on 127.0.0.1. */
  port: number;
  /** Query cycles completed so far (ReadyForQuery messages passed on to clients, start-ups excluded). */
  roundTrips(): number;
  /** When each query cycle's answer was passed on to the client (performance.timeOrigin + performance.now()). */
  roundTripTimes(): readonly number[];
  /** Connections opened through the proxy so far. */
  connections(): number;
  /** Forgets the times recorded so far (counts keep growing). */
  clearTimes(): void;
  close(): Promise<void>;
}

const READY_FOR_QUERY = 0x5a; // 'Z'
const SSL_REQUEST_CODE = 80877103;
const GSS_REQUEST_CODE = 80877104;

function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

export async function startPgProxy(options: PgProxyOptions): Promise<PgProxy> {
  const delayMs = options.delayMs ?? 0;
  let roundTrips = 0;
  let connections = 0;
  let times: number[] = [];
  const sockets = new Set<Socket>();

  const server: Server = createServer((client) => {
    connections += 1;
    const upstream = connect({ host: options.host, port: options.port });
    sockets.add(client);
    sockets.add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const counter = new ServerMessages(() => {
      roundTrips += 1;
      times.push(wallNow());
    });
    // Chunks leave in the order they came: equal delays fire in the order they were set.
    const forward = (to: Socket, chunk: Buffer, before?: () => void) => {
      const send = () => {
        before?.();
        if (!to.destroyed) to.write(chunk);
      };
      if (delayMs > 0) setTimeout(send, delayMs);
      else send();
    };
    let sawStartup = false;
    client.on('data', (chunk: Buffer) => {
      if (!sawStartup) {
        sawStartup = true;
        // An SSLRequest/GSSENCRequest is answered by one unframed byte, before the framed messages.
        const code = chunk.length >= 8 ? chunk.readInt32BE(4) : 0;
        if (code === SSL_REQUEST_CODE || code === GSS_REQUEST_CODE) {
          counter.expectUnframedByte();
          sawStartup = false;
        }
      }
      forward(upstream, chunk);
    });
    // Counted when passed on: that is when the client learns its query is done.
    upstream.on('data', (chunk: Buffer) => forward(client, chunk, () => counter.feed(chunk)));
    const end = () => {
      const close = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      if (delayMs > 0) setTimeout(close, delayMs);
      else close();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    roundTrips: () => roundTrips,
    roundTripTimes: () => times,
    connections: () => connections,
    clearTimes: () => {
      times = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Splits one connection's server → client byte stream into messages (a type byte, then a length that
 * counts itself) and reports each ReadyForQuery after the first (the first ends the start-up).
 */
class ServerMessages {
  #pending = Buffer.alloc(0);
  #unframed = 0;
  #readySeen = 0;

  constructor(private readonly onQueryDone: () => void) {}

  expectUnframedByte(): void {
    this.#unframed += 1;
  }

  feed(chunk: Buffer): void {
    let data = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    while (this.#unframed > 0 && data.length > 0) {
      this.#unframed -= 1;
      data = data.subarray(1);
    }
    let offset = 0;
    while (data.length - offset >= 5) {
      const length = data.readInt32BE(offset + 1);
      if (data.length - offset < 1 + length) break;
      if (data[offset] === READY_FOR_QUERY) {
        this.#readySeen += 1;
        if (this.#readySeen > 1) this.onQueryDone();
      }
      offset += 1 + length;
    }
    this.#pending = Buffer.from(data.subarray(offset));
  }
}
