// Time, injectable: tests move it forward to expire requests without waiting a day.
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
