/**
 * Clocks for processing time. Windows and batches read time only through a Clock, so tests supply a
 * manual one and get the same windows on every run.
 * @module
 */

export interface Clock {
  /** Milliseconds (epoch-based for the system clock; any origin for a manual one). */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface ManualClock extends Clock {
  /** Moves time forward by `ms`. */
  advance(ms: number): void;
  set(ms: number): void;
}

/** A clock that moves only when told to. */
export const manualClock = (start = 0): ManualClock => {
  let time = start;
  return {
    now: () => time,
    advance: (ms) => void (time += ms),
    set: (ms) => void (time = ms),
  };
};
