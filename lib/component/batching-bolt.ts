/**
 * BatchingBolt: collects tuples into batches per key and hands each batch over at once, for bulk
 * writes to databases and other ETL sinks.
 *
 * A key's batch is flushed when it holds `batchSize` tuples, every `flushIntervalMs` (a timer), and on
 * each tick tuple (when topology.tick.tuple.freq.secs is set). A batch that succeeds acks every tuple in
 * it; one that fails (returned `fail`, threw or rejected) fails every tuple in it. Emits made by
 * `processBatch` are anchored to every tuple of the batch.
 *
 * @example
 * ```ts
 * import * as t from "io-ts";
 * import { BatchingBolt, stream, type Tuple } from "squall";
 *
 * const Views = stream({ url: t.string, n: t.number });
 * export class SaveViews extends BatchingBolt({ input: Views, outputs: {}, batchSize: 500, flushIntervalMs: 1000 }) {
 *   override groupKey(tuple: Tuple<{ url: string; n: number }>) {
 *     return tuple.fields.url.slice(0, 1); // one batch per first letter
 *   }
 *   async processBatch(_key: string, tuples: readonly Tuple<{ url: string; n: number }>[]) {
 *     await Promise.resolve(tuples.length); // write them in one statement here
 *     return this.ack();
 *   }
 * }
 * ```
 * @module
 */
import type { Outcome } from "./effects.ts";
import { EffectsBoltBase, type BoltDeclaration } from "./bolt.ts";
import type { Outputs, OutputValues, Values } from "./stream.ts";
import type { Tuple } from "./tuple.ts";

export interface BatchingBoltDeclaration<O extends Outputs, I extends Values> extends BoltDeclaration<O, I> {
  /** Flush a key's batch once it holds this many tuples (default 100). */
  readonly batchSize?: number;
  /** Flush every batch this often, in milliseconds (default 1000; 0 turns the timer off). */
  readonly flushIntervalMs?: number;
  /** Flush every batch on each tick tuple (default true). */
  readonly flushOnTick?: boolean;
}

/** Base of batching bolts; `this.emit`, `this.ack` and `this.fail` act on the whole batch. */
export abstract class BatchingBoltBase<O extends Outputs = Outputs, I extends Values = Values> extends EffectsBoltBase<O> {
  readonly variant = "batching" as const;
  readonly batchSize: number;
  readonly flushIntervalMs: number;
  readonly flushOnTick: boolean;

  constructor(declaration: BatchingBoltDeclaration<O, I>) {
    super(declaration);
    this.batchSize = declaration.batchSize ?? 100;
    this.flushIntervalMs = declaration.flushIntervalMs ?? 1000;
    this.flushOnTick = declaration.flushOnTick ?? true;
    if (!(this.batchSize >= 1)) throw new Error(`BatchingBolt: batchSize must be at least 1 (got ${this.batchSize})`);
  }

  /** The batch a tuple belongs to (default: one batch for everything). */
  groupKey(_tuple: Tuple<I>): string {
    return "";
  }

  /** Handles one batch: return `this.ack(...emits)` or `this.fail(reason)` for all of its tuples. */
  abstract processBatch(key: string, tuples: readonly Tuple<I>[]): Outcome<OutputValues<O>> | Promise<Outcome<OutputValues<O>>>;
}

export type BatchingBoltClass<O extends Outputs, I extends Values> = (abstract new () => BatchingBoltBase<O, I>) & {
  readonly declaration: BatchingBoltDeclaration<O, I>;
};

/** Declares a batching bolt class. */
export function BatchingBolt<const O extends Outputs, I extends Values = Values>(declaration: BatchingBoltDeclaration<O, I>): BatchingBoltClass<O, I> {
  abstract class DeclaredBatchingBolt extends BatchingBoltBase<O, I> {
    static readonly declaration = declaration;
    constructor() {
      super(declaration);
    }
  }
  return DeclaredBatchingBolt;
}
