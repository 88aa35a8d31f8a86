/** Components for the testing kit's own tests: a numbered reliable spout, a correct relay and a broken one. */
import * as t from "io-ts";
import { BatchingBolt, Bolt, ReliableSpout, stream, topology, type Tuple, type TupleOf } from "squall";

export const Numbers = stream({ n: t.number });

/** Emits 0, 1, 2, ... each with its number as message id; replays failed ones. */
export class NumberSpout extends ReliableSpout({ outputs: { default: Numbers }, maxRetries: Infinity }) {
  private n = 0;
  nextTuple() {
    this.emit({ n: this.n }, { id: this.n++ });
  }
}

/** Re-emits its input, anchored (the default). */
export class Relay extends Bolt({ input: Numbers, outputs: { default: Numbers } }) {
  process(tuple: TupleOf<typeof Numbers>) {
    return this.ack(this.emit({ n: tuple.fields.n }));
  }
}

/** The classic mistake: emits unanchored, then acks. A lost downstream tuple is never replayed. */
export class ForgetfulRelay extends Bolt({ input: Numbers, outputs: { default: Numbers } }) {
  process(tuple: TupleOf<typeof Numbers>) {
    return this.ack(this.emit({ n: tuple.fields.n }, { anchors: [] }));
  }
}

/** Records what it saw. */
export class Sink extends Bolt({ input: Numbers, outputs: {} }) {
  process(_tuple: TupleOf<typeof Numbers>) {
    return this.ack();
  }
}

export class SumBatches extends BatchingBolt({ input: Numbers, outputs: { default: Numbers }, batchSize: 3, flushIntervalMs: 1000, flushOnTick: true }) {
  async processBatch(_key: string, tuples: readonly Tuple<{ n: number }>[]) {
    return this.ack(this.emit({ n: tuples.reduce((sum, tuple) => sum + tuple.fields.n, 0) }));
  }
}

export const pipelineOf = (relay: typeof Relay | typeof ForgetfulRelay, name: string) =>
  topology(name)
    .spout("numbers", NumberSpout)
    .bolt("relay", relay, { parallelism: 2 })
    .shuffle("numbers")
    .bolt("sink", Sink, { parallelism: 2 })
    .shuffle("relay")
    .build();
