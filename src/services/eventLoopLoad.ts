// How busy this process's one thread is, from Node's event-loop utilisation (the share of time the loop
// spent running callbacks rather than waiting for I/O). Background work reads it to step aside when the
// loop is saturated: an ack is served by the same thread, and an ack that waits behind background
// callbacks is what people see as an error after Slack's 3 seconds.
import { performance } from 'node:perf_hooks';

/** Busy from this utilisation up, calm again only below `CALM_BELOW` (a gap, so that it does not flap). */
export const BUSY_FROM = 0.85;
export const CALM_BELOW = 0.6;

/** The loop's utilisation (0–1) since the previous call. */
export function utilizationSinceLastCall(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, last);
    last = now;
    return utilization;
  };
}

/** Samples the loop's utilisation every `intervalMs` (a timer that never keeps the process alive) and says when it turns busy or calm. */
export class EventLoopLoad {
  private saturated = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly onChange: (busy: boolean) => void,
    private readonly read: () => number = utilizationSinceLastCall(),
  ) {}

  start(intervalMs = 100): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  busy(): boolean {
    return this.saturated;
  }

  /** Reads the utilisation since the last sample (the timer's step; tests call it by hand). */
  sample(): void {
    const utilization = this.read();
    const busy = this.saturated ? utilization >= CALM_BELOW : utilization >= BUSY_FROM;
    if (busy === this.saturated) return;
    this.saturated = busy;
    this.onChange(busy);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
