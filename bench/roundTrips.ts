// Round trips to PostgreSQL before an ack, counted on the wire: requests sent one at a time with the
// database quiet in between, and the query cycles the proxy passed back to the bot (see pgProxy.ts)
// between the moment a request left and, for a command, the moment its views.open reached the local
// Slack, for a submission, the moment its ack arrived. A query the bot sends after its ack needs 2 ×
// the proxy's delay to come back, so it falls outside the window; one that overlaps (the sweeper's,
// rarely) would add to one sample, hence the median with the max beside it.
import { openLoop, percentile, type Prepared, type Shot } from './load.js';
import type { PgProxy } from './pgProxy.js';

export interface RoundTripCount {
  samples: number;
  median: number;
  max: number;
  /** Every sample, in order. */
  counts: number[];
}

export interface ProbeTarget {
  url: string;
  proxy: PgProxy;
  /** When views.open for this trigger reached the local Slack (that process's clock), or undefined. */
  viewOpenedAt(triggerId: string): Promise<number | undefined>;
  /** The local Slack's clock minus ours. */
  skewMs: number;
  /** Resolves once the work a submission started after its ack is done (its import reached an outcome). */
  settled(id: string): Promise<void>;
}

function summary(counts: number[]): RoundTripCount {
  return { samples: counts.length, median: percentile(counts, 50), max: Math.max(...counts), counts };
}

/** Waits until the proxy has passed on no query cycle for `quietMs`. */
async function databaseQuiet(proxy: PgProxy, quietMs = 300): Promise<void> {
  let last = proxy.roundTrips();
  let since = performance.now();
  const deadline = since + 30_000;
  while (performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    if (proxy.roundTrips() !== last) {
      last = proxy.roundTrips();
      since = performance.now();
    } else if (performance.now() - since >= quietMs) {
      return;
    }
  }
}

const between = (times: readonly number[], from: number, to: number) => times.filter((t) => t >= from && t <= to).length;

/**
 * Sends each request alone, the database quiet before it, and counts the query cycles that came back
 * between the moment it left and the moment `until` gives (on our clock), after a 200.
 */
async function probe(
  target: ProbeTarget,
  prepared: readonly Prepared[],
  until: (p: Prepared, shot: Shot) => Promise<number | undefined>,
  after: (p: Prepared) => Promise<void> = async () => undefined,
): Promise<RoundTripCount> {
  const counts: number[] = [];
  const origin = performance.timeOrigin;
  for (const p of prepared) {
    await databaseQuiet(target.proxy);
    target.proxy.clearTimes();
    const [shot] = await openLoop(new URL(`${target.url}/slack/events`), 1, [p]);
    const end = shot === undefined || shot.status !== 200 ? undefined : await until(p, shot);
    if (shot === undefined || end === undefined) throw new Error(`round-trip probe: ${p.id} got no answer in time (status ${shot?.status})`);
    counts.push(between(target.proxy.roundTripTimes(), origin + shot.fired, end));
    await after(p);
  }
  return summary(counts);
}

/** Up to its views.open reaching the local Slack. */
export function commandRoundTrips(target: ProbeTarget, prepared: readonly Prepared[]): Promise<RoundTripCount> {
  return probe(target, prepared, async (p) => {
    for (const deadline = performance.now() + 5000; performance.now() < deadline; await new Promise((r) => setTimeout(r, 5))) {
      const openedAt = await target.viewOpenedAt(p.id);
      if (openedAt !== undefined) return openedAt - target.skewMs;
    }
    return undefined;
  });
}

/** Up to its ack; its import is let finish before the next one. */
export function submissionRoundTrips(target: ProbeTarget, prepared: readonly Prepared[]): Promise<RoundTripCount> {
  return probe(
    target,
    prepared,
    async (_p, shot) => (shot.done === undefined ? undefined : performance.timeOrigin + shot.done),
    (p) => target.settled(p.id),
  );
}
