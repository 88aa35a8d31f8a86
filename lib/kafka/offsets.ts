/**
 * Per-partition offset tracking for at-least-once reading of a partitioned log (Kafka).
 *
 * Every record taken from a partition is `add`ed (in offset order, gaps allowed: compaction and
 * transaction markers skip offsets); it stays pending until `ack`ed (processed, or given up on and
 * dead-lettered). The position to commit is the smallest pending offset, or one past the last record
 * added when nothing is pending: the highest contiguous acknowledged prefix. A commit therefore never
 * passes a record that was not acknowledged, so a crash or a rebalance replays (never loses) it.
 *
 * Runtime-neutral and synchronous, so property tests drive it directly.
 *
 * @example
 * ```ts
 * import { PartitionOffsets } from "squall";
 *
 * const p = new PartitionOffsets(100); // the committed position: the next offset to read
 * p.add(100);
 * p.add(101);
 * p.add(105); // offsets 102..104 do not exist (compacted)
 * p.ack(101);
 * p.ack(105);
 * console.log(p.committable); // 100: record 100 is still pending
 * p.ack(100);
 * console.log(p.committable); // 106: everything up to 105 is done
 * ```
 * @module
 */

/** The offsets of one partition: pending records and the position that is safe to commit. */
export class PartitionOffsets {
  /** Offsets added and not yet acked or removed, in increasing order from `head`. */
  private readonly order: number[] = [];
  private head = 0;
  private readonly acked = new Set<number>();
  private next: number;
  private committed: number;

  /** @param start the partition's committed position (the next offset to read). */
  constructor(start: number) {
    if (!Number.isSafeInteger(start) || start < 0) throw new Error(`PartitionOffsets: start must be an integer offset >= 0 (got ${start})`);
    this.next = start;
    this.committed = start;
  }

  /** Records taken and not yet acknowledged. */
  get pending(): number {
    return this.order.length - this.head - this.acked.size;
  }

  /** One past the last offset added (or the start). */
  get nextOffset(): number {
    return this.next;
  }

  /** The position that is safe to commit: the smallest pending offset, or nextOffset. */
  get committable(): number {
    this.compact();
    return this.head < this.order.length ? this.order[this.head]! : this.next;
  }

  /** The last position handed to `committedTo`. */
  get lastCommitted(): number {
    return this.committed;
  }

  /** True when `committable` moved past the last commit. */
  get dirty(): boolean {
    return this.committable > this.committed;
  }

  /** A record was taken from the log. Offsets must increase. */
  add(offset: number): void {
    if (!Number.isSafeInteger(offset) || offset < this.next) {
      throw new Error(`PartitionOffsets.add(${offset}): offsets must be integers that increase (the next offset is ${this.next}); a re-read after a seek needs a new tracker`);
    }
    this.order.push(offset);
    this.next = offset + 1;
  }

  /** Whether the offset was added and is still pending. */
  isPending(offset: number): boolean {
    if (offset < this.committable || offset >= this.next || this.acked.has(offset)) return false;
    return this.indexOf(offset) >= 0;
  }

  /** The record is done with (processed, or dead-lettered). Returns false when it was not pending. */
  ack(offset: number): boolean {
    if (!this.isPending(offset)) return false;
    this.acked.add(offset);
    this.compact();
    return true;
  }

  /** Records a successful commit of `position` (as returned by `committable` earlier). */
  committedTo(position: number): void {
    if (position > this.committed) this.committed = position;
  }

  private compact(): void {
    while (this.head < this.order.length && this.acked.delete(this.order[this.head]!)) this.head++;
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
  }

  private indexOf(offset: number): number {
    let lo = this.head;
    let hi = this.order.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.order[mid]!;
      if (v === offset) return mid;
      if (v < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

/** A partition's commit: the next offset to read, as Kafka's offset commit wants it. */
export interface OffsetCommit {
  readonly partition: number;
  readonly offset: number;
}

/** The partitions of one topic currently owned by this reader. */
export class TopicOffsets {
  private readonly partitions = new Map<number, PartitionOffsets>();

  /** Starts (or restarts, after a rebalance or seek) tracking a partition at its committed position. */
  assign(partition: number, start: number): PartitionOffsets {
    const p = new PartitionOffsets(start);
    this.partitions.set(partition, p);
    return p;
  }

  /** Stops tracking a partition (revoked); its pending records are forgotten (they will be re-read). */
  revoke(partition: number): void {
    this.partitions.delete(partition);
  }

  clear(): void {
    this.partitions.clear();
  }

  get(partition: number): PartitionOffsets | undefined {
    return this.partitions.get(partition);
  }

  /** Partitions owned, in order. */
  get assigned(): number[] {
    return [...this.partitions.keys()].sort((a, b) => a - b);
  }

  /** Pending records across partitions. */
  get pending(): number {
    let n = 0;
    for (const p of this.partitions.values()) n += p.pending;
    return n;
  }

  /** The commits that would move a partition forward. */
  dueCommits(): OffsetCommit[] {
    const out: OffsetCommit[] = [];
    for (const [partition, p] of this.partitions) if (p.dirty) out.push({ partition, offset: p.committable });
    return out;
  }

  /** Records that these commits succeeded (partitions revoked meanwhile are ignored). */
  committed(commits: readonly OffsetCommit[]): void {
    for (const c of commits) this.partitions.get(c.partition)?.committedTo(c.offset);
  }
}
