/**
 * Storm's acker: one XOR value per spout tuple tree (reference/storm.md section 5).
 *
 * Every tuple edge gets a random 64-bit id (kept here as two 32-bit halves, since JavaScript XORs 32
 * bits at a time). The spout's emit XORs in the ids of the tuples it created; each bolt ack XORs in the
 * acked tuple's id and the ids of the tuples newly anchored to it. Each edge id thus enters the value
 * exactly twice, so the value is 0 exactly when every tuple of the tree was acked (up to a 2^-64 chance).
 * A fail settles the tree at once; a tree older than the message timeout fails.
 *
 * State is keyed by root id only and updates commute, so ackers shard by `root % shards` with no
 * coordination: that is how the engine could run several acker processes (see ShardedAcker).
 *
 * @module
 */
import { Queue } from "./queue.ts";
import type { MessageId } from "../protocol/messages.ts";

/** A pending tuple tree. */
export interface TreeEntry {
  readonly root: number;
  hi: number;
  lo: number;
  /** The spout task that emitted the root, and which incarnation of its process. */
  readonly spoutTask: number;
  readonly generation: number;
  readonly messageId: MessageId;
  readonly startedAt: number;
}

export type Settlement = { readonly kind: "ack" | "fail" | "timeout"; readonly entry: TreeEntry };

export class Acker {
  private readonly entries = new Map<number, TreeEntry>();
  /** Roots in start order: with one timeout for all, start order is expiry order. */
  private readonly order = new Queue<TreeEntry>();

  constructor(private readonly timeoutMs: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** Starts tracking a tree; a value of 0 (no targets) completes it at once. */
  init(entry: TreeEntry): Settlement | undefined {
    if (entry.hi === 0 && entry.lo === 0) return { kind: "ack", entry };
    this.entries.set(entry.root, entry);
    this.order.push(entry);
    return undefined;
  }

  /** XORs `hi:lo` into the tree's value; returns the ack when the value reaches 0. */
  update(root: number, hi: number, lo: number): Settlement | undefined {
    const entry = this.entries.get(root);
    if (!entry) return undefined; // already failed, timed out or dropped: late acks are ignored
    entry.hi = (entry.hi ^ hi) >>> 0;
    entry.lo = (entry.lo ^ lo) >>> 0;
    if (entry.hi !== 0 || entry.lo !== 0) return undefined;
    this.entries.delete(root);
    return { kind: "ack", entry };
  }

  fail(root: number): Settlement | undefined {
    const entry = this.entries.get(root);
    if (!entry) return undefined;
    this.entries.delete(root);
    return { kind: "fail", entry };
  }

  /** Fails every tree started at or before `now - timeout`. */
  expire(now: number): Settlement[] {
    const out: Settlement[] = [];
    for (let head = this.order.peek(); head && head.startedAt + this.timeoutMs <= now; head = this.order.peek()) {
      this.order.shift();
      if (this.entries.get(head.root) === head) {
        this.entries.delete(head.root);
        out.push({ kind: "timeout", entry: head });
      }
    }
    return out;
  }

  /** Forgets the trees of a spout process that died (its replacement never emitted them). */
  dropSpout(task: number, generation: number): number {
    let dropped = 0;
    for (const [root, entry] of this.entries) {
      if (entry.spoutTask === task && entry.generation === generation) {
        this.entries.delete(root);
        dropped++;
      }
    }
    return dropped;
  }
}

/** Several independent ackers, each owning the roots `root % shards`. */
export class ShardedAcker {
  private readonly shards: Acker[];

  constructor(timeoutMs: number, shards = 1) {
    this.shards = Array.from({ length: Math.max(1, shards) }, () => new Acker(timeoutMs));
  }

  private of(root: number): Acker {
    return this.shards[root % this.shards.length]!;
  }

  get size(): number {
    let n = 0;
    for (const s of this.shards) n += s.size;
    return n;
  }

  init(entry: TreeEntry): Settlement | undefined {
    return this.of(entry.root).init(entry);
  }

  update(root: number, hi: number, lo: number): Settlement | undefined {
    return this.of(root).update(root, hi, lo);
  }

  fail(root: number): Settlement | undefined {
    return this.of(root).fail(root);
  }

  expire(now: number): Settlement[] {
    return this.shards.flatMap((s) => s.expire(now));
  }

  dropSpout(task: number, generation: number): number {
    let n = 0;
    for (const s of this.shards) n += s.dropSpout(task, generation);
    return n;
  }
}
