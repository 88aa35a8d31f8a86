/**
 * The topology shape bench/storm.ts runs on the real cluster for every subject: source -> pass
 * (shuffle, one executor). The source is this squall spout for every subject; only "pass" changes
 * (squall's PassBolt under JSON or msgpack, storm.js's BasicBolt, pystorm's Bolt), and each pass
 * bolt does the same work: emit the input's values anchored to it, then ack.
 */
import * as t from "io-ts";
import { Bolt, Spout, stream, type Tuple } from "squall";

/** The tuple every subject passes: the same values as bench/protocol.ts sends. */
export const Line = stream({ sentence: t.string, n: t.number });

/** Tuples emitted per nextTuple: enough that the spout (one round trip per call) outruns one bolt. */
export const BATCH = 50;

/** Emits BATCH reliable tuples per call; Storm's max spout pending bounds what is in flight. */
export class PeerSpout extends Spout({ outputs: { default: Line } }) {
  private id = 0;
  nextTuple(): void {
    for (let i = 0; i < BATCH; i++) this.emit({ sentence: "the cow jumped over the moon", n: 42 }, { id: this.id++ });
  }
}

/**
 * squall's pass-through bolt: examples/conformance's EchoBolt (no input decoding, values re-emitted as
 * they came) with this stream's fields declared, as Storm checks emitted tuples against them.
 */
export class PassBolt extends Bolt({ outputs: { default: Line } }) {
  process(tuple: Tuple) {
    return this.ack(this.emit(tuple.values as never));
  }
}
