/**
 * Per-component counters and latency histograms, and the JSON snapshot `squall run` writes.
 *
 * Histograms use log-spaced buckets (about 4% wide), so p50/p99 cost O(buckets) and memory is fixed
 * whatever the run length.
 *
 * @module
 */

const BUCKETS = 400;
const BASE = 1.04;
const MIN_MS = 0.01;

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  count = 0;
  sum = 0;
  max = 0;

  record(ms: number): void {
    const v = Math.max(ms, MIN_MS);
    const i = Math.min(BUCKETS - 1, Math.floor(Math.log(v / MIN_MS) / Math.log(BASE)));
    this.counts[i]!++;
    this.count++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
  }

  /** The q-quantile (0..1) in ms, or 0 when empty. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = q * this.count;
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.max, MIN_MS * BASE ** (i + 0.5));
    }
    return this.max;
  }

  get mean(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  merge(other: LatencyHistogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
    this.sum += other.sum;
    this.max = Math.max(this.max, other.max);
  }
}

export class ComponentMetrics {
  /** Tuples emitted (once per emit, whatever the number of targets). */
  emitted = 0;
  /** Tuples delivered to the component's tasks (bolts). */
  executed = 0;
  /** Spouts: trees completed. Bolts: tuples acked. */
  acked = 0;
  /** Spouts: trees failed (by a bolt, a dead process or the timeout). Bolts: tuples failed. */
  failed = 0;
  /** Spouts: trees that timed out (included in failed). */
  timedOut = 0;
  /** Processes restarted after a crash or kill. */
  restarts = 0;
  errors = 0;
  /** Spouts: complete latency. Bolts: process latency (sent to acked). */
  readonly latency = new LatencyHistogram();

  constructor(readonly id: string, readonly type: "spout" | "bolt", readonly tasks: number) {}
}

export interface ComponentSnapshot {
  readonly id: string;
  readonly type: "spout" | "bolt";
  readonly tasks: number;
  readonly emitted: number;
  readonly executed: number;
  readonly acked: number;
  readonly failed: number;
  readonly timedOut: number;
  readonly restarts: number;
  readonly errors: number;
  /** Spouts: complete latency; bolts: process latency (ms). */
  readonly latencyMs: { readonly mean: number; readonly p50: number; readonly p99: number; readonly max: number };
}

export interface MetricsSnapshot {
  readonly topology: string;
  /** Milliseconds since the engine started. */
  readonly uptimeMs: number;
  /** Tuple trees being tracked by the acker. */
  readonly pendingTrees: number;
  /** Tuples waiting in the engine for busy bolt tasks. */
  readonly queued: number;
  readonly backpressure: boolean;
  /** Milliseconds after the engine started at which the first spout tree was acked (absent before). */
  readonly firstAckMs?: number;
  readonly components: readonly ComponentSnapshot[];
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

export const snapshotOf = (m: ComponentMetrics): ComponentSnapshot => ({
  id: m.id,
  type: m.type,
  tasks: m.tasks,
  emitted: m.emitted,
  executed: m.executed,
  acked: m.acked,
  failed: m.failed,
  timedOut: m.timedOut,
  restarts: m.restarts,
  errors: m.errors,
  latencyMs: { mean: round(m.latency.mean), p50: round(m.latency.quantile(0.5)), p99: round(m.latency.quantile(0.99)), max: round(m.latency.max) },
});
