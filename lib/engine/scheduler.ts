/**
 * Time, injected: the real engine passes wall-clock timers, the simulator a virtual clock. Everything in
 * lib/engine that waits (message timeouts, heartbeats, ticks, spout back-off) goes through this.
 *
 * @module
 */

export interface Scheduler {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Calls `fn` once after `ms`; returns a handle for cancel. */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

interface Timer {
  readonly at: number;
  readonly seq: number;
  fn: (() => void) | undefined;
}

/**
 * A virtual clock: time moves only when `advance`/`runNext` is called, and timers due at the same
 * instant fire in the order they were set. Deterministic by construction.
 */
export class VirtualScheduler implements Scheduler {
  private time = 0;
  private seq = 0;
  private heap: Timer[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer: Timer = { at: this.time + Math.max(0, ms), seq: this.seq++, fn };
    this.push(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    if (handle) (handle as Timer).fn = undefined;
  }

  /** The time of the next live timer, if any. */
  peek(): number | undefined {
    while (this.heap.length > 0 && this.heap[0]!.fn === undefined) this.pop();
    return this.heap[0]?.at;
  }

  /** Moves time to the next timer and fires it; false when none is left. */
  runNext(): boolean {
    const at = this.peek();
    if (at === undefined) return false;
    const timer = this.pop()!;
    this.time = Math.max(this.time, at);
    const fn = timer.fn!;
    timer.fn = undefined;
    fn();
    return true;
  }

  private less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(timer: Timer): void {
    const h = this.heap;
    h.push(timer);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): Timer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
