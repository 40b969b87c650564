// Time, injectable: tests move it forward to expire requests without waiting a day.
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock both threads read (the acking thread and the background one, src/background/): its time is
 * in memory they share, so that whoever moves it (a test) moves it for both. `now()` is the offset,
 * plus the wall clock when `wall` is set.
 */
export class SharedClock implements Clock {
  /** [0]: the offset in ms; [1]: 1 when the wall clock is added. */
  private readonly cells: Float64Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(2 * Float64Array.BYTES_PER_ELEMENT)) {
    this.cells = new Float64Array(buffer);
  }

  now(): number {
    return (this.cells[1] === 1 ? Date.now() : 0) + this.cells[0]!;
  }

  /** Sets the offset, and whether the wall clock is added to it. */
  protected set(offset: number, wall: boolean): void {
    this.cells[0] = offset;
    this.cells[1] = wall ? 1 : 0;
  }

  protected get offset(): number {
    return this.cells[0]!;
  }
}
