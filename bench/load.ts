// Open-loop load: requests leave on a fixed schedule whatever the answers do (a slow server cannot
// slow the sending down and so hide its backlog). Latency is measured from the moment a request left;
// how late the generator itself was against its schedule is reported apart, as the harness's health.
import { Agent, request } from 'node:http';

export interface Shot {
  id: string;
  /** performance.now() when it was due to leave. */
  scheduled: number;
  /** performance.now() when it actually left (the generator's own lateness is fired − scheduled). */
  fired: number;
  /** performance.now() when the full answer had arrived; undefined if none. */
  done: number | undefined;
  status: number | undefined;
  error?: string;
}

export interface Prepared {
  id: string;
  body: string;
  headers: Record<string, string>;
}

export async function openLoop(target: URL, rate: number, prepared: readonly Prepared[], timeoutMs = 10_000): Promise<Shot[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const interval = 1000 / rate;
  const shots: Shot[] = [];
  const pending: Array<Promise<void>> = [];
  const start = performance.now() + 5;
  let i = 0;
  const fire = (p: Prepared, scheduled: number) => {
    const shot: Shot = { id: p.id, scheduled, fired: performance.now(), done: undefined, status: undefined };
    shots.push(shot);
    pending.push(
      new Promise<void>((resolve) => {
        const req = request(
          { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { ...p.headers, 'content-length': Buffer.byteLength(p.body) }, timeout: timeoutMs },
          (res) => {
            res.resume();
            res.on('end', () => {
              shot.done = performance.now();
              shot.status = res.statusCode;
              resolve();
            });
          },
        );
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', (error) => {
          shot.error = error.message;
          resolve();
        });
        req.end(p.body);
      }),
    );
  };
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      // Catch up on everything due: a late timer must not thin the schedule out.
      while (i < prepared.length && start + i * interval <= now) {
        fire(prepared[i]!, start + i * interval);
        i += 1;
      }
      if (i < prepared.length) setTimeout(tick, Math.max(0, start + i * interval - performance.now()));
      else resolve();
    };
    setTimeout(tick, 5);
  });
  await Promise.all(pending);
  agent.destroy();
  return shots;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
