// Times kept by key, each forgotten once it has passed: what a rate limit needs to remember ("closed
// until", "next turn at") and nothing more. Bounded twice: an entry is dropped as soon as its time has
// passed (when it is read, and from the front whenever another is set), and at most `max` are kept,
// the least recently set dropped first — losing one only lets a call go sooner, and Slack answers 429
// again if it was too soon.

export class Deadlines {
  /**
   * By key; bound: `max` entries; eviction: passed times first (read, or found at the front when
   * another is set), then the least recently set (the Map's order is the order they were set in).
   */
  private readonly times = new Map<string, number>();

  constructor(private readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`Deadlines: max must be a positive integer, not ${max}`);
  }

  /** The key's time if it is still ahead of `now`; undefined (and forgotten) once passed. */
  get(key: string, now: number): number | undefined {
    const time = this.times.get(key);
    if (time === undefined) return undefined;
    if (time > now) return time;
    this.times.delete(key);
    return undefined;
  }

  set(key: string, time: number, now: number): void {
    this.times.delete(key);
    this.times.set(key, time);
    // The oldest entries are the likeliest to have passed: dropping them here costs O(1) amortised.
    for (const [first, at] of this.times) {
      if (at > now && this.times.size <= this.max) break;
      this.times.delete(first);
    }
  }

  get size(): number {
    return this.times.size;
  }
}
