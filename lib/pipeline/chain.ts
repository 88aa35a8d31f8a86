/**
 * A fused operator chain, as it runs inside one bolt task, with the anchor accounting that makes
 * at-least-once hold through operators.
 *
 * Each input tuple is held while the chain processes it; processors that keep elements (windows,
 * batches, reduce, async sinks) add holds of their own. The tuple is acked when its last hold is
 * released, which is always after every output derived from it was emitted (anchored to it). An error
 * in an operator fails the inputs of the element it was working on (Storm then replays them) and
 * the chain carries on with the next element.
 * @module
 */
import type { Clock } from "./clock.ts";
import type { ChainContext, Emit, Item, Operator, Processor } from "./operator.ts";

export interface ChainHooks {
  readonly clock: Clock;
  /** The chain's output (the bolt emits it, anchored to `item.anchors`). */
  emit(item: Item): void;
  /** Every hold on the input is gone: ack it. */
  ack(anchor: unknown): void;
  /** An operator failed on an element derived from this input: fail it. */
  fail(anchor: unknown): void;
  /** Reports an operator's error (once per failing element). */
  error(where: string, error: unknown): void;
}

export class Chain {
  private readonly processors: Processor[];
  private readonly next: Emit[];
  private readonly holds = new Map<unknown, number>();
  private readonly failed = new Set<unknown>();
  private deferred: Promise<unknown>[] = [];

  constructor(
    private readonly operators: readonly Operator<any, any>[],
    private readonly hooks: ChainHooks,
  ) {
    const ctx: ChainContext = {
      clock: hooks.clock,
      retain: (anchors) => this.retain(anchors),
      release: (anchors) => this.release(anchors),
      defer: (promise, anchors) => {
        this.retain(anchors);
        this.deferred.push(
          promise.then(
            () => this.release(anchors),
            (error: unknown) => {
              this.failAll(anchors, "sink", error);
              this.release(anchors);
            },
          ),
        );
      },
    };
    this.processors = operators.map((op) => op.processor(ctx));
    this.next = this.processors.map((_, i) => (item: Item) => this.run(i + 1, item));
  }

  /** Inputs held (not yet acked or failed). */
  get pending(): number {
    return this.holds.size;
  }

  /** Runs one input through the chain; resolves when its async sinks have (for backpressure). */
  push(item: Item): void | Promise<void> {
    this.retain(item.anchors);
    this.run(0, item);
    this.release(item.anchors);
    if (this.deferred.length === 0) return;
    const waiting = this.deferred;
    this.deferred = [];
    return Promise.all(waiting).then(() => undefined);
  }

  /** Processing time moved on: time windows and batches may close. */
  tick(): void {
    const now = this.hooks.clock.now();
    this.processors.forEach((p, i) => {
      if (!p.tick) return;
      try {
        p.tick(now, this.next[i]!);
      } catch (error) {
        this.hooks.error(`${this.operators[i]!.name} on a tick`, error);
      }
    });
  }

  /** End of input: every operator flushes, in order, so each flush flows through the rest. */
  end(): void {
    this.processors.forEach((p, i) => {
      if (!p.end) return;
      try {
        p.end(this.next[i]!);
      } catch (error) {
        this.hooks.error(`${this.operators[i]!.name} at the end of input`, error);
      }
    });
  }

  private run(index: number, item: Item): void {
    const processor = this.processors[index];
    try {
      if (processor) processor.push(item, this.next[index]!);
      else this.hooks.emit(item);
    } catch (error) {
      this.failAll(item.anchors, processor ? this.operators[index]!.name : "emit", error);
    }
  }

  private failAll(anchors: readonly unknown[], where: string, error: unknown): void {
    this.hooks.error(where, error);
    for (const anchor of anchors) {
      if (!this.holds.has(anchor) || this.failed.has(anchor)) continue;
      this.failed.add(anchor);
      this.hooks.fail(anchor);
    }
  }

  private retain(anchors: readonly unknown[]): void {
    for (const a of anchors) this.holds.set(a, (this.holds.get(a) ?? 0) + 1);
  }

  private release(anchors: readonly unknown[]): void {
    for (const a of anchors) {
      const left = (this.holds.get(a) ?? 0) - 1;
      if (left > 0) {
        this.holds.set(a, left);
        continue;
      }
      this.holds.delete(a);
      if (this.failed.delete(a)) continue;
      this.hooks.ack(a);
    }
  }
}
