/**
 * The protocol's reference components. Their behaviour is fixed: harnesses (squall's conformance suite,
 * benchmarks, Storm tests) rely on it exactly.
 *
 * - CountingSpout (field `n`): emits [0], [1], [2]... each with message id n; replays an id when failed.
 * - EchoBolt (field `value`): re-emits each input's values unchanged on the default stream, anchored to
 *   the input, then acks it.
 * @module
 */
import * as t from "io-ts";
import { Bolt, fields, Spout, stream, type MessageId, type Tuple } from "squall";

export class CountingSpout extends Spout({ outputs: { default: stream({ n: t.number }) } }) {
  private next = 0;
  private readonly replays: number[] = [];

  nextTuple(): void {
    const n = this.replays.shift() ?? this.next++;
    this.emit({ n }, { id: n });
  }

  override fail(id: MessageId): void {
    this.replays.push(id as number);
  }
}

export class EchoBolt extends Bolt({ outputs: { default: fields("value") } }) {
  process(tuple: Tuple) {
    return this.ack(this.emit(tuple.values as never));
  }
}
